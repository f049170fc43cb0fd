"""Recording job transitions: the row's new state and its job_events entry, together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from app.db.models import JobEvent, TrainingJob
from app.phases import Phase, Reason
from app.pubsub import JobUpdate


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Change:
    """What to change on one job: phase/reason/message plus any other row fields."""

    job: TrainingJob
    phase: Phase
    reason: Reason
    message: str = ""
    cluster: str | None = None
    actor: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def is_transition(self) -> bool:
        return (self.job.status, self.job.reason) != (self.phase.value, self.reason.value)


def update_of(job: TrainingJob, *, deleted: bool = False) -> JobUpdate:
    return JobUpdate(
        job_id=job.id,
        namespace=job.namespace,
        sequence=job.last_sequence,
        phase=job.status,
        reason=job.reason,
        message=job.message,
        at=job.updated_at,
        deleted=deleted,
    )


async def apply_changes(changes: Iterable[Change]) -> list[JobUpdate]:
    """Write every change (row + event when phase or reason moved) in one transaction.

    Returns the updates to publish, after the commit.
    """
    updates: list[JobUpdate] = []
    now = utcnow()
    async with in_transaction():
        for change in changes:
            job = change.job
            transition = change.is_transition
            previous = job.status
            for name, value in change.fields.items():
                setattr(job, name, value)
            job.status = change.phase.value
            job.reason = change.reason.value
            job.message = change.message
            job.updated_at = now
            if transition:
                job.last_sequence += 1
                await JobEvent.create(
                    job_id=job.id,
                    sequence=job.last_sequence,
                    at=now,
                    from_status=previous or None,
                    to_status=job.status,
                    reason=job.reason,
                    message=job.message,
                    cluster=change.cluster,
                    actor=change.actor,
                )
            await job.save()
            if transition:
                updates.append(update_of(job))
    return updates


async def create_job_row(job: TrainingJob, *, actor: str | None) -> JobUpdate:
    """Insert a new job together with its first event (sequence 1)."""
    async with in_transaction():
        job.last_sequence = 1
        await job.save(force_create=True)
        await JobEvent.create(
            job_id=job.id,
            sequence=1,
            at=job.created_at,
            from_status=None,
            to_status=job.status,
            reason=job.reason,
            message=job.message,
            actor=actor,
        )
    return update_of(job)
