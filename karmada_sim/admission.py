"""Admission details of the API server that are plain functions on dicts."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from karmada_sim.resource_types import ResourceType

# apiserver storage/names.SimpleNameGenerator: 5 characters from this alphabet.
GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def now_rfc3339() -> str:
    """Current UTC time as the API server writes it (seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def comparable(obj: dict[str, Any]) -> str:
    """The object without its resourceVersion, for no-op detection."""
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k != "resourceVersion"}
    return json.dumps({**obj, "metadata": meta}, sort_keys=True)


def spec_part(obj: dict[str, Any]) -> str:
    """Everything but metadata and status: a change here bumps metadata.generation."""
    return json.dumps(
        {k: v for k, v in obj.items() if k not in ("metadata", "status")}, sort_keys=True
    )


def builtin_create_defaults(rt: ResourceType, obj: dict[str, Any]) -> None:
    """The few built-in create-time rules the product relies on (Go strategy code upstream)."""
    if rt.group == "" and rt.kind == "Namespace":
        obj["status"] = {"phase": "Active"}
    elif rt.group == "" and rt.kind == "Secret":
        # Secret stringData is write-only: merged into data (base64) on write.
        string_data = obj.pop("stringData", None) or {}
        data = obj.setdefault("data", {}) if string_data else obj.get("data")
        for k, v in string_data.items():
            assert isinstance(data, dict)
            data[k] = base64.b64encode(str(v).encode()).decode()
        obj.setdefault("type", "Opaque")
    elif rt.group == "" and rt.kind == "Pod":
        obj["status"] = {"phase": "Pending"}
