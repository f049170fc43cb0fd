"""`/openapi/v3` (index and per group-version documents), so `kubectl apply` validates.

Built-in group-versions answer the real Kubernetes 1.35 documents from the reference data.
Custom resources and Karmada's Cluster get a generated document: a component schema per kind
(tagged with `x-kubernetes-group-version-kind`) and, per resource, the item path whose PATCH
operation lists the `fieldValidation` query parameter - kubectl looks for exactly that to
decide to let the server validate (`fieldValidation=Strict`) instead of validating itself.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from karmada_sim.errors import NotFound
from karmada_sim.resource_types import ResourceType

_BUILTIN_FILES = {
    "api/v1": "api__v1_openapi.json",
    "apis/batch/v1": "apis__batch__v1_openapi.json",
    "apis/scheduling.k8s.io/v1": "apis__scheduling.k8s.io__v1_openapi.json",
    "apis/coordination.k8s.io/v1": "apis__coordination.k8s.io__v1_openapi.json",
}
_OPENAPI_DIR = "kubernetes/openapi-spec-v3/release-1.35"
_QUERY_PARAMS = ("dryRun", "fieldManager", "fieldValidation")


def gv_path(rt: ResourceType) -> str:
    """`api/v1` or `apis/<group>/<version>`."""
    return f"apis/{rt.group}/{rt.version}" if rt.group else f"api/{rt.version}"


def _component_name(rt: ResourceType) -> str:
    # The real server names CRD components by the reversed group, e.g. io.ray.v1.RayJob.
    reversed_group = ".".join(reversed(rt.group.split("."))) if rt.group else "core"
    return f"{reversed_group}.{rt.version}.{rt.kind}"


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            out["$ref"] = "#/components/schemas/" + ref[len("#/definitions/") :]
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _item_path(rt: ResourceType) -> str:
    prefix = "/" + gv_path(rt)
    if rt.namespaced:
        prefix += "/namespaces/{namespace}"
    return f"{prefix}/{rt.plural}/{{name}}"


def generated_document(types: list[ResourceType], reference: Path | None) -> dict[str, Any]:
    """An OpenAPI v3 document for the custom resources of one group-version."""
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for rt in types:
        gvk = {"group": rt.group, "version": rt.version, "kind": rt.kind}
        schema: dict[str, Any] = dict(rt.schema.schema) if rt.schema is not None else {}
        if rt.schema is not None and rt.kind == "Cluster" and reference is not None:
            # The derived Cluster schema is a JSON Schema with #/definitions references.
            document = json.loads(
                (
                    reference / "karmada/openapi/cluster.karmada.io_v1alpha1_Cluster.schema.json"
                ).read_text()
            )
            for name, definition in document["definitions"].items():
                schemas.setdefault(name, _rewrite_refs(definition))
            schema = _rewrite_refs(schema)
        schema["x-kubernetes-group-version-kind"] = [gvk]
        schemas[_component_name(rt)] = schema
        parameters = [
            {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
            for name in _QUERY_PARAMS
        ]
        operation = {
            "operationId": f"patch{rt.kind}",
            "parameters": parameters,
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
        }
        paths[_item_path(rt)] = {"patch": operation}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@functools.lru_cache(maxsize=32)
def _builtin_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


class OpenAPIV3:
    """Serves the index and documents for a fixed set of resource types."""

    def __init__(self, types: list[ResourceType], reference: Path | None) -> None:
        # reference None: the built-in model; every document is generated from its schemas.
        self._reference = reference
        self._by_gv: dict[str, list[ResourceType]] = {}
        for rt in types:
            self._by_gv.setdefault(gv_path(rt), []).append(rt)
        self._generated: dict[str, bytes] = {}

    def index(self) -> dict[str, Any]:
        """`GET /openapi/v3`."""
        paths = {}
        for gv in sorted(self._by_gv):
            digest = hashlib.sha256(gv.encode()).hexdigest()[:16].upper()
            paths[gv] = {"serverRelativeURL": f"/openapi/v3/{gv}?hash={digest}"}
        return {"paths": paths}

    def document(self, gv: str) -> bytes:
        """`GET /openapi/v3/<gv>` (JSON bytes)."""
        gv = gv.strip("/")
        if gv not in self._by_gv:
            raise NotFound("the server could not find the requested resource")
        if gv in _BUILTIN_FILES and self._reference is not None:
            return _builtin_bytes(str(self._reference / _OPENAPI_DIR / _BUILTIN_FILES[gv]))
        if gv not in self._generated:
            doc = generated_document(self._by_gv[gv], self._reference)
            self._generated[gv] = json.dumps(doc, separators=(",", ":")).encode()
        return self._generated[gv]
