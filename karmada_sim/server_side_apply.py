"""Server-side apply (`PATCH` with `application/apply-patch+yaml`), simplified.

What kubectl needs from `kubectl apply --server-side`: the object is created when missing and
otherwise merged with the applied configuration (the schema-driven strategic merge of
karmada_sim/patches.py), and `metadata.managedFields` records one `Apply` entry per field
manager with the fields of its last applied configuration (FieldsV1). Not simulated: conflict
detection between managers (`force` is accepted and changes nothing) and the removal of fields a
manager stopped applying.
"""

from __future__ import annotations

from typing import Any

import yaml

from karmada_sim.admission import now_rfc3339
from karmada_sim.errors import BadRequest
from karmada_sim.patches import strategic_merge_patch
from karmada_sim.resource_types import ResourceType
from karmada_sim.store import ObjectStore

_SERVER_FIELDS = ("uid", "resourceVersion", "generation", "creationTimestamp",
                  "managedFields", "selfLink", "deletionTimestamp")


def parse_configuration(raw: bytes) -> dict[str, Any]:
    """The applied configuration (YAML or JSON) as an object."""
    try:
        obj = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise BadRequest(f"error decoding YAML: {exc}") from exc
    if not isinstance(obj, dict):
        raise BadRequest("the applied configuration must be an object")
    return obj


def fields_v1(value: Any) -> dict[str, Any]:
    """The FieldsV1 set of a configuration: `f:<key>` per map key; lists count as one field."""
    if not isinstance(value, dict):
        return {}
    return {f"f:{key}": fields_v1(child) for key, child in value.items()
            if key not in ("apiVersion", "kind")}


def _entry(manager: str, api_version: str, config: dict[str, Any],
           subresource: str | None) -> dict[str, Any]:
    meta = {k: v for k, v in (config.get("metadata") or {}).items()
            if k not in ("name", "namespace", *_SERVER_FIELDS)}
    owned = {**config, "metadata": meta} if meta else {
        k: v for k, v in config.items() if k != "metadata"}
    entry: dict[str, Any] = {
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": now_rfc3339(),
        "fieldsType": "FieldsV1",
        "fieldsV1": fields_v1(owned),
    }
    if subresource:
        entry["subresource"] = subresource
    return entry


def _with_entry(current: list[Any], entry: dict[str, Any]) -> list[Any]:
    kept = [e for e in current if not (
        isinstance(e, dict) and e.get("manager") == entry["manager"]
        and e.get("operation") == "Apply" and e.get("subresource") == entry.get("subresource"))]
    return [*kept, entry]


def server_side_apply(
    store: ObjectStore,
    rt: ResourceType,
    namespace: str | None,
    name: str,
    raw: bytes,
    *,
    field_manager: str | None,
    subresource: str | None = None,
    field_validation: str = "Warn",
) -> tuple[dict[str, Any], bool]:
    """Apply `raw` to the named object; (result, created)."""
    if not field_manager:
        raise BadRequest("PATCH with apply-patch+yaml requires the fieldManager parameter")
    config = parse_configuration(raw)
    if config.get("apiVersion") != rt.api_version or config.get("kind") != rt.kind:
        raise BadRequest(
            f"the applied configuration is {config.get('apiVersion')}/{config.get('kind')}, "
            f"the request addresses {rt.api_version}/{rt.kind}"
        )
    meta = config.setdefault("metadata", {})
    if not isinstance(meta, dict) or meta.get("name") not in (None, name):
        raise BadRequest(f"the applied configuration must be named {name}")
    for dropped in _SERVER_FIELDS:
        if dropped != "resourceVersion":  # a resourceVersion stays a precondition
            meta.pop(dropped, None)
    meta["name"] = name
    if rt.namespaced:
        if meta.get("namespace") not in (None, namespace):
            raise BadRequest("the namespace of the applied configuration does not match the URL")
        meta["namespace"] = namespace
    entry = _entry(field_manager, rt.api_version, config, subresource)
    current = store.get(rt, namespace, name)
    if current is None:
        if subresource:
            raise BadRequest("cannot apply a subresource of an object that does not exist")
        created = dict(config)
        created["metadata"] = {**meta, "managedFields": [entry]}
        return store.create(rt, created, field_validation=field_validation), True
    merged = strategic_merge_patch(current, config, rt.schema,
                                   rt.schema.schema if rt.schema is not None else None)
    merged_meta = merged.setdefault("metadata", {})
    merged_meta["managedFields"] = _with_entry(
        list((current.get("metadata") or {}).get("managedFields") or []), entry)
    if not meta.get("resourceVersion"):
        merged_meta["resourceVersion"] = (current.get("metadata") or {}).get("resourceVersion")
    updated = store.update(rt, merged, subresource=subresource, field_validation=field_validation)
    return updated, False
