"""Stopping a job's workload on Karmada while keeping its record (stopJob).

Every kind we create can be suspended, and suspending keeps the object (its status, and
the member's events) for the record: KubeRay ``spec.suspend`` (RayJob: Suspending ->
Suspended, the RayCluster deleted), batch/v1 ``spec.suspend`` (pods deleted, condition
Suspended), Kubeflow training-operator and mpi-operator ``spec.runPolicy.suspend``
(condition Suspended). A kind without suspend support has its workload deleted instead.
The status interpreters turn the members' answers into STOPPING, then STOPPED.
"""

from __future__ import annotations

from typing import Any

from app.db.models import TrainingJob
from app.karmada import KarmadaClient, NotFound
from app.karmada.resources import ApiResource
from app.workloads import WorkloadKind, kind_by_name

_TOP_LEVEL_SUSPEND = frozenset({("ray.io", "RayJob"), ("batch", "Job")})


def suspend_patch(kind: WorkloadKind) -> dict[str, Any] | None:
    """The merge patch that suspends ``kind``; None when the kind cannot be suspended."""
    if not kind.supports_suspend:
        return None
    if (kind.group, kind.kind) in _TOP_LEVEL_SUSPEND:
        return {"spec": {"suspend": True}}
    if kind.group == "kubeflow.org":
        return {"spec": {"runPolicy": {"suspend": True}}}
    return None


def is_suspended(kind: WorkloadKind, template: dict[str, Any]) -> bool:
    """Whether ``template`` already carries the suspend request (pure)."""
    spec = template.get("spec") or {}
    if (kind.group, kind.kind) in _TOP_LEVEL_SUSPEND:
        return bool(spec.get("suspend"))
    return bool((spec.get("runPolicy") or {}).get("suspend"))


async def stop_workload(karmada: KarmadaClient, job: TrainingJob) -> str:
    """Suspend the job's workload (or delete it); returns ``"suspended"`` or ``"deleted"``.

    Raises KarmadaError subclasses; a missing workload counts as stopped.
    """
    kind = kind_by_name(job.kind)
    resource = ApiResource(kind.group, kind.version, kind.plural)
    patch = suspend_patch(kind)
    if patch is None:
        await karmada.delete(resource, job.namespace, job.object_name, propagation="Background")
        return "deleted"
    try:
        await karmada.merge_patch(resource, job.namespace, job.object_name, patch)
    except NotFound:
        return "deleted"
    return "suspended"
