"""The watch-fed poller end to end (real uvicorn, PostgreSQL, the simulator): idle ticks cost
no requests, broken watches lose no transition, Karmada 500s/timeouts change no phase."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import eventually, wait_for
from tests.support.platform import Platform, fast_simulator_config, platform_settings, run_platform
from tests.support.simulator import sim_control

BODY: dict[str, Any] = {
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 1},
}
TERMINAL = {"Succeeded", "Failed", "Stopped"}


def create_jobs(platform: Platform, prefix: str, count: int) -> list[str]:
    ids = []
    with platform.http() as client:
        for i in range(count):
            answer = client.post("/api/v1/jobs", json={**BODY, "jobName": f"{prefix}-{i}"})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
    return ids


def statuses(platform: Platform, ids: list[str]) -> dict[str, str]:
    with platform.http() as client:
        jobs = client.get("/api/v1/jobs").json()
    return {j["id"]: j["status"] for j in jobs if j["id"] in ids}


def history(platform: Platform, job_id: str) -> list[dict[str, Any]]:
    data = platform.graphql(
        "query($id: ID!) { job(id: $id) { events { sequence fromPhase toPhase reason } } }",
        {"id": job_id},
    )
    return data["job"]["events"]  # type: ignore[no-any-return]


def assert_complete_history(platform: Platform, job_id: str) -> list[str]:
    """Sequences 1..n with no gap, each a real transition; returns the phases in order."""
    events = history(platform, job_id)
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1)), events
    steps = [(e["toPhase"], e["reason"]) for e in events]
    assert all(a != b for a, b in itertools.pairwise(steps)), steps  # no duplicates
    for prev, event in itertools.pairwise(events):
        assert event["fromPhase"] == prev["toPhase"], events
    return [e["toPhase"] for e in events]


@pytest.fixture
def idle_platform(pg_url: str, tmp_path: Path) -> Iterator[Platform]:
    config = fast_simulator_config()
    config.timing.running_seconds = 120.0  # jobs stay Running while ticks are counted
    with EmbeddedSimulator(config) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        settings = platform_settings(pg_url, kubeconfig, poll_interval_seconds=0.2)
        assert settings.poller.poll_source == "watch"
        # Member health (StatusStale) is one Cluster LIST every few seconds from within a
        # tick; it is not status reading, which is what this test counts.
        settings.poller.cluster_health_check_seconds = 3600.0
        with run_platform(settings, sim) as platform:
            yield platform


def test_idle_ticks_send_no_requests_in_watch_mode(idle_platform: Platform) -> None:
    platform = idle_platform
    ids = create_jobs(platform, "idle", 20)
    wait_for(
        lambda: set(statuses(platform, ids).values()) == {"Running"},
        timeout=60,
        what="all jobs Running",
    )
    poller = platform.app.state.poller
    wait_for(
        lambda: poller.last_tick is not None and poller.last_tick.changed == 0, what="a quiet tick"
    )
    poller.confirm_every = timedelta(seconds=0.5)
    quiet_since = datetime.now(UTC)
    assert platform.sim_request("POST", "/_sim/requests/reset").status_code < 300
    start = poller.ticks
    requests: list[int] = []
    interpreted: list[int] = []

    def ten_more_ticks() -> bool:
        tick = poller.last_tick
        if tick is not None and poller.ticks > start + len(requests):
            requests.append(tick.requests)
            interpreted.append(tick.interpreted)
        return bool(poller.ticks >= start + 10)

    wait_for(ten_more_ticks, timeout=30, interval=0.01, what="ten ticks")
    counts = platform.sim_request("GET", "/_sim/requests").json()["counts"]
    # What the poller reads (other leader workers, e.g. the reconciler, list clusters etc.).
    polled = ("ray.io/v1/rayjobs", "work.karmada.io/v1alpha2/resourcebindings")
    lists_or_gets = {
        k: v for k, v in counts.items() if k.startswith(("list ", "get ")) and k.endswith(polled)
    }
    assert lists_or_gets == {}, counts  # the caches answer; LIST mode would list every tick
    assert sum(requests) == 0 and max(interpreted, default=0) == 0, (requests, interpreted)
    assert set(statuses(platform, ids).values()) == {"Running"}
    # Unchanged jobs are not rewritten, yet their confirmation time keeps moving.
    confirmed = [
        platform.graphql("query($id: ID!) { job(id: $id) { statusConfirmedAt } }", {"id": i})
        for i in ids
    ]
    assert all(
        datetime.fromisoformat(c["job"]["statusConfirmedAt"]) > quiet_since for c in confirmed
    ), confirmed


@pytest.mark.parametrize("mode", ["expire", "abort"])
def test_broken_watches_lose_no_transition(platform: Platform, mode: str) -> None:
    prefix = f"brk{uuid.uuid4().hex[:6]}"
    sim_control(
        platform.sim,
        "POST",
        "/_sim/scenarios",
        json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 2}},
    )
    ids = create_jobs(platform, prefix, 8)

    def break_watches_until_done() -> bool:
        sim_control(platform.sim, "POST", "/_sim/watches/close", json={"mode": mode})
        return set(statuses(platform, ids).values()) <= TERMINAL

    wait_for(break_watches_until_done, timeout=60, interval=0.3, what="all jobs finished")
    assert set(statuses(platform, ids).values()) == {"Succeeded"}
    for job_id in ids:
        phases = assert_complete_history(platform, job_id)
        assert phases[-2:] == ["RUNNING", "SUCCEEDED"], phases


def test_karmada_errors_and_timeouts_change_no_phase(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    settings = platform_settings(pg_url, sim_kubeconfig, poll_interval_seconds=0.2)
    settings.karmada.karmada_request_timeout_seconds = 1.0
    with run_platform(settings, platform_sim) as platform:
        prefix = f"flt{uuid.uuid4().hex[:6]}"
        sim_control(
            platform.sim,
            "POST",
            "/_sim/scenarios",
            json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 4}},
        )
        ids = create_jobs(platform, prefix, 5)
        wait_for(
            lambda: set(statuses(platform, ids).values()) == {"Running"}, timeout=30, what="Running"
        )
        seen: set[str] = set()
        failures: list[int] = []
        for fault in ({"status": 500}, {"latencyMs": 2500}):
            rule = sim_control(
                platform.sim,
                "POST",
                "/_sim/faults",
                json={
                    "pathRegex": "/apis/(ray\\.io|work\\.karmada\\.io)/",
                    "durationSeconds": 3,
                    **fault,
                },
            )
            sim_control(platform.sim, "POST", "/_sim/watches/close", json={"mode": "abort"})

            def fault_over(rule_id: Any = rule["id"]) -> bool:
                seen.update(statuses(platform, ids).values())
                failures.append(platform.app.state.poller.consecutive_failures)
                active = sim_control(platform.sim, "GET", "/_sim/faults")
                items = active if isinstance(active, list) else active.get("faults", [])
                return all(r.get("id") != rule_id for r in items)

            wait_for(fault_over, timeout=20, interval=0.1, what=f"fault {fault} to expire")
        assert max(failures) > 0  # the outage was real: ticks failed and backed off
        assert seen <= {"Running", "Succeeded"}, seen  # never Failed/WorkloadLost from errors
        wait_for(
            lambda: set(statuses(platform, ids).values()) == {"Succeeded"},
            timeout=60,
            what="status resumes after the outage",
        )
        for job_id in ids:
            assert_complete_history(platform, job_id)


JOB_EVENTS = "subscription($id: ID!) { jobEvents(id: $id) { sequence fromPhase toPhase reason } }"


async def test_job_updates_over_legacy_graphql_ws_and_job_events(platform: Platform) -> None:
    import asyncio

    import httpx

    from tests.live.gql_ws import JOB_UPDATES, subscribe

    prefix = f"upd{uuid.uuid4().hex[:6]}"
    sim_control(
        platform.sim,
        "POST",
        "/_sim/scenarios",
        json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 1}},
    )
    finished: list[dict[str, Any]] = []

    async def list_view() -> None:
        # Legacy protocol; only SUCCEEDED transitions in the default namespace.
        variables = {"f": {"namespace": "default", "phases": ["SUCCEEDED"]}}
        async for data in subscribe(platform.ws_url, JOB_UPDATES, variables, protocol="graphql-ws"):
            update = data["jobUpdates"]
            if update["jobId"].startswith(prefix):
                finished.append(update)
                if len(finished) == 2:
                    return

    hub = platform.app.state.services.hub
    before = hub.subscriber_count
    view = asyncio.create_task(list_view())
    # jobUpdates sends nothing first: wait until the hub counts the subscription.
    await eventually(lambda: hub.subscriber_count > before, what="jobUpdates subscribed")
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as http:
        ids = []
        for i in range(2):
            answer = await http.post("/api/v1/jobs", json={**BODY, "jobName": f"{prefix}-{i}"})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
    await asyncio.wait_for(view, 60)
    assert sorted(u["jobId"] for u in finished) == sorted(ids)
    assert {u["phase"] for u in finished} == {"SUCCEEDED"}  # the phase filter held

    events = [d["jobEvents"] async for d in subscribe(platform.ws_url, JOB_EVENTS, {"id": ids[0]})]
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["toPhase"] == "SUCCEEDED"  # history replayed, then completed
