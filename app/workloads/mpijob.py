"""MPIJob (kubeflow.org/v2beta1, mpi-operator): builder and status interpreter.

Used for horovod-mpi: Launcher (1, small fixed resources: it only runs mpirun) + Worker
(instanceCount, running sshd, the instance's resources); slotsPerWorker = gpuCount or 1.
v2beta1 is the version Karmada's built-in MPIJob interpreter targets; its dependency
interpretation (Secrets/PVCs) needs the customization in k8s/karmada/.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import MPIJOB
from app.workloads.kubeflow import kubeflow_facts, replica_spec, suspend_requested
from app.workloads.status import InterpretedStatus, interpret_with, with_pod_image_pull

LAUNCHER_RESOURCES = {
    "requests": {"cpu": "1", "memory": "1Gi"},
    "limits": {"cpu": "1", "memory": "1Gi"},
}
WORKER_COMMAND = ["/usr/sbin/sshd"]
WORKER_ARGS = ["-De"]


def slots_per_worker(gpu_count: int) -> int:
    """MPI ranks per worker pod: one per GPU, else one."""
    return gpu_count if gpu_count > 0 else 1


def build_mpijob(ctx: BuildContext) -> Manifest:
    """The MPIJob for a request (see module docstring)."""
    request = ctx.request
    count = request.resources.instance_count
    slots = slots_per_worker(request.resources.instance_resources.gpu_count)
    mpirun = [
        "mpirun",
        "--allow-run-as-root",
        "-np",
        str(count * slots),
        "-bind-to",
        "none",
        "-map-by",
        "slot",
    ]
    launcher = ctx.container(
        "mpi-launcher",
        command=mpirun + (ctx.command() or []),
        args=ctx.flag_args(),
        resources=LAUNCHER_RESOURCES,
    )
    worker = ctx.container("mpi-worker", command=WORKER_COMMAND, args=WORKER_ARGS)
    return ctx.workload(
        {
            "slotsPerWorker": slots,
            "runPolicy": ctx.run_policy(),
            "mpiImplementation": "OpenMPI",
            "mpiReplicaSpecs": {
                "Launcher": replica_spec(ctx.pod_template([launcher]), 1),
                "Worker": replica_spec(ctx.pod_template([worker]), count),
            },
        }
    )


def interpret_mpijob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """An MPIJob's state (Karmada aggregates and reflects its status)."""
    result = interpret_with(
        kubeflow_facts, template, binding, suspend_requested=suspend_requested(template)
    )
    return with_pod_image_pull(result, pods)


KIND = MPIJOB
