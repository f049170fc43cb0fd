"""What the scheduler knows about a member, and util.ClusterMatches (cluster affinity).

pkg/util/selector.go ClusterMatches: ``exclude``, ``labelSelector`` (metav1.LabelSelector),
``fieldSelector`` on provider/region (and zone, matched against ``spec.zones``),
``clusterNames``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karmada_sim.karmada.pod_requirements import ResourceTotals


@dataclass
class ClusterView:
    """What the scheduler knows about one member (from its Cluster object)."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    provider: str = ""
    region: str = ""
    zones: list[str] = field(default_factory=list)
    taints: list[dict[str, Any]] = field(default_factory=list)
    api_enablements: set[tuple[str, str]] = field(default_factory=set)
    # allocatable - allocated - allocating, per resource (cpu in milli, others in units)
    available: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_cluster(cls, cluster: dict[str, Any]) -> ClusterView:
        """Build from a ``cluster.karmada.io/v1alpha1`` Cluster object."""
        spec = cluster.get("spec") or {}
        status = cluster.get("status") or {}
        enabled = {
            (e.get("groupVersion", ""), r.get("kind", ""))
            for e in status.get("apiEnablements") or []
            for r in e.get("resources") or []
        }
        summary = status.get("resourceSummary") or {}
        free = ResourceTotals()
        free.add(summary.get("allocatable"))
        used = ResourceTotals()
        used.add(summary.get("allocated"))
        used.add(summary.get("allocating"))
        available = {k: v - used.amounts.get(k, 0) for k, v in free.amounts.items()}
        return cls(
            name=cluster["metadata"]["name"],
            labels=dict(cluster["metadata"].get("labels") or {}),
            provider=spec.get("provider", ""),
            region=spec.get("region", ""),
            zones=list(spec.get("zones") or []),
            taints=list(spec.get("taints") or []),
            api_enablements=enabled,
            available=available,
        )


def _expression_matches(expr: dict[str, Any], value: str | None) -> bool:
    op = expr.get("operator")
    values = expr.get("values") or []
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt") and value is not None and values:
        try:
            return int(value) > int(values[0]) if op == "Gt" else int(value) < int(values[0])
        except ValueError:
            return False
    return False


def label_selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """metav1.LabelSelector semantics (matchLabels AND matchExpressions)."""
    if selector is None:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    return all(
        _expression_matches(expr, labels.get(expr.get("key", "")))
        for expr in selector.get("matchExpressions") or []
    )


def _zones_match(expr: dict[str, Any], zones: list[str]) -> bool:
    op, values = expr.get("operator"), expr.get("values") or []
    if op == "In":
        return any(z in values for z in zones)
    if op == "NotIn":
        return not any(z in values for z in zones)
    if op == "Exists":
        return bool(zones)
    if op == "DoesNotExist":
        return not zones
    return False


def cluster_matches(cluster: ClusterView, affinity: dict[str, Any]) -> bool:
    """util.ClusterMatches."""
    if cluster.name in (affinity.get("exclude") or []):
        return False
    if affinity.get("labelSelector") is not None and not label_selector_matches(
        affinity["labelSelector"], cluster.labels
    ):
        return False
    fields = {"provider": cluster.provider or None, "region": cluster.region or None}
    for expr in (affinity.get("fieldSelector") or {}).get("matchExpressions") or []:
        key = expr.get("key")
        if key == "zone":
            if not _zones_match(expr, cluster.zones):
                return False
        elif not _expression_matches(expr, fields.get(str(key))):
            return False
    names = affinity.get("clusterNames") or []
    return not names or cluster.name in names
