"""1,000 concurrent jobStatus subscribers over real websockets (graphql-transport-ws, one
asyncio loop) each receive every transition of their job, in order, with no gap in the
sequence numbers — with a one-slot server queue (so bursts are coalesced and back-filled from
job_events) and a tenth of the clients reading slowly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.live.gql_ws import JOB_STATUS, subscribe
from tests.poller.test_watch_poller import create_jobs, history, statuses
from tests.support.eventually import wait_for
from tests.support.platform import Platform, platform_settings, run_platform
from tests.support.simulator import sim_control

JOBS = 50
PER_JOB = 20  # 1,000 subscribers


@pytest.fixture
def crowded_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    settings = platform_settings(pg_url, sim_kubeconfig, poll_interval_seconds=0.25)
    # All subscribers connect from one address at once, before any sends connection_init:
    # admit them (the caps themselves are tested in tests/security/test_ws_guard.py).
    settings.graphql.graphql_max_pending_connections = 2000
    settings.graphql.graphql_max_pending_connections_per_client = 2000
    settings.graphql.subscriber_queue_size = 1  # any burst overflows: back-fill must cover it
    settings.poller.submission_retry_initial_seconds = 0.2
    settings.poller.submission_retry_max_seconds = 0.5
    with run_platform(settings, platform_sim) as platform:
        yield platform


async def _follow(url: str, job_id: str, slow: bool, opened: asyncio.Event) -> list[dict[str, Any]]:
    states: list[dict[str, Any]] = []
    async for data in subscribe(url, JOB_STATUS, {"id": job_id}, open_timeout=120):
        states.append(data["jobStatus"])
        opened.set()
        if slow:
            await asyncio.sleep(0.3)  # a slow consumer, not synchronisation
    return states


async def _run_all(
    url: str, ids: list[str], release: Callable[[], None]
) -> list[tuple[str, list[dict[str, Any]]]]:
    gate = asyncio.Semaphore(100)  # pace the handshakes, not the subscriptions
    opened = [asyncio.Event() for _ in range(len(ids) * PER_JOB)]

    async def one(n: int, job_id: str) -> tuple[str, list[dict[str, Any]]]:
        async with gate:
            task = asyncio.create_task(_follow(url, job_id, n % 10 == 0, opened[n]))
            first = asyncio.create_task(opened[n].wait())
            await asyncio.wait({task, first}, return_when=asyncio.FIRST_COMPLETED)
            first.cancel()
        return job_id, await task

    work = asyncio.gather(*(one(n, ids[n % len(ids)]) for n in range(len(opened))))
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened)), timeout=240)
    await asyncio.to_thread(release)  # every subscriber holds its first state: let jobs run
    return await asyncio.wait_for(work, timeout=240)


def test_a_thousand_subscribers_each_get_every_transition_in_order(
    crowded_platform: Platform,
) -> None:
    platform = crowded_platform
    prefix = f"many{uuid.uuid4().hex[:6]}"
    sim_control(
        platform.sim,
        "POST",
        "/_sim/scenarios",
        json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 3}},
    )
    # Hold every job at PENDING/SubmissionRetrying until all 1,000 subscriptions are open.
    rule = sim_control(
        platform.sim,
        "POST",
        "/_sim/faults",
        json={"pathRegex": "/rayjobs", "methods": ["POST"], "status": 503},
    )
    ids = create_jobs(platform, prefix, JOBS)

    def release() -> None:
        sim_control(platform.sim, "DELETE", f"/_sim/faults/{rule['id']}")

    results = asyncio.run(_run_all(platform.ws_url, ids, release))
    assert len(results) == JOBS * PER_JOB
    wait_for(
        lambda: set(statuses(platform, ids).values()) == {"Succeeded"},
        timeout=60,
        what="all jobs Succeeded",
    )
    finals = {job_id: history(platform, job_id)[-1]["sequence"] for job_id in ids}
    for job_id, states in results:
        sequences = [s["sequence"] for s in states]
        expected = list(range(sequences[0], finals[job_id] + 1))
        assert sequences == expected, (job_id, states)  # every transition, in order, once
        assert states[-1]["phase"] == "SUCCEEDED"
    # The subscriptions were open while the jobs ran: all saw at least one live transition.
    live = sum(1 for _, states in results if len(states) >= 2)
    assert live == len(results), live
    # Each job's subscribers started at different points, yet all ended on the same final state.
    assert len({tuple(s[-1].items()) for _, s in results}) == JOBS
