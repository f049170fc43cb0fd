"""Helpers of the built-in model's differential tests: the upstream side, and comparisons.

The upstream side is the real data (`K8S_REFERENCE_DIR` or ../shared/k8s-reference): CRDs and
OpenAPI documents through `load_resource_types`, Karmada's Lua through `load_thirdparty`. When
it is missing the tests cannot compare anything: under CI that is a failure, elsewhere a skip
whose reason says what is missing.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from karmada_sim import builtin
from karmada_sim.builtin.kubeflow import tfjob_aggregate_status
from karmada_sim.builtin.model import KindRules
from karmada_sim.karmada.interpreter import ResourceInterpreter, load_thirdparty
from karmada_sim.karmada.luavm import LuaVM
from karmada_sim.reference import reference_dir
from karmada_sim.resource_types import ResourceType, load_resource_types

# TFJob's Lua stamps conditions with os.date(); both sides get this instant instead.
PINNED_NOW = "2026-01-02T03:04:05Z"
_OS_DATE = 'os.date("!%Y-%m-%dT%H:%M:%SZ")'

# How many cases each area compared (printed at the end of the module with -s).
STATS: Counter[str] = Counter()


def _reference_or_none() -> tuple[Path | None, str]:
    try:
        return reference_dir(), ""
    except FileNotFoundError as exc:
        return None, str(exc)


REFERENCE, REFERENCE_ERROR = _reference_or_none()


def require_reference() -> Path:
    """The reference directory; fail under CI, skip with the reason elsewhere."""
    if REFERENCE is not None:
        return REFERENCE
    message = (
        "the built-in model's differential tests compare against the upstream reference data "
        f"and cannot run without it: {REFERENCE_ERROR}. Set K8S_REFERENCE_DIR or fetch it "
        "(mlplatform reference fetch)."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def upstream_types() -> dict[tuple[str, str, str], ResourceType]:
    return {(t.group, t.version, t.plural): t for t in load_resource_types(require_reference())}


@functools.cache
def builtin_types() -> dict[tuple[str, str, str], ResourceType]:
    return {(t.group, t.version, t.plural): t for t in builtin.resource_types()}


def preferred_by_kind(
    types: dict[tuple[str, str, str], ResourceType],
) -> dict[tuple[str, str], Any]:
    return {(t.api_version, t.kind): t for t in types.values() if t.preferred}


@functools.cache
def lua_interpreter() -> ResourceInterpreter:
    """The real Lua customizations, with TFJob's clock pinned."""
    scripts = load_thirdparty(require_reference())
    pinned = {
        key: {op: script.replace(_OS_DATE, f'"{PINNED_NOW}"') for op, script in ops.items()}
        for key, ops in scripts.items()
    }
    return ResourceInterpreter(pinned, vm=LuaVM())


@functools.cache
def builtin_interpreter() -> ResourceInterpreter:
    """The built-in model's rules, with TFJob's clock pinned the same way."""
    rules = dict(builtin.interpreter_rules())
    tf = rules[("kubeflow.org/v1", "TFJob")]
    rules[("kubeflow.org/v1", "TFJob")] = KindRules(
        **{**tf.__dict__, "aggregate_status": functools.partial(
            tfjob_aggregate_status, now=lambda: PINNED_NOW)}
    )  # fmt: skip
    return ResourceInterpreter(builtin=rules)


def first_difference(a: Any, b: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first path where two JSON values differ, with both values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted({*a, *b}, key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                return sub, a.get(key, "<absent>"), b.get(key, "<absent>")
            found = first_difference(a[key], b[key], sub)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}(length)", len(a), len(b)
        return None
    if a != b or type(a) is not type(b):
        return path or "<root>", a, b
    return None


def disagreement(kind: str, what: str, upstream: Any, model: Any) -> str:
    """An assertion message naming the kind, the field and both answers."""
    diff = first_difference(upstream, model)
    where = diff[0] if diff else "?"
    up, mine = (diff[1], diff[2]) if diff else (upstream, model)
    return (
        f"{kind}: {what} differs at {where}: upstream {up!r}, built-in model {mine!r}"
        f"\n  upstream (whole): {upstream!r}\n  built-in (whole): {model!r}"
    )


def schema_answers(rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
    """What the API server's admission makes of `obj`: errors, stored form, pruned fields."""
    assert rt.schema is not None
    defaulted = rt.schema.apply_defaults(obj)
    return {
        "errors": sorted(f"{e.field}: {e.message}" for e in rt.schema.validate(obj)),
        "stored": rt.schema.prune(defaulted),
        "pruned": sorted(rt.schema.unknown_fields(defaulted)),
    }


def assert_same_admission(obj: dict[str, Any], area: str) -> None:
    """Upstream schema and built-in model agree on validation, defaulting and pruning."""
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    upstream = preferred_by_kind(upstream_types())[key]
    model = preferred_by_kind(builtin_types())[key]
    up, mine = schema_answers(upstream, obj), schema_answers(model, obj)
    for what in ("errors", "pruned", "stored"):
        assert up[what] == mine[what], disagreement(
            key[1], f"{what} ({area})", up[what], mine[what]
        )
    STATS[f"schema:{area}"] += 1


def outcome(call: Any, *args: Any) -> tuple[str, Any]:
    """("ok", result) or ("error", None): a script error must be an error on both sides."""
    try:
        return "ok", call(*args)
    except Exception:  # any failure of the operation is the verdict
        return "error", None


def assert_same_interpretation(operation: str, kind: str, *args: Any, area: str) -> None:
    """The Lua customizations and the built-in rules agree on one interpreter operation."""
    lua = outcome(getattr(lua_interpreter(), operation), *args)
    mine = outcome(getattr(builtin_interpreter(), operation), *args)
    if operation == "get_components" and kind == "MPIJob":
        # The Lua walks mpiReplicaSpecs with `pairs`, whose order Lua leaves unspecified.
        lua = (lua[0], sorted(lua[1] or [], key=lambda c: str(c.get("name"))))
        mine = (mine[0], sorted(mine[1] or [], key=lambda c: str(c.get("name"))))
    assert lua == mine, disagreement(kind, f"{operation} ({area})", lua, mine)
    STATS[f"interpreter:{operation}:{area}"] += 1
