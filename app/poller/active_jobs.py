"""The poller's in-memory set of active jobs, refreshed from the database by delta.

Reading every active row every second is O(active jobs) of ORM work per tick; instead the
set is loaded once (on becoming leader, and again every ``full_reload_seconds`` to heal),
and each tick reads only rows whose ``updated_at`` moved since the previous read (new jobs,
stop/delete requests from any replica). The overlap ``margin_seconds`` covers transactions
that committed late and small clock differences between replicas.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db.models import TrainingJob
from app.jobstate.phases import Phase

ACTIVE_PHASES = (Phase.PENDING, Phase.RUNNING, Phase.STOPPING, Phase.DELETING)
ACTIVE_VALUES = frozenset(p.value for p in ACTIVE_PHASES)


class ActiveJobs:
    def __init__(self, *, full_reload_seconds: float = 300.0, margin_seconds: float = 5.0) -> None:
        self.jobs: dict[str, TrainingJob] = {}
        self.full_reload_seconds = full_reload_seconds
        self.margin = timedelta(seconds=margin_seconds)
        self._watermark: datetime | None = None
        self._loaded_at: datetime | None = None

    def __len__(self) -> int:
        return len(self.jobs)

    async def refresh(self, now: datetime) -> set[str]:
        """Bring the set up to date; return the ids of jobs that are new or changed in the DB."""
        fresh: set[str] = set()
        full = (
            self._loaded_at is None
            or self._watermark is None
            or (now - self._loaded_at).total_seconds() >= self.full_reload_seconds
        )
        if full:
            rows = await TrainingJob.filter(status__in=list(ACTIVE_VALUES)).all()
            self.jobs = {row.id: row for row in rows}
            self._loaded_at = now
            fresh.update(self.jobs)
        else:
            assert self._watermark is not None
            # Cheap tuples first: most rows touched recently are the poller's own writes,
            # already in memory; only rows that differ are loaded as full objects.
            recent = await TrainingJob.filter(
                updated_at__gte=self._watermark - self.margin
            ).values_list("id", "status", "last_sequence", "updated_at")
            load: list[str] = []
            for job_id, status, sequence, updated_at in recent:
                known = self.jobs.get(job_id)
                if status not in ACTIVE_VALUES:
                    self.jobs.pop(job_id, None)
                elif known is None or (known.last_sequence, known.updated_at, known.status) != (
                    sequence,
                    updated_at,
                    status,
                ):
                    load.append(job_id)
            if load:
                for row in await TrainingJob.filter(id__in=load):
                    if row.status in ACTIVE_VALUES:
                        self.jobs[row.id] = row
                        fresh.add(row.id)
        self._watermark = now
        return fresh

    def forget(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)

    def settle(self) -> None:
        """Drop jobs that reached a terminal phase (they leave the active set)."""
        for job_id in [j for j, row in self.jobs.items() if row.status not in ACTIVE_VALUES]:
            del self.jobs[job_id]

    def reset(self) -> None:
        """Forget everything: the next refresh loads the whole set (new leader term)."""
        self.jobs.clear()
        self._watermark = None
        self._loaded_at = None
