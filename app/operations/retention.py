"""Retention: removing finished jobs' objects from Karmada, and purging old job rows.

After a terminal phase, once the logs are archived and ``WORKLOAD_RETENTION_SECONDS`` has
passed, the workload, its PropagationPolicy and the PVC we created are deleted from
Karmada (the row and its history stay). Without this every list the poller reads, and
every member, grows with every job ever run.

Purging (``mlplatform purge --older-than 90d``, or periodically) removes terminal rows
older than a cutoff together with their events and archived logs (ON DELETE CASCADE).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta

from app.db.history import utcnow
from app.db.models import JobEvent, JobLog, TrainingJob
from app.jobstate.phases import TERMINAL_PHASES
from app.karmada import KarmadaError
from app.submission.submitter import JobSubmitter

log = logging.getLogger(__name__)

TERMINAL_VALUES = [p.value for p in TERMINAL_PHASES]
#: Jobs whose objects one retention pass removes at most.
EXPIRE_BATCH = 50
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s``, ``2w`` -> timedelta; ValueError otherwise (pure)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration like 90d, 12h, 30m: {text!r}")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


async def expired_jobs(
    retention_seconds: float, now: datetime, limit: int = EXPIRE_BATCH
) -> list[TrainingJob]:
    """Finished, archived jobs whose workload outlived the retention period (oldest first)."""
    cutoff = now - timedelta(seconds=retention_seconds)
    rows: list[TrainingJob] = (
        await TrainingJob.filter(
            status__in=TERMINAL_VALUES,
            logs_archived_at__isnull=False,
            workload_deleted_at__isnull=True,
            updated_at__lte=cutoff,
        )
        .order_by("updated_at")
        .limit(limit)
    )
    return rows


async def expire_workloads(
    submitter: JobSubmitter,
    retention_seconds: float,
    now: datetime | None = None,
    *,
    concurrency: int = 4,
) -> int:
    """Delete the Karmada objects of expired jobs; the number fully removed."""
    now = now or utcnow()

    async def expire(job: TrainingJob) -> bool:
        try:
            gone = await submitter.delete_objects(job)
        except KarmadaError as exc:
            log.warning("job %s: retention deletion not finished: %s", job.id, exc)
            return False
        if gone:
            await TrainingJob.filter(id=job.id).update(workload_deleted_at=utcnow())
            log.info("job %s: workload removed after retention", job.id)
        return gone

    removed = 0
    jobs = await expired_jobs(retention_seconds, now)
    # A few jobs at a time (each is 2-3 DELETEs): one by one fell behind jobs ending at ~12/s.
    for start in range(0, len(jobs), concurrency):
        removed += sum(await asyncio.gather(*map(expire, jobs[start : start + concurrency])))
    return removed


async def purge_jobs(older_than: timedelta, now: datetime | None = None) -> int:
    """Remove terminal jobs last updated before ``now - older_than``, with their history.

    Only jobs whose workload is gone from Karmada (retention ran, or it never existed)
    are removed, so no object is left without its row.
    """
    cutoff = (now or utcnow()) - older_than
    ids = await TrainingJob.filter(
        status__in=TERMINAL_VALUES, updated_at__lt=cutoff
    ).filter(workload_deleted_at__isnull=False).values_list("id", flat=True)
    never_submitted = await TrainingJob.filter(
        status__in=TERMINAL_VALUES,
        updated_at__lt=cutoff,
        workload_deleted_at__isnull=True,
        reason="SubmissionFailed",
    ).values_list("id", flat=True)
    doomed = [str(i) for i in [*ids, *never_submitted]]
    if not doomed:
        return 0
    # Explicit child deletes: cascades are declared, but this keeps SQLite (no FK pragma) exact.
    await JobLog.filter(job_id__in=doomed).delete()
    await JobEvent.filter(job_id__in=doomed).delete()
    count: int = await TrainingJob.filter(id__in=doomed).delete()
    log.info("purged %d job(s) older than %s", count, older_than)
    return count
