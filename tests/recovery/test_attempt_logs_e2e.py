"""Logs attempt by attempt (issue 19) end to end: a real server, PostgreSQL and the simulator.

A job evicted on its first member recovers on the other; attempt 1's logs are then read from
the archive the recovery took before deleting its objects, attempt 2's live from its own pods
(selected by the ``ml-platform.io/attempt`` label), through GraphQL and REST; an attempt the
job does not have is refused naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.recovery.support import create, job, job_body, recovery_platform, running_on
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e

LOGS = """
query($id: ID!, $attempt: Int) {
  jobLogs(id: $id, attempt: $attempt) {
    __typename
    ... on JobLogs { source text pods { cluster pod container lineCount } }
    ... on InvalidInputError { field message }
  }
}
"""


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with recovery_platform(make_platform, "alog-") as running:
        yield running


def rest_logs(platform: Platform, job_id: str, **params: Any) -> tuple[int, dict[str, Any]]:
    with platform.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}/logs", params=params)
    return answer.status_code, answer.json()


def graphql_logs(platform: Platform, job_id: str, attempt: int | None) -> dict[str, Any]:
    return dict(platform.graphql(LOGS, {"id": job_id, "attempt": attempt})["jobLogs"])


def member_pods(platform: Platform, cluster: str, selector: str) -> list[dict[str, Any]]:
    answer = platform.sim_request(
        "GET",
        f"/apis/cluster.karmada.io/v1alpha1/clusters/{cluster}/proxy/api/v1/namespaces/default/pods",
        params={"labelSelector": selector},
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def live_lines(platform: Platform, job_id: str, cluster: str) -> dict[str, Any] | None:
    """The job's REST logs once they come live from ``cluster`` with some step lines."""
    status, body = rest_logs(platform, job_id)
    pods = body.get("pods") or []
    ok = status == 200 and body.get("source") == "live" and "step=" in body.get("message", "")
    return body if ok and pods and all(p["cluster"] == cluster for p in pods) else None


@pytest.mark.parametrize("algorithm", ["container", "pytorch"])
def test_each_attempts_logs_after_a_recovery(platform: Platform, algorithm: str) -> None:
    job_id = create(platform, job_body(algorithm, f"alog-{algorithm}",
                                       recoveryPolicy={"memberGraceSeconds": 0.5}))
    first = running_on(platform, job_id)
    name = job(platform, job_id)["objectName"]
    before = wait_for(lambda: live_lines(platform, job_id, first), timeout=60,
                      what="attempt 1's live logs")
    first_pods = sorted({p["pod"] for p in before["pods"]})
    assert all(p.startswith(f"{name}-") and not p.startswith(f"{name}-a2") for p in first_pods)
    # Its pods carry the attempt label (what live reads select them by).
    selector = f"ml-platform.io/attempt=1,ml-platform.io/job-id={job_id}"
    labelled = member_pods(platform, first, selector)
    assert sorted(p["metadata"]["name"] for p in labelled) == first_pods

    answer = platform.sim_request("POST", "/_sim/disruptions", json={
        "type": "Evict", "cluster": first, "namespace": "default", "name": name})
    assert answer.status_code == 201, answer.text
    second = running_on(platform, job_id, attempt=2)
    assert second != first
    after = wait_for(lambda: live_lines(platform, job_id, second), timeout=60,
                     what="attempt 2's live logs")

    # Attempt 2 (the default, and by number): live, its own pods only, on the new member.
    second_pods = sorted({p["pod"] for p in after["pods"]})
    assert second_pods and all(p.startswith(f"{name}-a2-") for p in second_pods), second_pods
    for attempt in (None, 2):
        data = graphql_logs(platform, job_id, attempt)
        assert data["__typename"] == "JobLogs" and data["source"] == "LIVE", data
        assert {(p["cluster"], p["pod"]) for p in data["pods"]} == {
            (second, pod) for pod in second_pods}
    status, body = rest_logs(platform, job_id, attempt="2")
    assert status == 200 and body["source"] == "live"
    assert sorted({p["pod"] for p in body["pods"]}) == second_pods
    # Without the argument REST answers exactly its old keys (byte-compatible shape).
    status, body = rest_logs(platform, job_id)
    assert status == 200 and set(body) == {"message", "source", "pods", "truncated"}
    assert sorted({p["pod"] for p in body["pods"]}) == second_pods

    # Attempt 1: archived by the recovery, from the first member, the pods seen live before.
    data = graphql_logs(platform, job_id, 1)
    assert data["__typename"] == "JobLogs" and data["source"] == "ARCHIVE", data
    assert sorted({p["pod"] for p in data["pods"]}) == first_pods
    assert {p["cluster"] for p in data["pods"]} == {first}
    assert "step=" in data["text"]
    status, body = rest_logs(platform, job_id, attempt="1")
    assert status == 200 and body["source"] == "archive", body
    assert sorted({p["pod"] for p in body["pods"]}) == first_pods
    assert {p["cluster"] for p in body["pods"]} == {first}
    assert "step=" in body["message"]
    assert not set(first_pods) & set(second_pods)

    # An attempt the job does not have, or not a positive number: refused, naming the field.
    for bad in (0, 3, -1):
        data = graphql_logs(platform, job_id, bad)
        assert (data["__typename"], data["field"]) == ("InvalidInputError", "attempt"), data
    for bad in (0, -1):  # not a positive number: the request itself is invalid
        status, body = rest_logs(platform, job_id, attempt=str(bad))
        assert status == 400, body
        assert body["error"] == "Invalid request payload"
        assert body["details"].startswith("attempt: "), body
    # A valid number the job never reached: no such attempt.
    status, body = rest_logs(platform, job_id, attempt="3")
    assert status == 404 and body["error"].startswith("Attempt not found: "), body
    status, body = rest_logs(platform, job_id, attempt="two")
    assert status == 400 and body["details"].startswith("attempt: "), body
