"""Cluster objects (cluster.karmada.io/v1alpha1) for the simulated members.

Condition strings from karmada pkg/controllers/status/cluster_status_controller.go (@ f8fdd02):
Ready/ClusterReady/"cluster is healthy and ready to accept workloads",
ClusterNotReady/"cluster is reachable but health endpoint responded without ok",
ClusterNotReachable/"cluster is not reachable"; CompleteAPIEnablements/Complete. A NotReady or
unreachable cluster is tainted ``cluster.karmada.io/not-ready`` / ``unreachable`` NoSchedule
(pkg/controllers/cluster taint manager), which the scheduler's TaintToleration filter honours.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.members.cluster import MemberCluster

READY = ("True", "ClusterReady", "cluster is healthy and ready to accept workloads")
NOT_READY = ("False", "ClusterNotReady",
             "cluster is reachable but health endpoint responded without ok")
NOT_REACHABLE = ("False", "ClusterNotReachable", "cluster is not reachable")
NOT_READY_TAINT_KEY = "cluster.karmada.io/not-ready"
UNREACHABLE_TAINT_KEY = "cluster.karmada.io/unreachable"


def cluster_spec(member: MemberCluster, *, unreachable: bool) -> dict[str, Any]:
    """Cluster.spec: Push mode, provider/region/zones, taints for NotReady/unreachable."""
    cfg = member.config
    spec: dict[str, Any] = {
        "syncMode": "Push",
        "apiEndpoint": f"https://{cfg.name}.simulated.invalid:6443",
        "provider": cfg.provider,
        "region": cfg.region,
        "zones": list(cfg.zones),
        "secretRef": {"namespace": "karmada-cluster", "name": cfg.name},
    }
    taints = []
    if unreachable:
        taints.append({"key": UNREACHABLE_TAINT_KEY, "effect": "NoSchedule"})
    elif not member.ready:
        taints.append({"key": NOT_READY_TAINT_KEY, "effect": "NoSchedule"})
    if taints:
        spec["taints"] = taints
    return spec


def ready_condition(member: MemberCluster, *, unreachable: bool) -> tuple[str, str, str]:
    if unreachable:
        return NOT_REACHABLE
    return READY if member.ready else NOT_READY


def cluster_status(
    member: MemberCluster, *, unreachable: bool, since: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """Cluster.status. An unreachable cluster keeps its last collected summary."""
    status, reason, message = ready_condition(member, unreachable=unreachable)
    old_ready = next((c for c in (previous or {}).get("conditions") or []
                      if c.get("type") == "Ready"), None)
    transition = since
    if old_ready and old_ready.get("status") == status and old_ready.get("reason") == reason:
        transition = old_ready.get("lastTransitionTime", since)
    conditions = [{"type": "Ready", "status": status, "reason": reason, "message": message,
                   "lastTransitionTime": transition}]
    if unreachable and previous:
        kept = dict(previous)
        kept["conditions"] = conditions + [c for c in previous.get("conditions") or []
                                           if c.get("type") != "Ready"]
        return kept
    conditions.append({"type": "CompleteAPIEnablements", "status": "True", "reason": "Complete",
                       "message": "collected complete APIEnablements from the cluster",
                       "lastTransitionTime": transition})
    nodes = member.config.nodes
    return {
        "kubernetesVersion": member.config.kubernetes_version,
        "conditions": conditions,
        "apiEnablements": member.api_enablements(),
        "nodeSummary": {"totalNum": nodes,
                        "readyNum": max(nodes - len(member.lost_nodes), 0) if member.ready else 0},
        "resourceSummary": member.resource_summary(),
    }


def cluster_object(member: MemberCluster) -> dict[str, Any]:
    """A new Cluster object (status is written separately through /status)."""
    labels = dict(member.config.labels)
    return {
        "apiVersion": "cluster.karmada.io/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": member.name, "labels": labels,
                     "finalizers": ["karmada.io/cluster-controller"]},
        "spec": cluster_spec(member, unreachable=False),
    }
