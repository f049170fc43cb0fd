"""End to end: createJob over GraphQL, status over websockets with clients we did not write,
objects on the simulated Karmada, deleteJob."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.support.eventually import wait_for
from tests.support.node_client import run_node_subscription
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e

CREATE = """
mutation Create($input: CreateJobInput!) {
  createJob(input: $input) {
    __typename
    ... on CreateJobSuccess { job { id phase reason objectName kind } }
    ... on InvalidInputError { field message }
  }
}
"""
DELETE = """
mutation Delete($id: ID!) {
  deleteJob(id: $id) { __typename ... on DeleteJobSuccess { message } }
}
"""
# afterSequence: 0 replays the whole history first, so the client sees PENDING however
# quickly the job moved on before it subscribed.
SUBSCRIBE = """
subscription Status($id: ID!) {
  jobStatus(id: $id, afterSequence: 0) { jobId phase reason sequence deleted }
}
"""

XGBOOST_INPUT: dict[str, Any] = {
    "jobName": "e2e-xgb",
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {
        "instanceResources": {"cpuCores": 1, "memoryGiB": 2, "gpuCount": 0},
        "instanceCount": 1,
    },
    "hyperparameters": {"xgboost": {"num_round": 10, "eta": 0.3}},
    "inputDataConfig": [
        {
            "channelName": "train",
            "endpoint": "http://minio:9000",
            "bucket": "datasets",
            "prefix": "train/",
        }
    ],
}


def create_job(platform: Platform, job_input: dict[str, Any]) -> dict[str, Any]:
    result = platform.graphql(CREATE, {"input": job_input})["createJob"]
    assert result["__typename"] == "CreateJobSuccess", result
    job: dict[str, Any] = result["job"]
    return job


def phases_of(updates: list[dict[str, Any]]) -> list[str]:
    """Distinct phases in order of arrival."""
    seen: list[str] = []
    for update in updates:
        if not seen or seen[-1] != update["phase"]:
            seen.append(update["phase"])
    return seen


def assert_complete_history(updates: list[dict[str, Any]]) -> None:
    sequences = [u["sequence"] for u in updates]
    assert sequences == list(range(1, len(sequences) + 1)), sequences
    assert phases_of(updates) == ["PENDING", "RUNNING", "SUCCEEDED"]


@pytest.mark.parametrize("subprotocol", ["graphql-transport-ws", "graphql-ws"])
async def test_gql_client_sees_pending_running_succeeded(
    platform: Platform, subprotocol: str
) -> None:
    job = await asyncio.to_thread(create_job, platform, XGBOOST_INPUT)
    transport = WebsocketsTransport(url=platform.ws_url, subprotocols=[subprotocol])
    updates: list[dict[str, Any]] = []
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        request = gql(SUBSCRIBE)
        request.variable_values = {"id": job["id"]}
        async with asyncio.timeout(60):
            async for result in session.subscribe(request):
                updates.append(result["jobStatus"])
    assert_complete_history(updates)
    assert updates[-1]["reason"] == "COMPLETED"


async def test_node_graphql_ws_client_sees_pending_running_succeeded(platform: Platform) -> None:
    job = await asyncio.to_thread(create_job, platform, {**XGBOOST_INPUT, "jobName": "e2e-node"})
    payloads = await run_node_subscription(
        platform.ws_url, SUBSCRIBE, {"id": job["id"]}, timeout=60
    )
    updates = [p["data"]["jobStatus"] for p in payloads if "data" in p]
    assert_complete_history(updates)


def test_objects_on_karmada_then_delete_removes_them(platform: Platform) -> None:
    job = create_job(
        platform,
        {**XGBOOST_INPUT, "jobName": "e2e-objects", "targetClusters": ["member1", "member2"]},
    )
    name, ns = job["objectName"], "default"
    rayjob = platform.sim_request("GET", f"/apis/ray.io/v1/namespaces/{ns}/rayjobs/{name}").json()
    labels = rayjob["metadata"]["labels"]
    assert labels["app.kubernetes.io/managed-by"] == "ml-platform"
    assert labels["ml-platform.io/instance"] == platform.settings.karmada.ml_platform_instance
    assert labels["ml-platform.io/job-id"] == job["id"]
    head = rayjob["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["metadata"]["labels"]
    assert head["ml-platform.io/job-id"] == job["id"]

    policy = platform.sim_request(
        "GET", f"/apis/policy.karmada.io/v1alpha1/namespaces/{ns}/propagationpolicies/{name}"
    ).json()
    placement = policy["spec"]["placement"]
    assert placement["clusterAffinity"]["clusterNames"] == ["member1", "member2"]
    assert placement["spreadConstraints"] == [
        {"spreadByField": "cluster", "minGroups": 1, "maxGroups": 1}
    ]
    assert policy["spec"]["propagateDeps"] is True
    assert (
        policy["spec"]["resourceSelectors"]
        == [{"apiVersion": "ray.io/v1", "kind": "RayJob", "name": name, "namespace": ns}]
        or policy["spec"]["resourceSelectors"][0]["name"] == name
    )

    # Karmada placed it on exactly one of the two clusters.
    binding_path = f"/apis/work.karmada.io/v1alpha2/namespaces/{ns}/resourcebindings/{name}-rayjob"

    def placed() -> list[str] | None:
        answer = platform.sim_request("GET", binding_path)
        if answer.status_code != 200:
            return None
        clusters = [c["name"] for c in answer.json()["spec"].get("clusters") or []]
        return clusters or None

    assert len(wait_for(placed, what="the binding to be scheduled")) == 1

    result = platform.graphql(DELETE, {"id": job["id"]})["deleteJob"]
    assert result == {
        "__typename": "DeleteJobSuccess",
        "message": "Training job deleted successfully",
    }

    def removed() -> bool:
        return all(
            platform.sim_request("GET", path).status_code == 404
            for path in (
                f"/apis/ray.io/v1/namespaces/{ns}/rayjobs/{name}",
                f"/apis/policy.karmada.io/v1alpha1/namespaces/{ns}/propagationpolicies/{name}",
                binding_path,
            )
        )

    wait_for(removed, what="the RayJob, policy and binding to be deleted")
    wait_for(
        lambda: (
            platform.graphql("query($id: ID!) { job(id: $id) { id } }", {"id": job["id"]})["job"]
            is None
        ),
        what="the job row to go",
    )


def test_graphql_bad_input_is_a_result_and_writes_nothing(platform: Platform) -> None:
    result = platform.graphql(CREATE, {"input": {**XGBOOST_INPUT, "jobName": "Not_Valid"}})
    assert result["createJob"]["__typename"] == "InvalidInputError"
    assert result["createJob"]["field"] == "jobName"
    assert platform.graphql("{ jobs { totalCount } }")["jobs"]["totalCount"] == 0
    assert platform.graphql('{ job(id: "missing-00000000") { id } }')["job"] is None
    # Every field taking a job id but job(id) answers an unknown one with a NOT_FOUND error.
    deleted = platform.graphql_response(DELETE, {"id": "missing-00000000"})
    assert deleted["data"] is None
    assert [e["extensions"]["code"] for e in deleted["errors"]] == ["NOT_FOUND"]
    assert deleted["errors"][0]["path"] == ["deleteJob"]


def test_karmada_unreachable_keeps_the_job_pending_and_retrying(platform: Platform) -> None:
    fault = platform.sim_request(
        "POST", "/_sim/faults", json={"pathRegex": "^/api", "status": 503, "durationSeconds": 3}
    )
    assert fault.status_code == 201, fault.text
    try:
        job = create_job(platform, {**XGBOOST_INPUT, "jobName": "e2e-outage"})
        assert (job["phase"], job["reason"]) == ("PENDING", "SUBMISSION_RETRYING")
    finally:
        platform.sim_request("DELETE", f"/_sim/faults/{fault.json()['id']}")

    def finished() -> bool:
        state = platform.graphql("query($id: ID!) { job(id: $id) { phase } }", {"id": job["id"]})
        return bool(state["job"]["phase"] == "SUCCEEDED")

    wait_for(finished, timeout=60, what="the retried job to run to completion")
