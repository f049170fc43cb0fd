"""Kubeflow PyTorchJob (kubeflow.org/v1): builder and status interpreter.

Used for pytorch, torch-mpi and deepspeed-zero3: Master (1) + Worker (instanceCount - 1,
omitted when 0); container name "pytorch" (the operator's default container name);
entrypoint as command, hyperparameters as ``--key=value`` args and as env.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import PYTORCHJOB
from app.workloads.kubeflow import kubeflow_facts, replica_spec, suspend_requested
from app.workloads.status import InterpretedStatus, interpret_with, with_pod_image_pull

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


def interpret_pytorchjob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A PyTorchJob's state (Karmada aggregates its status; members from the binding)."""
    result = interpret_with(
        kubeflow_facts, template, binding, suspend_requested=suspend_requested(template)
    )
    return with_pod_image_pull(result, pods)


KIND = PYTORCHJOB
