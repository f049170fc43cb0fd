"""Patch documents: JSON merge patch (RFC 7386) and JSON patch (RFC 6902), on plain dicts."""

from __future__ import annotations

import copy
from typing import Any

from karmada_sim.errors import ApiError, BadRequest, Invalid, UnsupportedMediaType
from karmada_sim.openapi_schema import ResourceSchema

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise _bad(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _bad(message: str) -> ApiError:
    # The real server answers a malformed JSON patch with 422 Invalid.
    return Invalid(message)


def _container(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts:
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError) as exc:
                raise _bad(f"index {part!r} out of range") from exc
        elif isinstance(node, dict):
            if part not in node:
                raise _bad(f"missing path element {part!r}")
            node = node[part]
        else:
            raise _bad(f"cannot descend into {part!r}")
    return node


def _get(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    if not parts:
        return doc
    parent = _container(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        try:
            return parent[int(last)]
        except (ValueError, IndexError) as exc:
            raise _bad(f"index {last!r} out of range") from exc
    if isinstance(parent, dict) and last in parent:
        return parent[last]
    raise _bad(f"path {path!r} does not exist")


def _remove(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    parent = _container(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        try:
            return parent.pop(int(last))
        except (ValueError, IndexError) as exc:
            raise _bad(f"index {last!r} out of range") from exc
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    raise _bad(f"unable to remove nonexistent key {last!r}")


def _add(doc: Any, path: str, value: Any, *, replace: bool) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent = _container(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if replace:
            try:
                parent[int(last)] = value
            except (ValueError, IndexError) as exc:
                raise _bad(f"index {last!r} out of range") from exc
        elif last == "-":
            parent.append(value)
        else:
            try:
                index = int(last)
            except ValueError as exc:
                raise _bad(f"invalid index {last!r}") from exc
            if index > len(parent) or index < 0:
                raise _bad(f"index {last!r} out of range")
            parent.insert(index, value)
    elif isinstance(parent, dict):
        if replace and last not in parent:
            raise _bad(f"replace operation does not apply: doc is missing key: {path}")
        parent[last] = value
    else:
        raise _bad(f"cannot add at {path!r}")
    return doc


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902 operations applied to a copy of `target`."""
    if not isinstance(operations, list):
        # What the real server answers when a client sends a merge-patch body as a JSON patch
        # (kubernetes-asyncio does this for dict bodies unless `_content_type` is given).
        raise BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(target)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise _bad(f"invalid JSON patch operation {op!r}")
        kind, path = op["op"], op["path"]
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=False)
        elif kind == "replace":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=True)
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "move":
            value = _remove(doc, op["from"])
            doc = _add(doc, path, value, replace=False)
        elif kind == "copy":
            doc = _add(doc, path, copy.deepcopy(_get(doc, op["from"])), replace=False)
        elif kind == "test":
            if _get(doc, path) != op.get("value"):
                raise _bad(f"test operation failed at {path}")
        else:
            raise _bad(f"unknown JSON patch operation {kind!r}")
    return doc


def strategic_merge_patch(
    target: Any, patch: Any, schema: ResourceSchema | None, node: dict[str, Any] | None
) -> Any:
    """Strategic merge patch driven by the schema's `x-kubernetes-patch-*` annotations.

    Lists whose schema has patch strategy `merge` merge by `x-kubernetes-patch-merge-key`
    (items with `$patch: delete` are removed); other lists are replaced, maps merge, `null`
    deletes. The directives `$setElementOrder/`, `$retainKeys` and `$deleteFromPrimitiveList/`
    that kubectl sends are understood (order hints are ignored). Without annotations (custom
    resources) this is a JSON merge patch, as the brief for CRDs asks.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    resolved = schema.resolve(node) if schema is not None and node is not None else {}
    props: dict[str, Any] = resolved.get("properties") or {}
    addl = resolved.get("additionalProperties")
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list) and isinstance(value, list):
                result[field] = [v for v in result[field] if v not in value]
            continue
        if key.startswith("$"):
            continue  # $setElementOrder/..., $retainKeys, $patch: ordering/retention hints
        if value is None:
            result.pop(key, None)
            continue
        child = props.get(key) if key in props else (addl if isinstance(addl, dict) else None)
        child_resolved = schema.resolve(child) if schema is not None and child else {}
        if isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, schema, child_resolved)
        else:
            result[key] = strategic_merge_patch(result.get(key), value, schema, child)
    return result


def _merge_list(
    current: Any, patch: list[Any], schema: ResourceSchema | None, node: dict[str, Any]
) -> list[Any]:
    strategy = str(node.get("x-kubernetes-patch-strategy", ""))
    if "merge" not in strategy.split(","):
        return copy.deepcopy(patch)
    existing = copy.deepcopy(current) if isinstance(current, list) else []
    key = node.get("x-kubernetes-patch-merge-key")
    items = node.get("items") if isinstance(node.get("items"), dict) else None
    if not key:
        return existing + [copy.deepcopy(v) for v in patch if v not in existing]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            existing.append(copy.deepcopy(item))
            continue
        index = next(
            (i for i, e in enumerate(existing) if isinstance(e, dict) and e.get(key) == item[key]),
            None,
        )
        if item.get("$patch") == "delete":
            if index is not None:
                existing.pop(index)
        elif index is None:
            existing.append({k: copy.deepcopy(v) for k, v in item.items() if k != "$patch"})
        else:
            existing[index] = strategic_merge_patch(existing[index], item, schema, items)
    return existing


def apply_patch(
    target: dict[str, Any],
    patch: Any,
    content_type: str,
    schema: ResourceSchema | None = None,
) -> dict[str, Any]:
    """Apply a patch body of the given media type (`schema` drives strategic merge)."""
    media = content_type.split(";")[0].strip().lower()
    if media == MERGE_PATCH:
        result = merge_patch(target, patch)
    elif media == STRATEGIC_MERGE_PATCH:
        root = schema.schema if schema is not None else None
        result = strategic_merge_patch(target, patch, schema, root)
    elif media == JSON_PATCH:
        result = json_patch(target, patch)
    else:
        raise UnsupportedMediaType(
            f"the body of the request was in an unknown format - "
            f"accepted media types include: {JSON_PATCH}, "
            f"{MERGE_PATCH}, {STRATEGIC_MERGE_PATCH}"
        )
    if not isinstance(result, dict):
        raise _bad("the patch must produce an object")
    return result
