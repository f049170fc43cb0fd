"""Dispatch by kind: build every manifest for a job, interpret any workload's status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.jobspec import JobRequest
from app.workloads import batchjob, jaxjob, mpijob, pytorchjob, rayjob, tfjob
from app.workloads.common import BuildContext, Manifest
from app.workloads.config import WorkloadSettings
from app.workloads.kinds import WorkloadKind, kind_for
from app.workloads.naming import JobIdentity
from app.workloads.placement import build_policy, build_pvc
from app.workloads.status import InterpretedStatus

Builder = Callable[[BuildContext], Manifest]
Interpreter = Callable[..., InterpretedStatus]

BUILDERS: dict[str, Builder] = {
    "RayJob": rayjob.build_rayjob,
    "PyTorchJob": pytorchjob.build_pytorchjob,
    "TFJob": tfjob.build_tfjob,
    "MPIJob": mpijob.build_mpijob,
    "JAXJob": jaxjob.build_jaxjob,
    "Job": batchjob.build_batchjob,
}
INTERPRETERS: dict[str, Interpreter] = {
    "RayJob": rayjob.interpret_rayjob_status,
    "PyTorchJob": pytorchjob.interpret_pytorchjob_status,
    "TFJob": tfjob.interpret_tfjob_status,
    "MPIJob": mpijob.interpret_mpijob_status,
    "JAXJob": jaxjob.interpret_jaxjob_status,
    "Job": batchjob.interpret_batchjob_status,
}


@dataclass(frozen=True)
class Manifests:
    """Everything we create on Karmada for one job."""

    workload: Manifest
    policy: Manifest
    pvc: Manifest | None = None

    def all(self) -> list[Manifest]:
        """In creation order: PVC (if any), workload, policy."""
        return [m for m in (self.pvc, self.workload, self.policy) if m is not None]


def build_manifests(
    request: JobRequest,
    identity: JobIdentity,
    settings: WorkloadSettings,
    clusters: Sequence[str],
) -> Manifests:
    """Workload + PropagationPolicy (+ PVC) for a validated request.

    ``clusters`` are the candidate cluster names (see ``check_target_clusters``).
    """
    kind = kind_for(request)
    ctx = BuildContext.create(request, identity, settings, kind)
    return Manifests(
        workload=BUILDERS[kind.kind](ctx),
        policy=build_policy(ctx, clusters),
        pvc=build_pvc(ctx),
    )


def interpret_status(
    kind: WorkloadKind,
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A job's state from its workload template (as read from Karmada) and its binding.

    template None -> FAILED/WorkloadLost (the caller decides whether that is expected);
    no binding or no spec.clusters -> PENDING/Scheduling (Unschedulable when the binding
    says Scheduled=False). ``pods`` (optional, from the member cluster) reveal
    ImagePullBackOff while the job is pending.
    """
    return INTERPRETERS[kind.kind](template, binding, pods)
