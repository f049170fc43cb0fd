"""Kubeflow PyTorchJob (kubeflow.org/v1): builder and status interpreter.

Used for pytorch, torch-mpi and deepspeed-zero3: Master (1) + Worker (instanceCount - 1,
omitted when 0); container name "pytorch" (the operator's default container name);
entrypoint as command, hyperparameters as ``--key=value`` args and as env.
"""

from __future__ import annotations

from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import PYTORCHJOB
from app.workloads.kubeflow import interpret_kubeflow_status, replica_spec

CONTAINER = "pytorch"


def nproc_per_node(gpu_count: int) -> str:
    """torchrun processes per pod: one per GPU; "1" on CPU ("auto" would start one per
    core of the *node*, os.cpu_count() ignores the container's CPU limit)."""
    return str(gpu_count) if gpu_count > 0 else "1"


def build_pytorchjob(ctx: BuildContext) -> Manifest:
    """The PyTorchJob for a request (see module docstring)."""
    request = ctx.request

    def template() -> dict[str, Any]:
        container = ctx.container(CONTAINER, command=ctx.command(), args=ctx.flag_args())
        return ctx.pod_template([container])

    specs = {"Master": replica_spec(template(), 1)}
    workers = request.resources.instance_count - 1
    if workers > 0:
        specs["Worker"] = replica_spec(template(), workers)
    return ctx.workload(
        {
            "nprocPerNode": nproc_per_node(request.resources.instance_resources.gpu_count),
            "runPolicy": ctx.run_policy(),
            "pytorchReplicaSpecs": specs,
        }
    )


interpret_pytorchjob_status = interpret_kubeflow_status


KIND = PYTORCHJOB
