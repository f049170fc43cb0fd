"""Kubeflow TFJob (kubeflow.org/v1): builder and status interpreter.

Used for tensorflow, tf-distributed, tensorflow-cnn and tensorflow-transformer: Chief (1)
+ Worker (instanceCount - 1, omitted when 0) + PS (parameterServerCount, CPU/memory only);
container name "tensorflow" (the operator's default); the operator writes TF_CONFIG.
"""

from __future__ import annotations

from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import TFJOB
from app.workloads.kubeflow import interpret_kubeflow_status, replica_spec

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


interpret_tfjob_status = interpret_kubeflow_status


KIND = TFJOB
