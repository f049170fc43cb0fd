"""Idempotent createJob: the Idempotency-Key header (REST) / clientRequestId (GraphQL, body)."""

from __future__ import annotations

import concurrent.futures
from typing import Any

from tests.reliability.helpers import JOB_BODY
from tests.support.platform import Platform

CREATE = """
mutation Create($input: CreateJobInput!) {
  createJob(input: $input) {
    __typename
    ... on CreateJobSuccess { job { id } }
    ... on InvalidInputError { field message }
  }
}
"""


def _post(platform: Platform, body: dict[str, Any], key: str | None) -> tuple[int, Any]:
    headers = {"Idempotency-Key": key} if key is not None else {}
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body, headers=headers)
    return answer.status_code, answer.json()


def _count(platform: Platform) -> int:
    with platform.http() as client:
        return len(client.get("/api/v1/jobs").json())


def test_retried_post_with_the_same_key_returns_the_first_job(fast_platform: Platform) -> None:
    status1, first = _post(fast_platform, JOB_BODY, "key-1")
    status2, again = _post(fast_platform, JOB_BODY, "key-1")
    assert (status1, status2) == (201, 201)
    assert again["id"] == first["id"]
    status3, other = _post(fast_platform, JOB_BODY, "key-2")
    assert status3 == 201 and other["id"] != first["id"]
    _post(fast_platform, JOB_BODY, None)
    _post(fast_platform, JOB_BODY, None)  # without a key every POST is a new job
    assert _count(fast_platform) == 4


def test_same_key_with_a_different_request_is_rejected(fast_platform: Platform) -> None:
    assert _post(fast_platform, JOB_BODY, "key-x")[0] == 201
    status, body = _post(fast_platform, {**JOB_BODY, "priority": 900}, "key-x")
    assert status == 400
    assert body["details"].startswith("clientRequestId: already used for a different request")
    assert _count(fast_platform) == 1


def test_body_key_and_header_must_agree(fast_platform: Platform) -> None:
    status, body = _post(fast_platform, {**JOB_BODY, "clientRequestId": "a"}, "b")
    assert status == 400 and body["details"].startswith("clientRequestId:")
    status, body = _post(fast_platform, JOB_BODY, "x" * 129)
    assert status == 400 and body["details"].startswith("clientRequestId:")
    assert _count(fast_platform) == 0


def test_graphql_client_request_id_returns_the_first_job(fast_platform: Platform) -> None:
    job_input = {
        "jobName": JOB_BODY["jobName"], "algorithm": JOB_BODY["algorithm"],
        "resources": JOB_BODY["resources"], "hyperparameters": JOB_BODY["hyperparameters"],
        "inputDataConfig": JOB_BODY["inputDataConfig"], "clientRequestId": "gql-key",
    }
    first = fast_platform.graphql(CREATE, {"input": job_input})["createJob"]
    again = fast_platform.graphql(CREATE, {"input": job_input})["createJob"]
    assert first["__typename"] == again["__typename"] == "CreateJobSuccess"
    assert first["job"]["id"] == again["job"]["id"]
    # The same key through REST (header) finds the same job: one key space per namespace.
    status, rest = _post(fast_platform, {**job_input, "namespace": "default"}, "gql-key")
    assert status == 201 and rest["id"] == first["job"]["id"]
    assert _count(fast_platform) == 1


def test_concurrent_requests_with_one_key_create_one_job(fast_platform: Platform) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _post(fast_platform, JOB_BODY, "race"), range(8)))
    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    assert _count(fast_platform) == 1
