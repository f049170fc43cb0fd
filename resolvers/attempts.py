"""A job's attempts (issue 19): the ended ones as job_attempts recorded them, the current one
as the job row shows it now (the row is the current attempt's record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db import jobs as job_rows
from app.db.models import JobAttempt
from app.jobstate.phases import Phase


@dataclass(frozen=True)
class AttemptView:
    number: int
    cluster: str | None
    phase: str
    reason: str
    message: str
    started_at: datetime | None
    ended_at: datetime | None


async def attempts_of(
    job_id: str,
    *,
    attempt: int,
    phase: str,
    reason: str,
    clusters: list[str],
    start_time: datetime | None,
    completion_time: datetime | None,
    created_at: datetime,
) -> list[AttemptView]:
    rows = await job_rows.attempts_of(job_id)
    return attempt_history(
        rows, attempt=attempt, phase=phase, reason=reason, clusters=clusters,
        start_time=start_time, completion_time=completion_time, created_at=created_at,
    )


def attempt_history(
    rows: list[JobAttempt],
    *,
    attempt: int,
    phase: str,
    reason: str,
    clusters: list[str],
    start_time: datetime | None,
    completion_time: datetime | None,
    created_at: datetime,
) -> list[AttemptView]:
    views = [
        AttemptView(r.number, r.cluster, r.phase, r.reason, r.message, r.started_at, r.ended_at)
        for r in rows
        if r.number < attempt
    ]
    current = next((r for r in rows if r.number == attempt), None)
    views.append(
        AttemptView(
            attempt,
            clusters[0] if clusters else None,
            phase,
            reason,
            "",
            current.started_at if current is not None else (start_time or created_at),
            completion_time if Phase(phase).is_terminal else None,
        )
    )
    return views
