"""On PostgreSQL: the advisory-lock leader election and the NOTIFY/LISTEN bridge, including a
terminated lock connection (another replica takes over) and a terminated listener connection
(subscribers keep receiving; they are told to re-read what they may have missed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest

from app.db.history import Change, apply_changes, create_job_row, utcnow
from app.db.leader import LeaderElection, lock_key
from app.db.models import TrainingJob
from app.db.session import database
from app.jobstate.phases import Phase, Reason
from app.jobstate.updates import JobUpdate
from app.live.hub import StatusHub
from app.live.pg_bridge import PgStatusBridge, asyncpg_dsn, channel_for, decode_payload
from tests.support.eventually import eventually


async def _terminate(dsn: str, pid: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


async def test_one_leader_at_a_time_and_takeover_when_its_connection_dies(pg_url: str) -> None:
    dsn = asyncpg_dsn(pg_url)
    key = lock_key("live-leader-test")
    stop = asyncio.Event()
    running: list[str] = []

    def term_of(name: str):  # type: ignore[no-untyped-def]
        async def term(term_stop: asyncio.Event) -> None:
            running.append(name)
            try:
                await term_stop.wait()
            finally:
                running.remove(name)

        return term

    a = LeaderElection(dsn, key, retry_seconds=0.2, check_seconds=0.2)
    b = LeaderElection(dsn, key, retry_seconds=0.2, check_seconds=0.2)
    tasks = [
        asyncio.create_task(a.run(term_of("a"), stop)),
        asyncio.create_task(b.run(term_of("b"), stop)),
    ]
    try:
        await eventually(lambda: running, what="a leader")
        first = a if running == ["a"] else b
        other = b if first is a else a
        # The other keeps campaigning and keeps losing: after three more attempts, still one.
        tried = other.failed_attempts
        await eventually(lambda: other.failed_attempts >= tried + 3, what="three more attempts")
        assert len(running) == 1
        pid = await first.lock_pid()
        assert pid is not None
        await _terminate(dsn, pid)
        await eventually(lambda: other.is_leader.is_set(), timeout=5, what="takeover")
        assert running == (["b"] if other is b else ["a"])
        assert other.terms == 1
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert running == []


async def test_without_postgres_the_replica_is_always_leader() -> None:
    election = LeaderElection(None, 1)
    stop = asyncio.Event()
    seen: list[bool] = []

    async def term(term_stop: asyncio.Event) -> None:
        seen.append(election.is_leader.is_set())
        stop.set()

    await asyncio.wait_for(election.run(term, stop), 5)
    assert seen == [True]


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[str]:
    async with database(pg_url, apply_migrations=True):
        yield pg_url


async def _new_job(job_id: str) -> TrainingJob:
    now = utcnow()
    job = TrainingJob(
        id=job_id,
        job_name="j",
        namespace="default",
        algorithm="xgboost",
        kind="RayJob",
        api_version="ray.io/v1",
        object_name=f"r{job_id}",
        status=Phase.PENDING.value,
        reason=Reason.SUBMITTING.value,
        created_at=now,
        updated_at=now,
    )
    await create_job_row(job, actor=None)
    return job


async def test_bridge_delivers_to_every_replica_and_survives_a_killed_listener(db: str) -> None:
    dsn = asyncpg_dsn(db)
    channel = channel_for("live-bridge-test")
    hub_a, hub_b = StatusHub(), StatusHub()
    a = PgStatusBridge(dsn, hub_a, channel, health_check_seconds=0.5)
    b = PgStatusBridge(dsn, hub_b, channel, health_check_seconds=0.5)
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(asyncio.gather(a.listening.wait(), b.listening.wait()), 10)
        job = await _new_job("bridge-1")
        sub_b = hub_b.subscribe(job_ids=[job.id])
        sub_a = hub_a.subscribe(job_ids=[job.id])
        updates = await apply_changes([Change(job, Phase.RUNNING, Reason.RUNNING, "go")])
        hub_a.publish(updates)  # only A publishes; both replicas deliver
        got_b = await asyncio.wait_for(sub_b.get(), 10)
        got_a = await asyncio.wait_for(sub_a.get(), 10)
        for got in (got_a, got_b):
            assert (got.job_id, got.sequence, got.phase, got.reason, got.message) == (
                job.id,
                2,
                "RUNNING",
                "Running",
                "go",
            )

        pid = await b.listener_pid()
        assert pid is not None
        await _terminate(dsn, pid)
        await eventually(
            lambda: b.connections >= 2 and b.listening.is_set(),
            timeout=10,
            what="listener re-established",
        )
        marker = await asyncio.wait_for(sub_b.get(), 5)
        assert marker.is_resync and sub_b.take_overflow()  # told to re-read what it missed
        updates = await apply_changes([Change(job, Phase.SUCCEEDED, Reason.COMPLETED, "done")])
        hub_a.publish(updates)
        got = await asyncio.wait_for(sub_b.get(), 10)
        assert (got.sequence, got.phase) == (3, "SUCCEEDED")
    finally:
        with contextlib.suppress(Exception):
            await a.stop()
        await b.stop()


async def test_a_change_nobody_here_follows_still_reaches_the_list_listeners(db: str) -> None:
    # The REST list cache listens for changes (app.server.job_list); a replica with no
    # subscriber of a job skips reading job_events for it, but its cached lists must still
    # hear that the job changed, and its own publications coming back are not news.
    dsn = asyncpg_dsn(db)
    channel = channel_for("live-bridge-unfollowed")
    hub_a, hub_b = StatusHub(), StatusHub()
    changes_a: list[int] = []
    changes_b: list[int] = []
    hub_a.on_change(lambda: changes_a.append(1))
    hub_b.on_change(lambda: changes_b.append(1))
    a = PgStatusBridge(dsn, hub_a, channel, health_check_seconds=0.5)
    b = PgStatusBridge(dsn, hub_b, channel, health_check_seconds=0.5)
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(asyncio.gather(a.listening.wait(), b.listening.wait()), 10)
        job = await _new_job("bridge-2")
        hub_a.publish(await apply_changes([Change(job, Phase.RUNNING, Reason.RUNNING, "go")]))
        assert changes_a == [1]  # the writer hears its own write at once
        await eventually(lambda: a.notifications >= 1 and b.notifications >= 1,
                         timeout=10, what="the NOTIFY on both replicas")
        await eventually(lambda: changes_b == [1], timeout=10, what="B's list listener")
        # A's own update came back: consumed, not a second change. A later one from B is.
        hub_b.publish(await apply_changes([Change(job, Phase.SUCCEEDED, Reason.COMPLETED, "")]))
        await eventually(lambda: changes_a == [1, 1], timeout=10, what="A hears B's change")
        assert changes_b == [1, 1]
    finally:
        with contextlib.suppress(Exception):
            await a.stop()
        await b.stop()


async def test_publishes_queued_together_are_sent_complete_and_in_order(pg_url: str) -> None:
    # Three publishes in one loop turn, 400 updates in all (several NOTIFY payloads): the
    # sender takes them in one statement; a listener must see every update, in order.
    dsn = asyncpg_dsn(pg_url)
    channel = channel_for("live-coalesce-test")
    listener = await asyncpg.connect(dsn)
    heard: list[str] = []
    await listener.add_listener(channel, lambda _c, _pid, _ch, payload: heard.append(payload))
    hub = StatusHub()
    bridge = PgStatusBridge(dsn, hub, channel, health_check_seconds=0.5)
    await bridge.start()
    now = utcnow()
    sent = [
        JobUpdate(f"coalesce-{i}", "default", i + 1, "RUNNING", "Running", "", now)
        for i in range(400)
    ]
    try:
        for part in (sent[:1], sent[1:150], sent[150:]):
            hub.publish(part)
        expected = [(u.job_id, u.sequence) for u in sent]

        def received() -> list[tuple[str, int]]:
            return [(e[0], e[2]) for payload in heard for e in decode_payload(payload)]

        await eventually(lambda: len(received()) >= len(sent), timeout=10, what="every update")
        assert received() == expected
        assert len(heard) > 1  # the 400 needed several payloads
    finally:
        await bridge.stop()
        await listener.close()
