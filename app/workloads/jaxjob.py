"""Kubeflow JAXJob (kubeflow.org/v1): builder and status interpreter.

Used for jax-pjit: Worker replicas = instanceCount; container name "jax" (the operator's
default). Karmada has no status aggregation for JAXJob, so status comes from the
ResourceBinding's per-cluster aggregatedStatus only (and dependencies need the
ResourceInterpreterCustomization in k8s/karmada/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import JAXJOB
from app.workloads.kubeflow import kubeflow_facts, replica_spec, suspend_requested
from app.workloads.status import InterpretedStatus, interpret_with, with_pod_image_pull

CONTAINER = "jax"


def build_jaxjob(ctx: BuildContext) -> Manifest:
    """The JAXJob for a request (see module docstring)."""
    container = ctx.container(CONTAINER, command=ctx.command(), args=ctx.flag_args())
    workers = replica_spec(ctx.pod_template([container]), ctx.request.resources.instance_count)
    return ctx.workload({"runPolicy": ctx.run_policy(), "jaxReplicaSpecs": {"Worker": workers}})


def interpret_jaxjob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A JAXJob's state from the binding's members (the template status is not aggregated)."""
    result = interpret_with(
        kubeflow_facts,
        template,
        binding,
        use_template_status=False,
        suspend_requested=suspend_requested(template),
    )
    return with_pod_image_pull(result, pods)


KIND = JAXJOB
