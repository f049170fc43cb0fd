"""Kubeflow JAXJob (kubeflow.org/v1): builder and status interpreter.

Used for jax-pjit: Worker replicas = instanceCount; container name "jax" (the operator's
default). Karmada has no status aggregation for JAXJob, so status comes from the
ResourceBinding's per-cluster aggregatedStatus only (and dependencies need the
ResourceInterpreterCustomization in k8s/karmada/).
"""

from __future__ import annotations

from functools import partial

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import JAXJOB
from app.workloads.kubeflow import interpret_kubeflow_status, replica_spec

CONTAINER = "jax"


def build_jaxjob(ctx: BuildContext) -> Manifest:
    """The JAXJob for a request (see module docstring)."""
    container = ctx.container(CONTAINER, command=ctx.command(), args=ctx.flag_args())
    workers = replica_spec(ctx.pod_template([container]), ctx.request.resources.instance_count)
    return ctx.workload({"runPolicy": ctx.run_policy(), "jaxReplicaSpecs": {"Worker": workers}})


#: Karmada aggregates no JAXJob status into the template: the members' statuses decide.
interpret_jaxjob_status = partial(interpret_kubeflow_status, use_template_status=False)


KIND = JAXJOB
