"""Placement: which clusters may run a job, and the PropagationPolicy that places it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.jobspec import JobRequest, RequestInvalid
from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import WorkloadKind, required_api


@dataclass(frozen=True)
class ClusterCapabilities:
    """What we know about a member cluster (from its Cluster object)."""

    name: str
    ready: bool
    # Cluster.status.apiEnablements: [{"groupVersion": ..., "resources": [{"name", "kind"}]}]
    api_enablements: Sequence[Mapping[str, Any]] = field(default_factory=tuple)

    def can_run(self, kind: WorkloadKind) -> bool:
        """Karmada's APIEnablement filter: the cluster must list the group/version + kind."""
        group_version, kind_name = required_api(kind)
        for enablement in self.api_enablements:
            if enablement.get("groupVersion") != group_version:
                continue
            for resource in enablement.get("resources") or ():
                if isinstance(resource, Mapping) and resource.get("kind") == kind_name:
                    return True
        return False


def check_target_clusters(
    request: JobRequest, kind: WorkloadKind, clusters: Sequence[ClusterCapabilities]
) -> list[str]:
    """The candidate clusters for a job, or RequestInvalid("targetClusters", ...).

    Named targets must exist and have the kind's API (readiness is Karmada's call: a
    NotReady target just waits). With no targets: every ready cluster with the API.
    """
    known = {cluster.name: cluster for cluster in clusters}
    group_version, kind_name = required_api(kind)
    if request.target_clusters:
        for name in request.target_clusters:
            cluster = known.get(name)
            if cluster is None:
                raise RequestInvalid("targetClusters", f"unknown cluster '{name}'")
            if not cluster.can_run(kind):
                raise RequestInvalid(
                    "targetClusters",
                    f"cluster '{name}' cannot run {kind_name} ({group_version} not installed)",
                )
        return list(request.target_clusters)
    candidates = [c.name for c in clusters if c.ready and c.can_run(kind)]
    if not candidates:
        raise RequestInvalid(
            "targetClusters", f"no ready cluster can run {kind_name} ({group_version})"
        )
    return candidates


def away_from(candidates: Sequence[str], failed: Collection[str]) -> list[str]:
    """The candidates without the clusters earlier attempts failed on (the new attempt's
    PropagationPolicy clusterAffinity then excludes them). When that leaves none, all of
    them: running again where it failed beats not running at all."""
    remaining = [name for name in candidates if name not in failed]
    return remaining or list(candidates)


def build_policy(ctx: BuildContext, clusters: Sequence[str]) -> Manifest:
    """The PropagationPolicy (named like the workload) selecting exactly the workload.

    Default ("one"): exactly one of the candidates - spread to minGroups=maxGroups=1 with
    Divided/Aggregated replica scheduling (a bare Divided policy copies a RayJob or
    PyTorchJob whole to every listed cluster, since Karmada cannot split those kinds).
    "every": Duplicated, one full copy per target. Failover stays off for training jobs.
    """
    placement: dict[str, Any] = {"clusterAffinity": {"clusterNames": list(clusters)}}
    if ctx.request.placement == "every":
        placement["replicaScheduling"] = {"replicaSchedulingType": "Duplicated"}
    else:
        placement["spreadConstraints"] = [
            {"spreadByField": "cluster", "minGroups": 1, "maxGroups": 1}
        ]
        placement["replicaScheduling"] = {
            "replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Aggregated",
        }
    return {
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "PropagationPolicy",
        "metadata": ctx.metadata(),
        "spec": {
            "resourceSelectors": [
                {
                    "apiVersion": ctx.kind.api_version,
                    "kind": ctx.kind.kind,
                    "name": ctx.identity.object_name,
                    "namespace": ctx.identity.namespace,
                }
            ],
            "placement": placement,
            "propagateDeps": True,
        },
    }


def build_pvc(ctx: BuildContext) -> Manifest | None:
    """The PVC we create for volumeSizeGB > 0 without pvcName (ReadWriteOnce)."""
    request = ctx.request
    if request.pvc_name or request.resources.volume_size_gb <= 0 or not ctx.claim_name:
        return None
    spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": f"{request.resources.volume_size_gb}Gi"}},
    }
    if ctx.settings.storage_class:
        spec["storageClassName"] = ctx.settings.storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": ctx.metadata(ctx.claim_name),
        "spec": spec,
    }
