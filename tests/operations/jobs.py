"""Helpers shared by the OPERATE end-to-end tests."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tests.support.eventually import wait_for
from tests.support.platform import Platform

_names = itertools.count(1)

# GraphQL's Job.kind (WorkloadKind) of one algorithm per kind.
KIND_OF = {
    "xgboost": "RAY_JOB",
    "pytorch": "PYTORCH_JOB",
    "tensorflow": "TF_JOB",
    "horovod-mpi": "MPI_JOB",
    "jax-pjit": "JAX_JOB",
    "container": "BATCH_JOB",
}


def unique_name(prefix: str) -> str:
    """A jobName no other test uses (scenario rules match on it)."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}{next(_names)}"


def job_body(name: str, algorithm: str = "xgboost", **extra: Any) -> dict[str, Any]:
    algo: dict[str, Any] = (
        {"source": "container", "imageUri": "busybox:1.36"}
        if algorithm == "container"
        else {"source": "builtin", "algorithmName": algorithm}
    )
    body: dict[str, Any] = {
        "jobName": name,
        "algorithm": algo,
        "resources": {
            "instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
            "instanceCount": 1,
            "volumeSizeGB": 0,
        },
        "namespace": "default",
    }
    body.update(extra)
    return body


def set_scenario(platform: Platform, name: str, **scenario: Any) -> None:
    """A simulator scenario for jobs whose object name contains ``name``."""
    answer = platform.sim_request(
        "POST", "/_sim/scenarios", json={"match": {"nameContains": name}, "scenario": scenario}
    )
    assert answer.status_code == 201, answer.text


def create(platform: Platform, body: dict[str, Any]) -> dict[str, Any]:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def get(platform: Platform, job_id: str) -> dict[str, Any] | None:
    with platform.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def wait_status(platform: Platform, job_id: str, *statuses: str, timeout: float = 30) -> str:
    def probe() -> str | None:
        job = get(platform, job_id)
        return job["status"] if job and job["status"] in statuses else None

    return wait_for(probe, timeout=timeout, what=f"{job_id} in {statuses}")


def job_fields(platform: Platform, job_id: str, fields: str) -> dict[str, Any]:
    """Fields of an existing job through GraphQL."""
    data = platform.graphql(f"query($id: ID!) {{ job(id: $id) {{ {fields} }} }}", {"id": job_id})
    assert data["job"] is not None, f"job {job_id} not found"
    return data["job"]  # type: ignore[no-any-return]
