"""Member clusters: what Karmada knows of them, and reads of their resources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.db import jobs as job_rows
from app.db.models import TrainingJob
from app.karmada import KarmadaError, KarmadaUnavailable, NotFound
from app.karmada.paths import MEMBER_TYPES, InvalidPathValue, check_cluster, member_resources_path
from app.karmada.resources import CLUSTERS
from resolvers import authz
from resolvers.context import Context
from resolvers.errors import InvalidInput, Unavailable

#: Member resource types the resources route may read (never Secrets).
RESOURCE_TYPES = MEMBER_TYPES


_SUFFIXES = {
    "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "P": 1e15, "E": 1e18, "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40,
    "Pi": 2.0**50, "Ei": 2.0**60,
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]{0,2})$")


def parse_quantity(value: object) -> float:
    """A Kubernetes quantity (``500m``, ``512Gi``, ``8``, ``1e3``) as a number; 0 if invalid."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _QUANTITY.match(str(value).strip()) if value is not None else None
    if match is None or match.group(2) not in _SUFFIXES:
        return 0.0
    return float(match.group(1)) * _SUFFIXES[match.group(2)]


@dataclass(frozen=True)
class Resources:
    """CPU in cores, memory in bytes, GPUs (``nvidia.com/gpu``), pods."""

    cpu: float = 0.0
    memory_bytes: float = 0.0
    gpus: float = 0.0
    pods: float = 0.0


def resources_of(amounts: object) -> Resources:
    """Resources from a resourceSummary list (``{"cpu": "64", "memory": "512Gi", ...}``)."""
    a = amounts if isinstance(amounts, dict) else {}
    return Resources(
        cpu=parse_quantity(a.get("cpu", 0)),
        memory_bytes=parse_quantity(a.get("memory", 0)),
        gpus=parse_quantity(a.get("nvidia.com/gpu", 0)),
        pods=parse_quantity(a.get("pods", 0)),
    )


@dataclass(frozen=True)
class ClusterView:
    name: str
    ready: bool
    ready_reason: str | None
    region: str | None
    zones: list[str]
    provider: str | None
    labels: dict[str, str]
    kubernetes_version: str | None
    workload_kinds: list[str]
    raw: dict[str, Any] = field(repr=False, compare=False)
    nodes_ready: int = 0
    nodes_total: int = 0
    allocatable: Resources = Resources()
    allocated: Resources = Resources()
    allocating: Resources = Resources()

    @property
    def zone(self) -> str | None:
        return self.zones[0] if self.zones else None


def cluster_view(obj: dict[str, Any]) -> ClusterView:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    ready_condition: dict[str, Any] = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {}
    )
    kinds = sorted(
        {
            f"{e.get('groupVersion')}/{r.get('kind')}"
            for e in status.get("apiEnablements") or []
            for r in e.get("resources") or []
            if r.get("kind")
        }
    )
    zones = list(spec.get("zones") or ([spec["zone"]] if spec.get("zone") else []))
    return ClusterView(
        name=meta.get("name", ""),
        ready=ready_condition.get("status") == "True",
        ready_reason=ready_condition.get("reason"),
        region=spec.get("region"),
        zones=zones,
        provider=spec.get("provider"),
        labels=dict(meta.get("labels") or {}),
        kubernetes_version=status.get("kubernetesVersion"),
        workload_kinds=kinds,
        raw=obj,
        nodes_ready=int((status.get("nodeSummary") or {}).get("readyNum") or 0),
        nodes_total=int((status.get("nodeSummary") or {}).get("totalNum") or 0),
        allocatable=resources_of((status.get("resourceSummary") or {}).get("allocatable")),
        allocated=resources_of((status.get("resourceSummary") or {}).get("allocated")),
        allocating=resources_of((status.get("resourceSummary") or {}).get("allocating")),
    )


async def list_clusters(ctx: Context) -> list[ClusterView]:
    authz.require_authenticated(ctx)  # any role may see the clusters (not their contents)
    try:
        clusters = await ctx.karmada.list_clusters()
    except KarmadaError as exc:
        raise Unavailable("Karmada is unreachable") from exc
    return sorted((cluster_view(c) for c in clusters), key=lambda c: c.name)


async def get_cluster(ctx: Context, name: str) -> ClusterView | None:
    authz.require_authenticated(ctx)
    try:
        obj = await ctx.karmada.get_or_none(CLUSTERS, None, name)
    except KarmadaError as exc:
        raise Unavailable("Karmada is unreachable") from exc
    return cluster_view(obj) if obj is not None else None


async def cluster_resources(
    ctx: Context, cluster: str, namespace: str, resource_type: str
) -> list[dict[str, Any]] | None:
    """Objects of an allowed type in a member's namespace; None if the cluster is unknown.

    Every value is validated and escaped by app.karmada.paths before it reaches a URL.
    """
    try:
        check_cluster(cluster)
        member_path = member_resources_path(resource_type, namespace)
    except InvalidPathValue as exc:
        raise InvalidInput(exc.field, exc.reason) from None
    if await get_cluster(ctx, cluster) is None:
        return None
    if not authz.can_read(ctx, namespace):
        return []  # exactly what a namespace with nothing in it answers
    try:
        answer = await ctx.karmada.proxy_get(cluster, member_path)
    except NotFound:
        return []
    except (KarmadaUnavailable, KarmadaError) as exc:
        raise Unavailable(f"member cluster {cluster!r} is unreachable") from exc
    items = answer.get("items") or []
    return [i for i in items if isinstance(i, dict)]


async def jobs_on_cluster(
    ctx: Context, name: str, *, active_only: bool = True, limit: int = 100
) -> list[TrainingJob]:
    """Jobs Karmada placed on the cluster (newest first); by default only unfinished ones."""
    # only jobs the caller may read
    namespaces = authz.visible_namespaces(ctx)
    return await job_rows.on_cluster(name, namespaces, active_only=active_only, limit=limit)
