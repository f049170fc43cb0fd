"""Every algorithm of the create form runs on the simulator — created through GraphQL and
through REST — to SUCCEEDED, and by scenario to FAILED with the right reason (issue 5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_job_lifecycle import CREATE
from tests.support.eventually import wait_for
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e

# GraphQL's WorkloadKind names (the Kubernetes kinds RayJob, PyTorchJob, ..., batch/v1 Job).
ALGORITHMS = {
    "xgboost": "RAY_JOB",
    "lightgbm": "RAY_JOB",
    "ray": "RAY_JOB",
    "pytorch": "PYTORCH_JOB",
    "torch-mpi": "PYTORCH_JOB",
    "deepspeed-zero3": "PYTORCH_JOB",
    "tensorflow": "TF_JOB",
    "tf-distributed": "TF_JOB",
    "tensorflow-cnn": "TF_JOB",
    "tensorflow-transformer": "TF_JOB",
    "horovod-mpi": "MPI_JOB",
    "jax-pjit": "JAX_JOB",
    "container": "BATCH_JOB",
}


def request_for(algorithm: str, job_name: str, **extra: Any) -> dict[str, Any]:
    if algorithm == "container":
        source = {
            "source": "container",
            "imageUri": "python:3.11-slim",
        }
    else:
        source = {"source": "builtin", "algorithmName": algorithm}
    return {
        "jobName": job_name,
        "algorithm": source,
        "resources": {
            "instanceResources": {"cpuCores": 1, "memoryGiB": 2, "gpuCount": 0},
            "instanceCount": 2,
        },
        **extra,
    }


def create_rest(platform: Platform, body: dict[str, Any]) -> str:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def create_graphql(platform: Platform, body: dict[str, Any]) -> str:
    result = platform.graphql(CREATE, {"input": body})["createJob"]
    assert result["__typename"] == "CreateJobSuccess", result
    return str(result["job"]["id"])


def final_states(platform: Platform, ids: list[str]) -> dict[str, tuple[str, str, str]] | None:
    query = "{ jobs(first: 500) { nodes { id phase reason kind } } }"
    nodes = platform.graphql(query)["jobs"]["nodes"]
    states = {n["id"]: (n["phase"], n["reason"], n["kind"]) for n in nodes if n["id"] in ids}
    done = all(s[0] in ("SUCCEEDED", "FAILED") for s in states.values())
    return states if done and len(states) == len(ids) else None


@pytest.fixture
def scenarios(platform: Platform) -> Iterator[Platform]:
    yield platform
    platform.sim_request("DELETE", "/_sim/scenarios")


def test_every_algorithm_succeeds_through_graphql_and_rest(platform: Platform) -> None:
    ids: dict[str, tuple[str, str]] = {}
    for algorithm in ALGORITHMS:
        short = algorithm.replace("tensorflow", "tf")
        ids[create_graphql(platform, request_for(algorithm, f"gql-{short}"))] = (algorithm, "gql")
        ids[create_rest(platform, request_for(algorithm, f"rest-{short}"))] = (algorithm, "rest")
    states = wait_for(
        lambda: final_states(platform, list(ids)),
        timeout=120,
        interval=0.25,
        what="every algorithm to finish",
    )
    for job_id, (phase, reason, kind) in states.items():
        algorithm, api = ids[job_id]
        assert kind == ALGORITHMS[algorithm], (algorithm, kind)
        assert (phase, reason) == ("SUCCEEDED", "COMPLETED"), (algorithm, api, phase, reason)


def test_every_kind_fails_with_the_apps_reason_by_scenario(scenarios: Platform) -> None:
    platform = scenarios
    answer = platform.sim_request(
        "POST",
        "/_sim/scenarios",
        json={
            "match": {"nameContains": "scen-fail"},
            "scenario": {
                "runSeconds": 0.5,
                "outcome": "Failed",
                "failureReason": "OOMKilled",
                "failureMessage": "training process ran out of memory",
            },
        },
    )
    assert answer.status_code == 201, answer.text
    picks = ["xgboost", "pytorch", "tensorflow", "horovod-mpi", "jax-pjit", "container"]
    ids = {create_rest(platform, request_for(a, f"scen-fail-{a}")): a for a in picks}
    states = wait_for(
        lambda: final_states(platform, list(ids)),
        timeout=120,
        interval=0.25,
        what="the failing jobs to finish",
    )
    for job_id, (phase, reason, _kind) in states.items():
        assert (phase, reason) == ("FAILED", "APP_FAILED"), (ids[job_id], phase, reason)


@pytest.mark.parametrize("algorithm", ["xgboost", "pytorch", "container"])
def test_max_runtime_fails_with_deadline_exceeded(scenarios: Platform, algorithm: str) -> None:
    platform = scenarios
    answer = platform.sim_request(
        "POST",
        "/_sim/scenarios",
        json={"match": {"nameContains": "scen-slow"}, "scenario": {"runSeconds": 120}},
    )
    assert answer.status_code == 201, answer.text
    job_id = create_rest(
        platform,
        request_for(
            algorithm, f"scen-slow-{algorithm}", stoppingCondition={"maxRuntimeSeconds": 2}
        ),
    )
    states = wait_for(
        lambda: final_states(platform, [job_id]),
        timeout=60,
        interval=0.25,
        what="the deadline to fail the job",
    )
    assert states[job_id][:2] == ("FAILED", "DEADLINE_EXCEEDED")
