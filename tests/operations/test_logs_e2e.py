"""Job logs end to end: live through the cluster proxy, archived after teardown, follow."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.operations.jobs import (
    create,
    job_body,
    job_fields,
    set_scenario,
    unique_name,
    wait_status,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform

LOGS = """
query($id: ID!, $tail: Int, $pod: String) {
  jobLogs(id: $id, tailLines: $tail, pod: $pod) {
    __typename
    ... on JobLogs { source text truncated pods { cluster pod container lineCount truncated } }
    ... on UnavailableError { message }
    ... on InvalidInputError { field message }
  }
}
"""

STREAM = """
subscription($id: ID!) {
  jobLogStream(id: $id) {
    __typename
    ... on JobLogLine { cluster pod line }
    ... on LogStreamError { message }
  }
}
"""


def rest_logs(platform: Platform, job_id: str, **params: Any) -> tuple[int, dict[str, Any]]:
    with platform.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}/logs", params=params)
    return answer.status_code, answer.json()


def member_pods(platform: Platform, cluster: str, job_id: str) -> list[dict[str, Any]]:
    answer = platform.sim_request(
        "GET",
        f"/apis/cluster.karmada.io/v1alpha1/clusters/{cluster}/proxy/api/v1/namespaces/default/pods",
        params={"labelSelector": f"ml-platform.io/job-id={job_id}"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_live_logs_then_archived_logs_after_kuberay_teardown(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-ray")
    set_scenario(platform, name, runSeconds=1.5, outcome="Succeeded")
    job = create(platform, job_body(name))
    wait_status(platform, job["id"], "Running")

    def live_lines() -> dict[str, Any] | None:
        status, body = rest_logs(platform, job["id"])
        return body if status == 200 and "step=" in body["message"] else None

    live = wait_for(live_lines, what="live step lines")
    assert live["source"] == "live"
    assert {p["pod"] for p in live["pods"]}, live
    assert set(live) >= {"message", "source", "pods", "truncated"}

    wait_status(platform, job["id"], "Succeeded")
    archived = wait_for(
        lambda: job_fields(platform, job["id"], "logsArchivedAt clusters")["logsArchivedAt"]
        and job_fields(platform, job["id"], "logsArchivedAt clusters"),
        what="logs archived",
    )
    cluster = archived["clusters"][0]
    # KubeRay's shutdownAfterJobFinishes + TTL (3 s here) deletes the RayCluster and its pods.
    wait_for(lambda: not member_pods(platform, cluster, job["id"]), timeout=30,
             what="pods torn down")
    data = platform.graphql(LOGS, {"id": job["id"], "tail": None, "pod": None})["jobLogs"]
    assert data["__typename"] == "JobLogs"
    assert data["source"] == "ARCHIVE"
    assert "training finished successfully" in data["text"]
    assert all(p["cluster"] == cluster for p in data["pods"])
    status, body = rest_logs(platform, job["id"])
    assert status == 200 and body["source"] == "archive"
    assert "training finished successfully" in body["message"]


def test_tail_lines_bounds_live_reads_and_marks_truncation(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-tail")
    set_scenario(platform, name, runSeconds=30, outcome="Succeeded")
    job = create(platform, job_body(name, "pytorch"))
    wait_status(platform, job["id"], "Running")

    def enough() -> dict[str, Any] | None:
        data = platform.graphql(LOGS, {"id": job["id"], "tail": 2, "pod": None})["jobLogs"]
        ok = data["__typename"] == "JobLogs" and data["pods"] and data["truncated"]
        return data if ok else None

    data = wait_for(enough, what="more than two lines")
    assert data["source"] == "LIVE"
    assert all(p["lineCount"] <= 2 for p in data["pods"])
    pod = data["pods"][0]["pod"]
    one = platform.graphql(LOGS, {"id": job["id"], "tail": 5, "pod": pod})["jobLogs"]
    assert [p["pod"] for p in one["pods"]] == [pod]
    bad = platform.graphql(LOGS, {"id": job["id"], "tail": -1, "pod": None})["jobLogs"]
    assert bad == {"__typename": "InvalidInputError", "field": "tailLines",
                   "message": bad["message"]}
    status, _ = rest_logs(platform, job["id"], tailLines="x")
    assert status == 400
    missing = platform.graphql_response(
        LOGS, {"id": "nope-00000000", "tail": None, "pod": None}
    )
    assert missing["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in missing["errors"]] == [
        (["jobLogs"], "NOT_FOUND")
    ]
    with platform.http() as client:
        assert client.get("/api/v1/jobs/nope-00000000/logs").status_code == 404


def test_unreachable_member_is_a_clear_error_not_a_hang(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-down")
    set_scenario(platform, name, runSeconds=30, outcome="Succeeded")
    job = create(platform, job_body(name, "tensorflow"))
    wait_status(platform, job["id"], "Running")
    cluster = wait_for(lambda: job_fields(platform, job["id"], "clusters")["clusters"],
                       what="placement")[0]
    answer = platform.sim_request("POST", f"/_sim/clusters/{cluster}", json={"reachable": False})
    assert answer.status_code == 200, answer.text
    try:
        status, body = rest_logs(platform, job["id"])
        assert status == 502
        assert body == {"error": "Member cluster is unreachable"}
        data = platform.graphql(LOGS, {"id": job["id"], "tail": None, "pod": None})["jobLogs"]
        assert data["__typename"] == "UnavailableError"
        assert cluster in data["message"]
        items = asyncio.run(_collect(platform, job["id"], limit=50, timeout=20))
        assert items[-1]["__typename"] == "LogStreamError", items
    finally:
        platform.sim_request("POST", f"/_sim/clusters/{cluster}", json={"reachable": True})


def test_follow_streams_lines_and_completes_when_the_job_ends(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-follow")
    set_scenario(platform, name, runSeconds=2.5, outcome="Succeeded")
    job = create(platform, job_body(name, "container"))
    items = asyncio.run(_collect(platform, job["id"], limit=10_000, timeout=60))
    lines = [i["line"] for i in items if i["__typename"] == "JobLogLine"]
    assert any("step=" in line for line in lines), items
    assert any("training finished successfully" in line for line in lines), lines
    assert all(i["__typename"] == "JobLogLine" for i in items)
    # The stream ended by itself: the job is finished.
    assert wait_status(platform, job["id"], "Succeeded") == "Succeeded"


def test_follow_of_a_finished_job_replays_its_logs_once(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-done")
    set_scenario(platform, name, runSeconds=1, outcome="Failed", failureMessage="boom")
    job = create(platform, job_body(name, "container"))
    wait_status(platform, job["id"], "Failed")
    items = asyncio.run(_collect(platform, job["id"], limit=10_000, timeout=30))
    assert any("ERROR: boom" in i.get("line", "") for i in items), items


def test_a_client_leaving_the_follow_stream_releases_it(operate_platform: Platform) -> None:
    platform = operate_platform
    name = unique_name("logs-leave")
    set_scenario(platform, name, runSeconds=60, outcome="Succeeded")
    job = create(platform, job_body(name, "pytorch"))
    wait_status(platform, job["id"], "Running")
    hub = platform.app.state.services.hub
    before = hub.subscriber_count
    items = asyncio.run(_collect(platform, job["id"], limit=2, timeout=30))
    assert [i["__typename"] for i in items] == ["JobLogLine", "JobLogLine"]
    # The client left after two lines: the server's stream (and its hub subscription) ends.
    wait_for(lambda: hub.subscriber_count == before, what="subscription released")
    assert wait_status(platform, job["id"], "Running") == "Running"


async def _collect(
    platform: Platform, job_id: str, *, limit: int, timeout: float
) -> list[dict[str, Any]]:
    transport = WebsocketsTransport(
        url=platform.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )
    items: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:

        async def consume() -> None:
            request = gql(STREAM)
            request.variable_values = {"id": job_id}
            async for result in session.subscribe(request):
                items.append(result["jobLogStream"])
                if len(items) >= limit:
                    return

        await asyncio.wait_for(consume(), timeout)
    return items
