"""Archiving the pod logs of finished jobs into PostgreSQL (table job_logs).

Members tear pods down after a job ends (KubeRay deletes the RayCluster after its TTL;
retention deletes the workload; a member may disappear), so once a job reaches a terminal
phase its logs are copied, bounded to the newest ``max_lines`` lines per container, and
reads fall back to them. Runs on the leader, next to the poller.

Archives are kept per attempt (issue 19): a finished job's are its current attempt's; an
earlier attempt's are taken by the recovery that replaces it (``archive_attempt``, called by
the submitter before it deletes that attempt's objects), so no attempt's archive replaces
another's.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app.db import pg_writes
from app.db.history import utcnow
from app.db.models import JobAttempt, JobLog, TrainingJob
from app.jobstate.phases import TERMINAL_PHASES
from app.operations.logs import MemberUnreachable, PodLog, PodLogReader

log = logging.getLogger(__name__)

TERMINAL_VALUES = [p.value for p in TERMINAL_PHASES]


class LogArchiver:
    def __init__(
        self,
        reader: PodLogReader,
        *,
        max_lines: int,
        give_up_seconds: float,
        batch: int = 50,
        concurrency: int = 8,
    ) -> None:
        self.reader = reader
        self.concurrency = concurrency
        self.max_lines = max_lines
        self.give_up_seconds = give_up_seconds
        self.batch = batch

    async def pending(self) -> list[TrainingJob]:
        """Finished jobs whose logs are not archived yet (oldest first, one batch)."""
        rows: list[TrainingJob] = (
            await TrainingJob.filter(
                status__in=TERMINAL_VALUES,
                logs_archived_at__isnull=True,
                workload_deleted_at__isnull=True,
            )
            .order_by("updated_at")
            .limit(self.batch)
        )
        return rows

    async def tick(self) -> int:
        """Archive one batch, ``concurrency`` jobs at a time; the number archived (or given
        up on). One at a time, archiving (two Karmada reads per job) fell behind jobs
        finishing at ~12/s, and every job not archived keeps its workload (retention waits
        for the archive), so the watch caches and the members grew with the backlog."""
        jobs = await self.pending()
        gate = asyncio.Semaphore(self.concurrency)

        async def archive(job: TrainingJob) -> bool:
            async with gate:
                return await self.archive_job(job)

        done = 0
        results = await asyncio.gather(*map(archive, jobs), return_exceptions=True)
        for job, result in zip(jobs, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                log.error("job %s: logs not archived", job.id, exc_info=result)
            elif result:
                done += 1
        return done

    async def archive_job(self, job: TrainingJob) -> bool:
        """Copy the job's logs; True once recorded (also when giving up on a lost member)."""
        try:
            pods = await self.reader.find_pods(job)
            logs = await self.reader.read(pods, tail_lines=self.max_lines)
        except MemberUnreachable as exc:
            ended = job.completion_time or job.updated_at
            if utcnow() - ended < timedelta(seconds=self.give_up_seconds):
                log.info("job %s: logs not archived yet: %s", job.id, exc)
                return False
            log.warning("job %s: %s for %.0fs; no logs archived", job.id, exc,
                        self.give_up_seconds)
            logs = []
        await store_logs(job, logs)
        return True

    async def archive_attempt(self, job: TrainingJob, attempt: JobAttempt) -> bool:
        """Copy the logs of an ended attempt (before a recovery deletes its objects) from the
        cluster it ran on; True once recorded. Never raises for a member that does not
        answer: the recovery goes on (False; a later call tries again while the attempt's
        objects remain)."""
        if attempt.logs_archived_at is not None:
            return True
        clusters = [attempt.cluster] if attempt.cluster else []
        try:
            pods = await self.reader.find_pods(job, attempt=attempt.number, clusters=clusters)
            logs = await self.reader.read(pods, tail_lines=self.max_lines)
        except MemberUnreachable as exc:
            log.info("job %s: logs of attempt %d not archived: %s", job.id, attempt.number, exc)
            return False
        now = utcnow()
        db = pg_writes.postgres_client(JobLog)
        if db is not None:
            await pg_writes.store_logs(
                db, job.id, attempt.number, _rows(logs), now, "attempt", attempt.id
            )
        else:
            async with in_transaction():
                await _replace_logs(job.id, attempt.number, logs, now)
                await JobAttempt.filter(id=attempt.id).update(logs_archived_at=now)
        attempt.logs_archived_at = now
        return True


def _rows(logs: list[PodLog]) -> list[pg_writes.LogRow]:
    return [
        (item.cluster, item.pod, item.container, item.text, item.line_count, item.truncated)
        for item in logs
    ]


async def _replace_logs(job_id: str, attempt: int, logs: list[PodLog], now: datetime) -> None:
    """Write (replace) one attempt's archived logs; call inside a transaction."""
    # One SELECT, at most one DELETE and one INSERT, whatever the container count
    # (update_or_create took a savepoint and 3-4 statements per container: a third of
    # the server's CPU per job under load, docs/benchmarks.md).
    keys = {(item.cluster, item.pod, item.container) for item in logs}
    existing = await JobLog.filter(job_id=job_id, attempt=attempt).values_list(
        "id", "cluster", "pod", "container"
    )
    replaced = [row[0] for row in existing if (row[1], row[2], row[3]) in keys]
    if replaced:
        await JobLog.filter(id__in=replaced).delete()
    if logs:
        await JobLog.bulk_create(
            [
                JobLog(
                    job_id=job_id,
                    attempt=attempt,
                    cluster=item.cluster,
                    pod=item.pod,
                    container=item.container,
                    content=item.text,
                    line_count=item.line_count,
                    truncated=item.truncated,
                    archived_at=now,
                )
                for item in logs
            ]
        )


async def store_logs(job: TrainingJob, logs: list[PodLog]) -> None:
    """Write (replace) the current attempt's archived logs and mark the job archived, in one
    transaction (earlier attempts' archives are left as they are); on PostgreSQL in one
    statement (app.db.pg_writes)."""
    now = utcnow()
    db = pg_writes.postgres_client(JobLog)
    if db is not None:
        await pg_writes.store_logs(db, job.id, job.attempt, _rows(logs), now, "job", job.id)
    else:
        async with in_transaction():
            await _replace_logs(job.id, job.attempt, logs, now)
            await TrainingJob.filter(id=job.id).update(logs_archived_at=now)
    job.logs_archived_at = now


async def archived_logs(job_id: str, attempt: int, pod: str | None = None) -> list[PodLog]:
    """The archived logs of one attempt of a job (optionally one pod), ordered by cluster
    and pod."""
    query = JobLog.filter(job_id=job_id, attempt=attempt)
    if pod is not None:
        query = query.filter(pod=pod)
    rows = await query.order_by("cluster", "pod", "container")
    return [
        PodLog(r.cluster, r.pod, r.container, r.content, r.line_count, r.truncated)
        for r in rows
    ]
