"""The leader's operations worker: archive logs, finish stops, apply retention, purge.

One loop, one pass every ``OPERATIONS_INTERVAL_SECONDS``; each step is independent, so a
failing one (a member down, Karmada unreachable) never blocks the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta

from app.db.models import TrainingJob
from app.jobstate.phases import Phase
from app.karmada import KarmadaClient, KarmadaError
from app.operations.archive import LogArchiver
from app.operations.retention import EXPIRE_BATCH, expire_workloads, purge_jobs
from app.operations.stopping import stop_workload
from app.settings import OperationsSettings
from app.submission.submitter import JobSubmitter

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    archived: int = 0
    stops_sent: int = 0
    workloads_removed: int = 0
    purged: int = 0


class OperationsWorker:
    def __init__(
        self,
        karmada: KarmadaClient,
        submitter: JobSubmitter,
        archiver: LogArchiver,
        settings: OperationsSettings,
    ) -> None:
        self.karmada = karmada
        self.submitter = submitter
        self.archiver = archiver
        self.settings = settings
        self._last_purge: float | None = None
        #: Set after each pass (tests and health checks wait on it).
        self.passes = 0

    async def run(self, stop: asyncio.Event, is_leader: asyncio.Event | None = None) -> None:
        """Run passes until ``stop`` is set; only while ``is_leader`` is set, when given."""
        while not stop.is_set():
            backlog = False
            try:
                if is_leader is None or is_leader.is_set():
                    backlog = self._has_backlog(await self.run_pass())
            except Exception:
                log.exception("operations worker: pass failed")
            if backlog:
                # A full batch: more is waiting. Waiting a period between batches capped the
                # archive at 10 jobs/s, below what one replica finishes under load.
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.operations_interval_seconds)

    def _has_backlog(self, result: PassResult) -> bool:
        return result.archived >= self.archiver.batch or result.workloads_removed >= EXPIRE_BATCH

    async def run_pass(self) -> PassResult:
        result = PassResult()
        result.archived = await self._step("archive", self.archiver.tick())
        result.stops_sent = await self._step("stop retries", self.resend_stops())
        result.workloads_removed = await self._step(
            "retention",
            expire_workloads(self.submitter, self.settings.workload_retention_seconds),
        )
        result.purged = await self._step("purge", self._maybe_purge())
        self.passes += 1
        return result

    async def _step(self, name: str, work: Awaitable[int]) -> int:
        try:
            return await work
        except Exception:
            log.exception("operations worker: %s failed", name)
            return 0

    async def resend_stops(self) -> int:
        """Re-send the suspend of STOPPING jobs (the first attempt may have failed).

        A merge patch that changes nothing is a no-op on the API server, so this is safe.
        """
        sent = 0
        for job in await TrainingJob.filter(status=Phase.STOPPING.value).limit(100):
            try:
                await stop_workload(self.karmada, job)
                sent += 1
            except KarmadaError as exc:
                log.info("job %s: stop not delivered yet: %s", job.id, exc)
        return sent

    async def _maybe_purge(self) -> int:
        days = self.settings.purge_older_than_days
        if days is None:
            return 0
        now = asyncio.get_running_loop().time()
        if self._last_purge is not None and (
            now - self._last_purge < self.settings.purge_interval_seconds
        ):
            return 0
        self._last_purge = now
        return await purge_jobs(timedelta(days=days))
