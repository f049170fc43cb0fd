"""`meta.k8s.io/v1 Table` answers (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).

Columns: `Name`, then the resource's printer columns (a CRD's `additionalPrinterColumns`); a
resource without any gets `Age`, as the API server's default table convertor does. Cells are read
with the JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and
`.a[?(@.k=="v")].b`. Rows carry the object as PartialObjectMetadata (includeObject=Metadata).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from karmada_sim.resource_types import ResourceType

_TOKEN = re.compile(
    r"\.([A-Za-z0-9_\-]+)|\[(\d+|\*)\]|\[\?\(@\.([A-Za-z0-9_\-.]+)\s*==\s*([\"'])(.*?)\4\)\]"
)
_AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}


def wants_table(accept: str | None) -> bool:
    """Whether the Accept header prefers a Table (the first media range asking for one)."""
    if not accept:
        return False
    first = accept.split(",")[0]
    return "as=Table" in first and "g=meta.k8s.io" in first


def json_path(obj: Any, path: str) -> list[Any]:
    """All values selected by a printer-column JSONPath (subset; see module docstring)."""
    expr = path.strip()
    if expr.startswith("{") and expr.endswith("}"):
        expr = expr[1:-1]
    expr = expr.lstrip("$")
    nodes: list[Any] = [obj]
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None:
            return []
        pos = match.end()
        key, index, filter_key, _, filter_value = match.groups()
        out: list[Any] = []
        for node in nodes:
            if key is not None:
                if isinstance(node, dict) and key in node:
                    out.append(node[key])
            elif index is not None:
                if isinstance(node, list):
                    if index == "*":
                        out.extend(node)
                    elif int(index) < len(node):
                        out.append(node[int(index)])
            elif isinstance(node, list):
                for item in node:
                    value: Any = item
                    for part in filter_key.split("."):
                        value = value.get(part) if isinstance(value, dict) else None
                    if value is not None and str(value) == filter_value:
                        out.append(item)
        nodes = out
    return nodes


def human_duration(seconds: float) -> str:
    """Age text as apimachinery's duration.HumanDuration writes it (e.g. 45s, 3m20s, 5h, 2d)."""
    s = int(max(seconds, 0))
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"


def _age(timestamp: Any) -> Any:
    # The CRD table convertor prints `date` columns as ages, not timestamps.
    if not isinstance(timestamp, str):
        return "<unknown>"
    try:
        then = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return timestamp
    return human_duration((datetime.now(UTC) - then).total_seconds())


def _cell(obj: dict[str, Any], column: dict[str, Any]) -> Any:
    values = json_path(obj, column.get("jsonPath", ""))
    if column.get("type") == "date":
        return _age(values[0]) if values else "<unknown>"
    if not values:
        return None
    if len(values) == 1:
        value = values[0]
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"))
        return value
    return ",".join(json.dumps(v) if isinstance(v, (dict, list)) else str(v) for v in values)


def columns_for(rt: ResourceType) -> list[dict[str, Any]]:
    """The printer columns of a resource (without Name)."""
    # A CRD with printer columns shows exactly those; without any, the server adds Age.
    return [dict(c) for c in rt.printer_columns] if rt.printer_columns else [_AGE]


def build_table(
    rt: ResourceType, objects: list[dict[str, Any]], list_meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Table for the objects of one resource."""
    cols = columns_for(rt)
    definitions = [
        {
            "name": "Name",
            "type": "string",
            "format": "name",
            "description": "Name must be unique within a namespace.",
            "priority": 0,
        }
    ]
    for c in cols:
        definitions.append(
            {
                "name": c.get("name", ""),
                "type": c.get("type", "string"),
                "format": c.get("format", ""),
                "description": c.get("description", ""),
                "priority": int(c.get("priority", 0)),
            }
        )
    rows = []
    for obj in objects:
        meta = obj.get("metadata", {})
        rows.append(
            {
                "cells": [meta.get("name", "")] + [_cell(obj, c) for c in cols],
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": meta,
                },
            }
        )
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta or {},
        "columnDefinitions": definitions,
        "rows": rows,
    }
