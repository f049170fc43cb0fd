"""The recovery policy through both APIs (issue 19): GraphQL RecoveryPolicyInput on createJob
and retryJob, the REST body's recoveryPolicy (refused when invalid), attempts used up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.recovery.support import create, job, job_body, running_on
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e

CREATE = """mutation($input: CreateJobInput!) { createJob(input: $input) { __typename
  ... on CreateJobSuccess { job { id } } ... on InvalidInputError { field message } } }"""
RETRY = """mutation($id: ID!, $policy: RecoveryPolicyInput) {
  retryJob(id: $id, recoveryPolicy: $policy) { __typename
  ... on CreateJobSuccess { job { id } } ... on InvalidInputError { field message } } }"""


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with make_platform(cluster_health_check_seconds=0.2) as running:
        rule = running.sim_request("POST", "/_sim/scenarios", json={
            "match": {"nameContains": "pol-"}, "scenario": {"runSeconds": 600}})
        assert rule.status_code == 201, rule.text
        try:
            yield running
        finally:
            running.sim_request("DELETE", "/_sim/disruptions")
            running.sim_request("DELETE", "/_sim/scenarios")


def evict(platform: Platform, job_id: str, attempt: int) -> str:
    cluster = running_on(platform, job_id, attempt=attempt)
    name = job(platform, job_id)["objectName"]
    answer = platform.sim_request("POST", "/_sim/disruptions", json={
        "type": "Evict", "cluster": cluster, "namespace": "default", "name": name})
    assert answer.status_code == 201, answer.text
    return cluster


def failed(platform: Platform, job_id: str) -> dict[str, Any]:
    return wait_for(lambda: (s := job(platform, job_id))["phase"] == "FAILED" and s,
                    timeout=60, what=f"{job_id} to fail")


def test_graphql_policy_on_create_and_retry(platform: Platform) -> None:
    body = {**job_body("xgboost", "pol-gql"), "recoveryPolicy": {"maxAttempts": 1}}
    made = platform.graphql(CREATE, {"input": body})["createJob"]
    assert made["__typename"] == "CreateJobSuccess", made
    job_id = made["job"]["id"]
    evict(platform, job_id, 1)
    state = failed(platform, job_id)
    assert [(a["number"], a["phase"]) for a in state["attempts"]] == [(1, "FAILED")]

    # The manual path: retryJob, here with a policy that allows one recovery.
    again = platform.graphql(RETRY, {"id": job_id, "policy": {"maxAttempts": 2}})["retryJob"]
    assert again["__typename"] == "CreateJobSuccess", again
    retried = again["job"]["id"]
    first = evict(platform, retried, 1)
    assert running_on(platform, retried, attempt=2) != first


def test_attempts_used_up_end_failed_with_each_cause(platform: Platform) -> None:
    job_id = create(platform, job_body("xgboost", "pol-used", recoveryPolicy={
        "maxAttempts": 2, "avoidFailedClusters": False}))
    evict(platform, job_id, 1)
    evict(platform, job_id, 2)
    state = failed(platform, job_id)
    attempts = state["attempts"]
    assert [(a["number"], a["phase"]) for a in attempts] == [(1, "FAILED"), (2, "FAILED")]
    assert attempts[0]["reason"] == "PodEvicted"
    assert state["attempt"] == 2


def test_rest_refuses_an_invalid_policy(platform: Platform) -> None:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=job_body(
            "xgboost", "pol-bad", recoveryPolicy={"onUnreachable": "later"}))
    assert answer.status_code == 400, answer.text
    assert "recoveryPolicy.onUnreachable" in answer.text
