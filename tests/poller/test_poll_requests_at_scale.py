"""With 500 active jobs, a LIST-mode tick costs a constant number of LIST requests plus GETs
of what changed (never one per job), counted at the simulator, and the poller really reads:
every job reaches its next phase."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import wait_for
from tests.support.platform import Platform, fast_simulator_config, platform_settings, run_platform

JOBS = 500
PAGE = 250

BODY: dict[str, Any] = {
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 1},
}


@pytest.fixture
def scale_platform(pg_url: str, tmp_path: Path) -> Iterator[Platform]:
    # A simulator of its own: the binding count (and so the pages per tick) is then known.
    config = fast_simulator_config()
    config.timing.running_seconds = 600.0  # keep all 500 active while requests are counted
    with EmbeddedSimulator(config) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        settings = platform_settings(pg_url, kubeconfig, poll_interval_seconds=0.5)
        settings.poller.list_page_size = PAGE
        # The LIST-every-tick source: the one whose per-tick cost this test bounds (the watch
        # source sends nothing per tick; tests/live covers it).
        settings.poller.poll_source = "list"
        # The reconciler (every 30 s by default) also LISTs; it is not the poller's tick, and
        # tests/reliability covers it. Keep it out of the counting window.
        settings.poller.reconcile_interval_seconds = 3600.0
        with run_platform(settings, sim) as platform:
            yield platform


async def _create_many(base_url: str) -> list[str]:
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        gate = asyncio.Semaphore(16)

        async def one(i: int) -> str:
            # A pooled keep-alive connection the server closes as it is reused surfaces as a
            # transport error; the idempotency key makes the retry return the same job.
            headers = {"Idempotency-Key": f"scale-{i}"}
            body = {**BODY, "jobName": f"scale-{i}"}
            async with gate:
                for attempt in range(3):
                    try:
                        answer = await client.post("/api/v1/jobs", json=body, headers=headers)
                        break
                    except httpx.TransportError:
                        if attempt == 2:
                            raise
            assert answer.status_code in (200, 201), answer.text
            return str(answer.json()["id"])

        return await asyncio.gather(*(one(i) for i in range(JOBS)))


def _statuses(platform: Platform) -> list[dict[str, Any]]:
    with platform.http() as client:
        return client.get("/api/v1/jobs").json()  # type: ignore[no-any-return]


def test_a_tick_sends_kinds_plus_one_lists_per_page_and_every_job_advances(
    scale_platform: Platform,
) -> None:
    platform = scale_platform
    ids = asyncio.run(_create_many(platform.base_url))
    assert len(set(ids)) == JOBS

    def all_running() -> bool:
        return all(j["status"] == "Running" for j in _statuses(platform))

    # Every job reaching RUNNING proves the poller reads each one (PENDING -> RUNNING).
    wait_for(all_running, timeout=180, interval=0.5, what="all 500 jobs to be Running")

    assert platform.sim_request("POST", "/_sim/requests/reset").status_code < 300
    window_started = time.monotonic()

    def counts_after_ticks() -> dict[str, int] | None:
        counts: dict[str, int] = platform.sim_request("GET", "/_sim/requests").json()["counts"]
        return counts if counts.get("list ray.io/v1/rayjobs", 0) >= 3 * 2 else None

    counts = wait_for(counts_after_ticks, timeout=30, what="three poller ticks")
    window = time.monotonic() - window_started
    # Member health (for StatusStale) is one LIST of Clusters per health-check period, not
    # per tick and not per job.
    cluster_lists = counts.pop("list cluster.karmada.io/v1alpha1/clusters", 0)
    health_period = platform.settings.poller.cluster_health_check_seconds
    assert cluster_lists <= window / health_period + 1
    pages = math.ceil(JOBS / PAGE)
    rayjob_lists = counts.pop("list ray.io/v1/rayjobs")
    binding_lists = counts.pop("list work.karmada.io/v1alpha2/resourcebindings", 0)
    ticks = rayjob_lists / pages
    # Compact rows list everything; whole objects are fetched only for what moved (a running
    # job's status still changes now and then), never one GET per job per tick.
    gets = counts.pop("get ray.io/v1/rayjobs", 0) + counts.pop(
        "get work.karmada.io/v1alpha2/resourcebindings", 0
    )
    assert gets < JOBS * math.ceil(ticks) / 10, (gets, ticks)
    # Nothing but those: no other verb, no other resource.
    assert counts == {}, counts
    # kinds in use (1) + 1 bindings list, per page; counted over whole ticks (±1 at the edges).
    assert abs(binding_lists - rayjob_lists) <= pages
    assert (rayjob_lists + binding_lists) <= (1 + 1) * pages * math.ceil(ticks) + pages
