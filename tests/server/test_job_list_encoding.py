"""The fast REST list encoder writes exactly the bytes of today's ``JSONResponse`` body.

Rows are written through the model (as the server writes them) on PostgreSQL and SQLite,
then the raw read + encoder is compared, byte for byte, with ``job_response`` through
Starlette's ``JSONResponse`` over the model read of the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import JSONResponse

from app.db import job_list, jobs
from app.db.jobs import JobFilter
from app.db.models import TrainingJob
from app.db.session import database
from app.jobstate.phases import Phase
from app.server.job_list import JobListCache, ListEncoder, render, rest_time
from app.server.rest import job_response, rfc3339

BASE = datetime(2026, 12, 2, 13, 44, 6, 123456, tzinfo=UTC)

REQUESTS: list[dict[str, Any]] = [
    {},
    {"jobName": "ünïcødé-名前", "hyperparameters": {"xgboost": {"eta": 0.3, "lr": 1e-05}}},
    {
        "hyperparameters": {
            "nested": {"a": [1, 2.5, None, True, False, {"b": "c\n\"q\"\\"}], "big": 2**53},
            "floats": [1e16, 1.5e-07, 123456789.123, -0.0, 0.1],
            "keys": {"zz": 1, "a": 2, "émoji": "🚀", "ctl": "\x01\x1f\x7f\u2028"},
        },
        "customHyperparameters": {},
        "targetClusters": ["member1"],
    },
    {"empty": {"list": [], "dict": {}, "str": ""}, "null": None},
]


def _row(index: int, phase: Phase) -> TrainingJob:
    created = BASE - timedelta(minutes=index, microseconds=index * 7919)
    return TrainingJob(
        id=f"enc-{index:04d}",
        job_name=["plain", "ünï-名前-🚀", 'quo"te\\back', "tab\tnew\nline"][index % 4],
        namespace=["default", "team-a", "tëam-b"][index % 3],
        algorithm="xgboost",
        priority=[0, 500, -3, 1000][index % 4],
        request_payload=REQUESTS[index % len(REQUESTS)],
        target_clusters=[],
        kind="RayJob",
        api_version="ray.io/v1",
        object_name=f"j-enc-{index:04d}",
        status=phase.value,
        reason="Scheduling",
        message=["", "ünï message", "line1\nline2 \"x\"", "\x01 ctl \u2029"][index % 4],
        # Microseconds everywhere; a non-UTC zone on input must come out as UTC.
        created_at=created,
        updated_at=(created + timedelta(seconds=index, microseconds=999)).astimezone(
            timezone(timedelta(hours=-5))
        ),
    )


async def _compare() -> None:
    shared = ListEncoder(generation_size=7)  # turns over while it serves every case
    for i, phase in enumerate(list(Phase) * 3):
        await _row(i, phase).save()
    cases: list[tuple[JobFilter | None, Any, int | None, int]] = [
        (None, None, None, 0),
        (None, {"team-a"}, None, 0),
        (JobFilter(namespace="default"), None, 5, 2),
        (JobFilter(phases=[Phase.RUNNING, Phase.FAILED]), None, None, 0),
        (None, set(), None, 0),
        (None, None, 3, 1000),
    ]
    for job_filter, visible, limit, offset in cases:
        models = await jobs.listing(job_filter, visible, limit=limit, offset=offset)
        today = JSONResponse([job_response(j) for j in models]).body
        raw = await job_list.rows(job_filter, visible, limit=limit, offset=offset)
        assert await render(raw, fresh := ListEncoder()) == today, (job_filter, visible)
        # Requests already encoded are reused, not read again: the same bytes.
        assert await render(raw, fresh) == today
        assert await render(raw, shared) == today


async def test_bytes_equal_todays_body_on_postgres(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        await _compare()


async def test_bytes_equal_todays_body_on_sqlite(tmp_path: Path) -> None:
    async with database(f"sqlite://{tmp_path}/list.db", apply_migrations=True):
        await _compare()


def test_rest_time_is_rfc3339_truncated_to_milliseconds() -> None:
    for value in (
        BASE,
        BASE.replace(microsecond=999999),
        BASE.replace(microsecond=0),
        BASE.replace(year=999),
        BASE.astimezone(timezone(timedelta(hours=5, minutes=30))),
    ):
        assert rest_time(value) == rfc3339(value)


async def test_requests_are_read_once_and_memory_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database(f"sqlite://{tmp_path}/frag.db", apply_migrations=True):
        for i in range(6):
            await _row(i, Phase.RUNNING).save()
        reads: list[int] = []
        original = job_list.request_texts

        async def counting(ids: Any) -> Any:
            reads.append(len(ids))
            return await original(ids)

        monkeypatch.setattr(job_list, "request_texts", counting)
        fragments = ListEncoder(generation_size=4)
        rows = await job_list.rows(None, None, limit=None, offset=0)
        first = await render(rows, fragments)
        assert reads == [6]
        assert (await render(rows[:3], fragments))[:-1] in first  # a slice of the same answer
        assert reads == [6]  # nothing read again
        assert len(fragments.rows) <= 8
        assert len(fragments.requests.fragments) <= 8
        # A job deleted between the two reads is left out, not an error.
        await TrainingJob.filter(id="enc-0001").delete()
        assert b"enc-0001" not in await render(rows, ListEncoder())


async def test_concurrent_pollers_share_one_build_and_a_change_forces_the_next(
    tmp_path: Path,
) -> None:
    async with database(f"sqlite://{tmp_path}/cache.db", apply_migrations=True):
        await _row(1, Phase.RUNNING).save()
        cache = JobListCache(max_age_seconds=3600)
        fetches = 0

        async def fetch() -> Any:
            nonlocal fetches
            fetches += 1
            return await job_list.rows(None, None, limit=None, offset=0)

        import asyncio

        answers = await asyncio.gather(*(cache.get("k", fetch) for _ in range(20)))
        assert fetches == 1 and len({id(a) for a in answers}) == 1
        assert (await cache.get("k", fetch)) is answers[0]

        await _row(2, Phase.PENDING).save()
        cache.invalidate()  # what the hub does on the publication of that insert
        changed = await cache.get("k", fetch)
        assert fetches == 2 and changed.etag != answers[0].etag
        assert b"enc-0002" in changed.body


async def test_unpublished_changes_are_seen_after_max_age(tmp_path: Path) -> None:
    """A write that publishes nothing (purge, another process) shows once the answer is
    older than max_age: the table fingerprint differs."""
    now = [0.0]
    async with database(f"sqlite://{tmp_path}/age.db", apply_migrations=True):
        await _row(1, Phase.RUNNING).save()
        cache = JobListCache(max_age_seconds=1.0, clock=lambda: now[0])

        async def fetch() -> Any:
            return await job_list.rows(None, None, limit=None, offset=0)

        first = await cache.get("k", fetch)
        short = await cache.get("short", fetch, fingerprinted=False)
        await TrainingJob.filter(id="enc-0001").delete()
        assert (await cache.get("k", fetch)) is first  # within max_age: the shared answer
        assert (await cache.get("short", fetch, fingerprinted=False)) is short
        now[0] = 1.5
        after = await cache.get("k", fetch)
        assert after.body == b"[]"
        assert (await cache.get("short", fetch, fingerprinted=False)).body == b"[]"  # re-read
        now[0] = 3.0
        assert (await cache.get("k", fetch)) is after  # fingerprint unchanged: kept


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip, deflate, br", True), ("br;q=1, gzip;q=0", False), ("identity", False), (None, False),
     ("GZIP;q=0.5", True)],
)
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    from app.server.job_list import accepts_gzip

    assert accepts_gzip(header) is expected


def test_a_published_update_coming_back_through_notify_is_not_a_second_change() -> None:
    from app.jobstate.updates import JobUpdate
    from app.live.hub import StatusHub

    hub = StatusHub()
    changes: list[int] = []
    hub.on_change(lambda: changes.append(1))
    relayed: list[list[JobUpdate]] = []
    hub.relay = relayed.append  # as the PostgreSQL bridge installs it
    update = JobUpdate("j-1", "default", 2, "RUNNING", "Running", "", BASE)
    hub.publish([update])
    assert changes == [1]  # the writer's replica: at once
    hub.deliver(relayed[0])  # the same update back through LISTEN
    assert changes == [1]
    hub.deliver([JobUpdate("j-1", "default", 3, "SUCCEEDED", "Completed", "", BASE)])
    assert changes == [1, 1]  # another replica's: a change
    hub.resync()
    assert changes == [1, 1, 1]


def test_row_cache_is_sized_by_the_largest_list_rendered() -> None:
    from app.server.job_list import TwoGenerations

    cache: TwoGenerations[int, int] = TwoGenerations(cap=50_000, floor=1024)
    cache.fit(50)  # the newest 50 jobs, polled while rows keep changing (a soak)
    for key in range(100_000):
        cache.put(key, key)
    assert len(cache) <= 2 * 1024
    cache.fit(10_000)  # a full list of 10,000 jobs: all of them stay
    for key in range(10_000):
        cache.put(-key - 1, key)
    assert all(cache.get(-key - 1) == key for key in range(10_000))
    cache.fit(10**9)
    assert cache.size == 50_000  # never above the cap
