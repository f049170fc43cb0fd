"""Kubeflow TFJob (kubeflow.org/v1): builder and status interpreter.

Used for tensorflow, tf-distributed, tensorflow-cnn and tensorflow-transformer: Chief (1)
+ Worker (instanceCount - 1, omitted when 0) + PS (parameterServerCount, CPU/memory only);
container name "tensorflow" (the operator's default); the operator writes TF_CONFIG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import TFJOB
from app.workloads.kubeflow import kubeflow_facts, replica_spec, suspend_requested
from app.workloads.status import InterpretedStatus, interpret_with, with_pod_image_pull

CONTAINER = "tensorflow"


def build_tfjob(ctx: BuildContext) -> Manifest:
    """The TFJob for a request (see module docstring)."""
    request = ctx.request

    def template(gpu: bool = True) -> dict[str, Any]:
        container = ctx.container(CONTAINER, command=ctx.command(), args=ctx.flag_args(), gpu=gpu)
        return ctx.pod_template([container])

    specs = {"Chief": replica_spec(template(), 1)}
    workers = request.resources.instance_count - 1
    if workers > 0:
        specs["Worker"] = replica_spec(template(), workers)
    if request.parameter_server_count > 0:
        specs["PS"] = replica_spec(template(gpu=False), request.parameter_server_count)
    return ctx.workload({"runPolicy": ctx.run_policy(), "tfReplicaSpecs": specs})


def interpret_tfjob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A TFJob's state (Karmada aggregates its status; members from the binding)."""
    result = interpret_with(
        kubeflow_facts, template, binding, suspend_requested=suspend_requested(template)
    )
    return with_pod_image_pull(result, pods)


KIND = TFJOB
