"""Member clusters: what Karmada knows of them, and reads of their resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.karmada import KarmadaError, KarmadaUnavailable, NotFound
from app.karmada.resources import CLUSTERS
from resolvers import authz
from resolvers.context import Context
from resolvers.errors import InvalidInput, Unavailable

#: Member resource types the resources route may read (never Secrets).
RESOURCE_TYPES: dict[str, str] = {
    "pods": "api/v1/namespaces/{ns}/pods",
    "services": "api/v1/namespaces/{ns}/services",
    "events": "api/v1/namespaces/{ns}/events",
    "configmaps": "api/v1/namespaces/{ns}/configmaps",
    "jobs": "apis/batch/v1/namespaces/{ns}/jobs",
    "deployments": "apis/apps/v1/namespaces/{ns}/deployments",
}


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
    """Objects of an allowed type in a member's namespace; None if the cluster is unknown."""
    template = RESOURCE_TYPES.get(resource_type)
    if template is None:
        raise InvalidInput("type", f"must be one of {', '.join(sorted(RESOURCE_TYPES))}")
    if await get_cluster(ctx, cluster) is None:
        return None
    if not authz.can_read(ctx, namespace):
        return []  # exactly what a namespace with nothing in it answers
    try:
        answer = await ctx.karmada.proxy_get(cluster, template.format(ns=namespace))
    except NotFound:
        return []
    except (KarmadaUnavailable, KarmadaError) as exc:
        raise Unavailable(f"member cluster {cluster!r} is unreachable") from exc
    items = answer.get("items") or []
    return [i for i in items if isinstance(i, dict)]
