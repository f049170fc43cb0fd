"""KubeRay RayJob (ray.io/v1): builder and status interpreter.

Used for xgboost, lightgbm and ray. One head + one worker group ("workers", replicas =
instanceCount), every pod with the instance's resources. Hyperparameters reach the
driver through ``runtimeEnvYAML`` env_vars and are also set on the head/worker containers
(credentials only there, as secretKeyRef: runtime_env cannot reference Secrets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from app.jobstate.phases import Phase, Reason
from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import RAYJOB
from app.workloads.status import (
    InterpretedStatus,
    StatusFacts,
    as_int,
    interpret_with,
    items,
    mapping,
    mentions_image_pull,
    parse_time,
    with_pod_image_pull,
)

HEAD_PORTS = [
    {"containerPort": 6379, "name": "gcs-server"},
    {"containerPort": 8265, "name": "dashboard"},
    {"containerPort": 10001, "name": "client"},
]
# KubeRay's own default submitter resources (ray-operator common/job.go).
SUBMITTER_RESOURCES = {
    "requests": {"cpu": "500m", "memory": "200Mi"},
    "limits": {"cpu": "1", "memory": "1Gi"},
}
WORKER_GROUP = "workers"


def _ray_version(image: str) -> str | None:
    match = re.search(r":(\d+\.\d+\.\d+)", image)
    return match.group(1) if match else None


#: libyaml's emitter where PyYAML was built with it (PyPI's wheels are): the same
#: documents as the pure-Python one, several times faster; it folds long escaped strings
#: at other points, which a YAML reader does not see (tests/workloads/test_builders.py).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def runtime_env_yaml(env: Mapping[str, str]) -> str:
    """The RayJob ``runtimeEnvYAML``: ``env_vars`` with every literal env var (strings)."""
    return yaml.dump(
        {"env_vars": dict(env)}, Dumper=_DUMPER, sort_keys=False, default_flow_style=False
    )


def build_rayjob(ctx: BuildContext) -> Manifest:
    """The RayJob for a request (see module docstring)."""
    request = ctx.request
    count = request.resources.instance_count
    head = ctx.pod_template([ctx.container("ray-head", "head", ports=HEAD_PORTS)])
    worker = ctx.pod_template([ctx.container("ray-worker", "worker")])
    # Our own submitter template only to put our labels on the submitter pod (its stdout
    # is the job's log); KubeRay fills in the `ray job submit` command when none is set.
    submitter = ctx.pod_template(
        [
            {
                "name": "ray-job-submitter",
                "image": ctx.image("head"),
                "resources": SUBMITTER_RESOURCES,
            }
        ],
        restart_policy="Never",
    )
    submitter["spec"].pop("volumes", None)
    cluster_spec: dict[str, Any] = {
        "headGroupSpec": {"rayStartParams": {}, "template": head},
        "workerGroupSpecs": [
            {
                "groupName": WORKER_GROUP,
                "replicas": count,
                "minReplicas": count,
                "maxReplicas": count,
                "rayStartParams": {},
                "template": worker,
            }
        ],
    }
    version = _ray_version(ctx.image("head"))
    if version:
        cluster_spec = {"rayVersion": version, **cluster_spec}
    spec: dict[str, Any] = {
        "entrypoint": ctx.entrypoint() or "python -c 'import ray; ray.init()'",
        "runtimeEnvYAML": runtime_env_yaml(ctx.env_dict),
        "shutdownAfterJobFinishes": True,
        "ttlSecondsAfterFinished": ctx.settings.ray_ttl_seconds_after_finished,
        "submissionMode": "K8sJobMode",
        "backoffLimit": ctx.settings.backoff_limit,
        "suspend": False,
        "submitterPodTemplate": submitter,
        "rayClusterSpec": cluster_spec,
    }
    deadline = request.stopping_condition.max_runtime_seconds
    if deadline:
        spec["activeDeadlineSeconds"] = deadline
    return ctx.workload(spec)


_DEADLINE_REASONS = ("DeadlineExceeded", "PreRunningDeadlineExceeded")


def rayjob_facts(status: Mapping[str, Any]) -> StatusFacts:
    """Read one RayJob ``.status`` (member or aggregated template).

    jobDeploymentStatus is KubeRay's view of the whole job; jobStatus is Ray's view of the
    driver. A failed deployment is a failed job even if jobStatus still says RUNNING
    (kuberay#2314: the job status is not updated once the cluster is gone).
    """
    deployment = str(status.get("jobDeploymentStatus") or "")
    job = str(status.get("jobStatus") or "")
    why = str(status.get("reason") or "")
    message = str(status.get("message") or "")

    def facts(phase: Phase, reason: Reason, default: str, active: int = 0) -> StatusFacts:
        return StatusFacts(
            phase,
            reason,
            message or default,
            active=active,
            succeeded=as_int(status.get("succeeded")),
            failed=as_int(status.get("failed")),
            start_time=parse_time(status.get("startTime")),
            completion_time=parse_time(status.get("endTime")) if phase.is_terminal else None,
        )

    if deployment in ("Failed", "ValidationFailed") or job == "FAILED":
        if why in _DEADLINE_REASONS:
            reason = Reason.DEADLINE_EXCEEDED
        elif deployment == "ValidationFailed" or why == "ValidationFailed":
            reason = Reason.SUBMISSION_FAILED
        else:
            reason = Reason.APP_FAILED
        return facts(Phase.FAILED, reason, f"RayJob {deployment or 'job'} {why or job}".strip())
    if deployment == "Suspended":
        return facts(Phase.STOPPED, Reason.STOPPED_BY_USER, "suspended")
    if deployment == "Suspending":
        return facts(Phase.STOPPING, Reason.STOPPED_BY_USER, "suspending")
    if job == "STOPPED":
        return facts(Phase.STOPPED, Reason.STOPPED_BY_USER, "Ray job stopped")
    if deployment == "Complete" and job == "SUCCEEDED":
        return facts(Phase.SUCCEEDED, Reason.COMPLETED, "Ray job succeeded")
    if deployment == "Retrying":
        return facts(Phase.RUNNING, Reason.RETRYING, "retrying", active=1)
    if deployment == "Running" and job == "RUNNING":
        return facts(Phase.RUNNING, Reason.RUNNING, "Ray job running", active=1)
    cluster_conditions = items(mapping(status.get("rayClusterStatus")).get("conditions"))
    texts = [message] + [f"{c.get('reason')} {c.get('message')}" for c in cluster_conditions]
    if mentions_image_pull(*texts):
        return facts(Phase.PENDING, Reason.IMAGE_PULL_BACK_OFF, "image cannot be pulled")
    return facts(Phase.PENDING, Reason.INITIALIZING, f"RayJob {deployment or 'not started'}")


def interpret_rayjob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A RayJob's state from its template (status aggregated by Karmada) and binding."""
    suspend = bool(mapping(mapping(template).get("spec")).get("suspend"))
    result = interpret_with(rayjob_facts, template, binding, suspend_requested=suspend)
    return with_pod_image_pull(result, pods)


KIND = RAYJOB
