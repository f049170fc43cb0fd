"""Helpers shared by the workload tests: request bodies and manifest walkers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.jobspec import JobRequest, parse_job_request
from app.workloads import (
    JobIdentity,
    Manifests,
    WorkloadSettings,
    build_manifests,
    kind_for,
    object_name_for,
)

JOB_ID = "train-model-0a1b2c3d"
INSTANCE = "install-a"


def body(algorithm: str = "xgboost", **overrides: Any) -> dict[str, Any]:
    """A valid request body for an algorithm ("container" for a custom image)."""
    algo: dict[str, Any] = (
        {"source": "container", "imageUri": "registry.example.com/team/train:1.0"}
        if algorithm == "container"
        else {"source": "builtin", "algorithmName": algorithm}
    )
    data: dict[str, Any] = {
        "jobName": "train-model",
        "algorithm": algo,
        "resources": {"instanceResources": {"cpuCores": 2, "memoryGiB": 8}, "instanceCount": 1},
    }
    data.update(overrides)
    return data


def request_of(algorithm: str = "xgboost", **overrides: Any) -> JobRequest:
    return parse_job_request(body(algorithm, **overrides))


def manifests_for(
    request: JobRequest,
    job_id: str = JOB_ID,
    settings: WorkloadSettings | None = None,
    clusters: tuple[str, ...] = ("member1", "member2"),
    attempt: int = 1,
) -> Manifests:
    kind = kind_for(request)
    identity = JobIdentity(
        job_id, object_name_for(job_id, kind), request.namespace, INSTANCE, attempt=attempt
    )
    return build_manifests(request, identity, settings or WorkloadSettings.defaults(), clusters)


def pod_templates(node: Any) -> Iterator[dict[str, Any]]:
    """Every pod template (a dict whose spec has containers) inside a manifest."""
    if isinstance(node, dict):
        spec = node.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("containers"), list):
            yield node
        for value in node.values():
            yield from pod_templates(value)
    elif isinstance(node, list):
        for value in node:
            yield from pod_templates(value)


def containers(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for t in pod_templates(manifest) for c in t["spec"]["containers"]]
