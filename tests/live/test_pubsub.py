"""The in-process hub (relay, resync, bounded queues) and the NOTIFY payload encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.jobstate.updates import JobUpdate
from app.live.hub import StatusHub
from app.live.pg_bridge import (
    MAX_PAYLOAD_BYTES,
    asyncpg_dsn,
    channel_for,
    decode_payload,
    encode_payloads,
)


def _update(job: str, seq: int, phase: str = "RUNNING", ns: str = "default") -> JobUpdate:
    return JobUpdate(job, ns, seq, phase, "Running", "", datetime.now(UTC))


async def test_publish_goes_through_the_relay_when_installed() -> None:
    hub = StatusHub()
    sub = hub.subscribe(job_ids=["a"])
    relayed: list[list[JobUpdate]] = []
    hub.relay = relayed.append
    hub.publish([_update("a", 2)])
    assert len(relayed) == 1 and sub.queue.empty()
    hub.deliver(relayed[0])
    assert (await sub.get()).sequence == 2


async def test_a_full_queue_never_blocks_and_flags_the_subscriber() -> None:
    hub = StatusHub(queue_size=2)
    slow = hub.subscribe(job_ids=["a"])
    fast = hub.subscribe(namespaces=["default"])
    hub.deliver([_update("a", s) for s in range(2, 7)])
    assert slow.queue.qsize() == 2 and slow.take_overflow() and not slow.take_overflow()
    assert fast.queue.qsize() == 2 and fast.take_overflow()


async def test_resync_wakes_every_subscriber_once() -> None:
    hub = StatusHub()
    a = hub.subscribe(job_ids=["a", "b"])
    wide = hub.subscribe()
    hub.resync()
    for sub in (a, wide):
        assert sub.queue.qsize() == 1 and (await sub.get()).is_resync and sub.take_overflow()


def test_unsubscribe_removes_every_index_entry() -> None:
    hub = StatusHub()
    sub = hub.subscribe(job_ids=["a", "b"])
    hub.subscribe()
    hub.unsubscribe(sub)
    assert hub.subscriber_count == 1


def test_payloads_stay_under_the_notify_limit_and_round_trip() -> None:
    updates = [
        _update(f"job-with-a-long-name-{i:05d}-0123abcd", i, ns="team-" * 10) for i in range(1, 800)
    ]
    payloads = encode_payloads(updates)
    assert len(payloads) > 1
    assert all(len(p.encode()) < MAX_PAYLOAD_BYTES < 8000 for p in payloads)
    decoded = [entry for p in payloads for entry in decode_payload(p)]
    assert [(e[0], e[2], e[3]) for e in decoded] == [
        (u.job_id, u.sequence, u.phase) for u in updates
    ]
    assert json.loads(payloads[0])[0][4] == 0


def test_dsn_and_channel() -> None:
    assert asyncpg_dsn("postgres://u:p@h:5432/db?minsize=1&sslmode=require") == (
        "postgresql://u:p@h:5432/db?sslmode=require"
    )
    assert channel_for("Test-1") == "ml_platform_status_test_1"
