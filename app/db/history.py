"""Recording job transitions: the row's new state and its job_events entry, together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DoesNotExist
from tortoise.transactions import in_transaction

from app._compat.tortoise_queries import model_meta
from app.db import pg_writes
from app.db.models import JobEvent, TrainingJob
from app.jobstate.phases import Phase, Reason
from app.jobstate.updates import JobUpdate


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
    #: A user's action (or the creating request): applied even if the row moved meanwhile.
    #: Observations (poller, reconciler) are not forced and are dropped when stale.
    forced: bool = False

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

    Each write is a compare-and-set on the row's ``last_sequence``: a change decided from a
    stale view of the job (someone else recorded a transition meanwhile) is dropped, unless
    it is ``forced`` (a user's action), which is then re-applied to the fresh row. So two
    writers never both take the same sequence number, and an observer (the poller) never
    overwrites a newer decision. Returns the updates to publish, after the commit.

    On PostgreSQL each change is one statement (app.db.pg_writes), and a single change
    needs no transaction around it.
    """
    changes = list(changes)
    now = utcnow()
    db = model_meta(TrainingJob).db
    if isinstance(db, AsyncpgDBClient):
        if len(changes) == 1:
            return _published(await _apply_on_postgres(db, changes[0], now))
        async with in_transaction() as transaction:
            return [
                update
                for change in changes
                if (update := await _apply_on_postgres(transaction, change, now)) is not None
            ]
    updates: list[JobUpdate] = []
    events: list[JobEvent] = []
    async with in_transaction():
        for change in changes:
            update = await _apply_one(change, now, events)
            if update is not None:
                updates.append(update)
        if events:
            # One INSERT for the tick's events (a tick may record hundreds of transitions).
            await JobEvent.bulk_create(events)
    return updates


def _published(update: JobUpdate | None) -> list[JobUpdate]:
    return [] if update is None else [update]


def _values(change: Change, now: datetime, sequence: int) -> dict[str, Any]:
    return {
        **change.fields,
        "status": change.phase.value,
        "reason": change.reason.value,
        "message": change.message,
        "updated_at": now,
        "last_sequence": sequence,
    }


async def _apply_on_postgres(
    db: BaseDBAsyncClient, change: Change, now: datetime
) -> JobUpdate | None:
    """``_apply_one``'s compare-and-set, the event written by the same statement."""
    job = change.job
    for _attempt in range(3):
        transition = change.is_transition
        previous_status = job.status
        observed = job.last_sequence
        values = _values(change, now, observed + 1 if transition else observed)
        event = (previous_status or None, change.cluster, change.actor) if transition else None
        if await pg_writes.write_transition(db, job.id, observed, values, event):
            for name, value in values.items():
                setattr(job, name, value)
            return update_of(job) if transition else None
        if not change.forced:
            return None
        try:
            await job.refresh_from_db(using_db=db)
        except DoesNotExist:
            return None
    raise RuntimeError(f"job {job.id}: could not record a transition (concurrent writers)")


async def _apply_one(change: Change, now: datetime, events: list[JobEvent]) -> JobUpdate | None:
    job = change.job
    for _attempt in range(3):
        transition = change.is_transition
        previous_status = job.status
        observed = job.last_sequence
        sequence = observed + 1 if transition else observed
        values = _values(change, now, sequence)
        written = await TrainingJob.filter(id=job.id, last_sequence=observed).update(**values)
        if written:
            for name, value in values.items():
                setattr(job, name, value)
            if not transition:
                return None
            events.append(
                JobEvent(
                    job_id=job.id,
                    sequence=sequence,
                    at=now,
                    from_status=previous_status or None,
                    to_status=job.status,
                    reason=job.reason,
                    message=job.message,
                    cluster=change.cluster,
                    actor=change.actor,
                )
            )
            return update_of(job)
        if not change.forced:
            return None  # decided on a stale view; the next observation decides again
        try:
            await job.refresh_from_db()
        except DoesNotExist:
            return None
    raise RuntimeError(f"job {job.id}: could not record a transition (concurrent writers)")


async def create_job_row(job: TrainingJob, *, actor: str | None) -> JobUpdate:
    """Insert a new job together with its first event (sequence 1)."""
    job.last_sequence = 1
    db = model_meta(TrainingJob).db
    if isinstance(db, AsyncpgDBClient) and pg_writes.insertable(job):
        await pg_writes.insert_job(db, job, actor)
        return update_of(job)
    async with in_transaction():
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
