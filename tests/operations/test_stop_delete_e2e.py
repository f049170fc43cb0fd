"""stopJob, deleteJob and retryJob end to end, for every workload kind."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.operations.jobs import (
    KIND_OF,
    create,
    get,
    job_body,
    job_fields,
    set_scenario,
    unique_name,
    wait_status,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform

STOP = """
mutation($id: ID!) {
  stopJob(id: $id) {
    __typename
    ... on StopJobSuccess { job { id phase reason stoppedBy } }
    ... on InvalidStateError { message }
    ... on UnavailableError { message }
  }
}
"""

RETRY = """
mutation($id: ID!, $overrides: JSON) {
  retryJob(id: $id, overrides: $overrides) {
    __typename
    ... on CreateJobSuccess { job { id jobName priority request } }
    ... on InvalidInputError { field message }
  }
}
"""

STATUS = """
subscription($id: ID!) {
  jobStatus(id: $id) { phase reason deleted sequence job { id phase jobName } }
}
"""

# By GraphQL's WorkloadKind (Job.kind).
PLURAL = {"RAY_JOB": "ray.io/v1/rayjobs", "PYTORCH_JOB": "kubeflow.org/v1/pytorchjobs",
          "TF_JOB": "kubeflow.org/v1/tfjobs", "MPI_JOB": "kubeflow.org/v2beta1/mpijobs",
          "JAX_JOB": "kubeflow.org/v1/jaxjobs", "BATCH_JOB": "batch/v1/jobs"}


def template(platform: Platform, kind: str, name: str) -> dict[str, Any] | None:
    group_version, _, plural = PLURAL[kind].rpartition("/")
    prefix = "/api" if "/" not in group_version else "/apis"
    answer = platform.sim_request(
        "GET", f"{prefix}/{group_version}/namespaces/default/{plural}/{name}"
    )
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("algorithm", sorted(KIND_OF))
def test_stop_job_suspends_each_kind_and_keeps_the_record(
    operate_platform: Platform, algorithm: str
) -> None:
    platform = operate_platform
    name = unique_name(f"stop-{algorithm.replace('-', '')}")
    set_scenario(platform, name, runSeconds=60, outcome="Succeeded")
    job = create(platform, job_body(name, algorithm))
    wait_status(platform, job["id"], "Running")

    answer = platform.graphql(STOP, {"id": job["id"]})["stopJob"]
    assert answer["__typename"] == "StopJobSuccess", answer
    assert answer["job"]["phase"] == "STOPPING"
    assert answer["job"]["reason"] == "STOPPED_BY_USER"
    wait_status(platform, job["id"], "Stopped")

    info = job_fields(platform, job["id"],
                      "kind objectName stoppedBy events { fromPhase toPhase reason actor }")
    assert info["kind"] == KIND_OF[algorithm]
    transitions = [(e["fromPhase"], e["toPhase"]) for e in info["events"]]
    assert ("RUNNING", "STOPPING") in transitions
    assert transitions[-1][1] == "STOPPED"
    # Who stopped it is on the job and on both events (AUTH_MODE=none: the local admin).
    actors = {e["actor"] for e in info["events"] if e["toPhase"] in ("STOPPING", "STOPPED")}
    assert info["stoppedBy"] and actors == {info["stoppedBy"]}, (info, actors)
    # The workload is kept (suspended), not deleted.
    obj = template(platform, info["kind"], info["objectName"])
    assert obj is not None
    spec = obj["spec"]
    assert spec.get("suspend") is True or spec.get("runPolicy", {}).get("suspend") is True

    again = platform.graphql(STOP, {"id": job["id"]})["stopJob"]
    assert again["__typename"] == "InvalidStateError"
    assert "STOPPED" in again["message"]


def test_stop_errors_are_results(operate_platform: Platform) -> None:
    platform = operate_platform
    missing = platform.graphql_response(STOP, {"id": "nope-00000000"})
    assert [e["extensions"]["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    name = unique_name("stop-done")
    set_scenario(platform, name, runSeconds=0.5, outcome="Succeeded")
    job = create(platform, job_body(name, "container"))
    wait_status(platform, job["id"], "Succeeded")
    answer = platform.graphql(STOP, {"id": job["id"]})["stopJob"]
    assert answer["__typename"] == "InvalidStateError"


def test_deleting_a_running_job_stops_it_removes_everything_and_ends_subscriptions(
    operate_platform: Platform,
) -> None:
    platform = operate_platform
    name = unique_name("del-run")
    set_scenario(platform, name, runSeconds=60, outcome="Succeeded")
    job = create(platform, job_body(name, "xgboost", resources={
        "instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
        "instanceCount": 1, "volumeSizeGB": 5}))
    wait_status(platform, job["id"], "Running")
    info = job_fields(platform, job["id"], "kind objectName")
    pvcs = platform.sim_request("GET", "/api/v1/namespaces/default/persistentvolumeclaims",
                                params={"labelSelector": f"ml-platform.io/job-id={job['id']}"})
    assert len(pvcs.json()["items"]) == 1  # the PVC we created (volumeSizeGB > 0)
    platform.sim_request("POST", "/_sim/requests/reset")

    async def scenario() -> list[dict[str, Any]]:
        transport = WebsocketsTransport(
            url=platform.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        states: list[dict[str, Any]] = []
        async with Client(transport=transport) as session:
            request = gql(STATUS)
            request.variable_values = {"id": job["id"]}
            stream = session.subscribe(request)
            first = await stream.__anext__()
            states.append(first["jobStatus"])
            with platform.http() as client:
                answer = client.delete(f"/api/v1/jobs/{job['id']}")
            # Repeated DELETEs while DELETING: test_delete_shows_deleting_while_karmada_...
            assert answer.status_code == 200
            assert answer.json() == {"message": "Training job deleted successfully"}

            async def rest() -> None:
                async for item in stream:
                    states.append(item["jobStatus"])

            await asyncio.wait_for(rest(), 30)
        return states

    states = asyncio.run(scenario())
    assert states[0]["phase"] == "RUNNING"
    assert states[-1]["deleted"] is True
    assert "DELETING" in [s["phase"] for s in states]
    # Each update carries its Job, the deletion too (the job as last seen, no row left).
    assert {(s["job"]["id"], s["job"]["jobName"]) for s in states} == {(job["id"], name)}
    assert [s["job"]["phase"] for s in states] == [s["phase"] for s in states]
    counts = platform.sim_request("GET", "/_sim/requests").json()["counts"]
    assert counts.get("patch ray.io/v1/rayjobs", 0) >= 1, counts  # stopped before deletion
    wait_for(lambda: get(platform, job["id"]) is None, what="row removed")
    assert template(platform, info["kind"], info["objectName"]) is None
    policy = platform.sim_request(
        "GET", f"/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/"
        f"{info['objectName']}")
    assert policy.status_code == 404
    pvcs = platform.sim_request("GET", "/api/v1/namespaces/default/persistentvolumeclaims",
                                params={"labelSelector": f"ml-platform.io/job-id={job['id']}"})
    assert pvcs.status_code == 200 and pvcs.json()["items"] == []
    with platform.http() as client:
        assert client.delete(f"/api/v1/jobs/{job['id']}").status_code == 404


def test_delete_shows_deleting_while_karmada_refuses_and_retries(
    operate_platform: Platform,
) -> None:
    platform = operate_platform
    name = unique_name("del-slow")
    set_scenario(platform, name, runSeconds=60, outcome="Succeeded")
    job = create(platform, job_body(name, "pytorch"))
    wait_status(platform, job["id"], "Running")
    fault = platform.sim_request("POST", "/_sim/faults", json={
        "pathRegex": "/pytorchjobs/", "methods": ["DELETE"], "status": 503})
    assert fault.status_code == 201
    try:
        with platform.http() as client:
            for _ in range(2):
                answer = client.delete(f"/api/v1/jobs/{job['id']}")
                assert answer.status_code == 200
                assert answer.json() == {"message": "Training job deleted successfully"}
            assert client.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "Deleting"
            listed = client.get("/api/v1/jobs", params={"status": "Deleting"}).json()
            assert [j["id"] for j in listed] == [job["id"]]
    finally:
        platform.sim_request("DELETE", f"/_sim/faults/{fault.json()['id']}")
    wait_for(lambda: get(platform, job["id"]) is None, what="deletion finished by the poller")


def test_retry_job_creates_a_new_job_from_the_stored_request(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("retry")
    set_scenario(platform, name, runSeconds=0.5, outcome="Failed")
    job = create(platform, job_body(name, "container", priority=100))
    wait_status(platform, job["id"], "Failed")
    answer = platform.graphql(
        RETRY, {"id": job["id"], "overrides": {"priority": 700,
                                              "resources": {"instanceCount": 2}}}
    )["retryJob"]
    assert answer["__typename"] == "CreateJobSuccess", answer
    new = answer["job"]
    assert new["id"] != job["id"] and new["jobName"] == name
    assert new["priority"] == 700
    assert new["request"]["resources"]["instanceCount"] == 2
    assert new["request"]["resources"]["instanceResources"]["cpuCores"] == 1  # merged, kept
    assert new["request"]["algorithm"]["imageUri"] == "busybox:1.36"
    bad = platform.graphql(RETRY, {"id": job["id"], "overrides": {"priority": 5000}})["retryJob"]
    assert bad["__typename"] == "InvalidInputError" and bad["field"] == "priority"
    missing = platform.graphql_response(RETRY, {"id": "nope-00000000", "overrides": None})
    assert missing["data"] is None
    assert [e["extensions"]["code"] for e in missing["errors"]] == ["NOT_FOUND"]
