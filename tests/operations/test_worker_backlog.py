"""The operations worker keeps up with a backlog (issue 17's soak: archiving one job at a time
and then waiting a period fell behind jobs ending at ~12/s, and every job not archived kept
its workload, so the server's watch caches and the members grew for the whole soak).

The archiver's Karmada reads are replaced here (their own tests are the logs e2e tests);
the worker's other steps run for real on PostgreSQL, with nothing to do."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest

from app.db.models import TrainingJob
from app.db.session import database
from app.operations.archive import LogArchiver
from app.operations.worker import OperationsWorker
from app.settings import OperationsSettings
from tests.support.eventually import eventually


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[str]:
    async with database(pg_url, apply_migrations=True):
        yield pg_url


class Job:
    def __init__(self, job_id: str) -> None:
        self.id = job_id


class ScriptedArchiver(LogArchiver):
    """``pending`` answers the scripted batches in turn; ``archive_job`` records overlap."""

    def __init__(self, batches: list[list[str]], *, batch: int, fail: set[str] = frozenset(),
                 concurrency: int = 4) -> None:
        super().__init__(cast(Any, None), max_lines=10, give_up_seconds=0, batch=batch,
                         concurrency=concurrency)
        self.batches = batches
        self.fail = fail
        self.ticks = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.archived: list[str] = []

    async def pending(self) -> list[TrainingJob]:
        self.ticks += 1
        ids = self.batches.pop(0) if self.batches else []
        return cast(list[TrainingJob], [Job(i) for i in ids])

    async def archive_job(self, job: TrainingJob) -> bool:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let the others of the chunk start
            if job.id in self.fail:
                raise RuntimeError(f"reading {job.id} broke")
            self.archived.append(job.id)
            return True
        finally:
            self.in_flight -= 1


async def test_tick_archives_a_few_at_a_time_and_one_failure_spares_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = [f"j{n}" for n in range(10)]
    archiver = ScriptedArchiver([ids], batch=10, fail={"j3"}, concurrency=4)
    with caplog.at_level(logging.ERROR):
        done = await archiver.tick()
    assert done == 9
    assert sorted(archiver.archived) == sorted(set(ids) - {"j3"})
    assert archiver.most_in_flight == 4
    assert [r.getMessage() for r in caplog.records] == ["job j3: logs not archived"]


async def test_a_full_batch_runs_the_next_pass_at_once(db: str) -> None:
    # Three batches of 2 (two full, then a short one), then nothing. The period is an hour:
    # reaching the third pass at all means no wait followed a full batch.
    archiver = ScriptedArchiver([["a", "b"], ["c", "d"], ["e"]], batch=2)
    settings = OperationsSettings(operations_interval_seconds=3600.0)
    worker = OperationsWorker(cast(Any, None), cast(Any, None), archiver, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await eventually(lambda: worker.passes >= 3, timeout=20, what="three passes")
        # The short batch ended the backlog: the worker now waits its period.
        assert archiver.archived == ["a", "b", "c", "d", "e"]
        assert archiver.ticks == 3 and worker.passes == 3
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
