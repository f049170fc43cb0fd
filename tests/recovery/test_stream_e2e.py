"""jobStatus streams a recovered job's attempts in one sequence (issue 19), to its final
phase: attempt 1 evicted, attempt 2 on the other member runs to completion."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from tests.live.gql_ws import JOB_STATUS, subscribe
from tests.recovery.support import create, job, job_body, running_on
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e


def test_job_status_streams_every_attempt_in_one_sequence(make_platform: PlatformFactory) -> None:
    with make_platform(cluster_health_check_seconds=0.2) as platform:
        rule = platform.sim_request("POST", "/_sim/scenarios", json={
            "match": {"nameContains": "stream-"}, "scenario": {"runSeconds": 8}})
        assert rule.status_code == 201, rule.text
        try:
            _run(platform)
        finally:
            platform.sim_request("DELETE", "/_sim/disruptions")
            platform.sim_request("DELETE", "/_sim/scenarios")


def _run(platform: Platform) -> None:
    job_id = create(platform, job_body("xgboost", "stream-job"))
    received: list[dict[str, Any]] = []

    async def listen() -> None:
        async for data in subscribe(platform.ws_url, JOB_STATUS, {"id": job_id}):
            received.append(data["jobStatus"])
            if data["jobStatus"]["phase"] in ("SUCCEEDED", "FAILED"):
                return

    thread = threading.Thread(target=lambda: asyncio.run(listen()), daemon=True)
    thread.start()
    first = running_on(platform, job_id)
    name = job(platform, job_id)["objectName"]
    hit = platform.sim_request("POST", "/_sim/disruptions", json={
        "type": "Evict", "cluster": first, "namespace": "default", "name": name})
    assert hit.status_code == 201, hit.text
    wait_for(lambda: not thread.is_alive(), timeout=90, what="the stream to reach the end")
    phases = [(s["phase"], s["reason"]) for s in received]
    assert phases[-1] == ("SUCCEEDED", "COMPLETED"), phases
    assert ("PENDING", "RECOVERING") in phases
    sequences = [s["sequence"] for s in received]
    assert sequences == sorted(set(sequences)), sequences  # one sequence, no repeats
    state = job(platform, job_id)
    assert [(a["number"], a["phase"]) for a in state["attempts"]] == [
        (1, "FAILED"), (2, "SUCCEEDED")]
    assert state["attempts"][1]["cluster"] != first
    # Every transition of both attempts reached the subscriber (its first frame is the
    # state at subscription time, then each event in order).
    last = state["events"][-1]["sequence"]
    assert sequences[-1] == last
    assert set(range(sequences[0], last + 1)) <= set(sequences)
