"""Recording job transitions: the row's new state and its job_events entry, together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DoesNotExist
from tortoise.transactions import in_transaction

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
    if not changes:
        return []  # most poller ticks: no BEGIN/COMMIT for nothing
    now = utcnow()
    db = pg_writes.postgres_client(TrainingJob)
    if db is not None and len(changes) == 1:
        update = await _apply_one(changes[0], now, partial(pg_writes.write_transition, db), db)
        return [] if update is None else [update]
    updates: list[JobUpdate] = []
    events: list[JobEvent] = []
    async with in_transaction() as transaction:
        write: WriteTransition = _tortoise_write(events)
        using: BaseDBAsyncClient | None = None
        if db is not None:
            write, using = partial(pg_writes.write_transition, transaction), transaction
        for change in changes:
            update = await _apply_one(change, now, write, using)
            if update is not None:
                updates.append(update)
        if events:
            # One INSERT for the tick's events (a tick may record hundreds of transitions).
            await JobEvent.bulk_create(events)
    return updates


#: Writes ``values`` on a job if its last_sequence is still the observed one, with the
#: transition's event when given; True when the row was written.
WriteTransition = Callable[
    [str, int, dict[str, Any], pg_writes.EventSource | None], Awaitable[bool]
]


def _tortoise_write(events: list[JobEvent]) -> WriteTransition:
    """Tortoise's UPDATE; the events are collected for one INSERT after the last change."""

    async def write(
        job_id: str, observed: int, values: dict[str, Any], event: pg_writes.EventSource | None
    ) -> bool:
        written = await TrainingJob.filter(id=job_id, last_sequence=observed).update(**values)
        if written and event is not None:
            from_status, cluster, actor = event
            events.append(
                JobEvent(
                    job_id=job_id,
                    sequence=values["last_sequence"],
                    at=values["updated_at"],
                    from_status=from_status,
                    to_status=values["status"],
                    reason=values["reason"],
                    message=values["message"],
                    cluster=cluster,
                    actor=actor,
                )
            )
        return bool(written)

    return write


async def _apply_one(
    change: Change, now: datetime, write: WriteTransition, using: BaseDBAsyncClient | None
) -> JobUpdate | None:
    job = change.job
    for _attempt in range(3):
        transition = change.is_transition
        observed = job.last_sequence
        values: dict[str, Any] = {
            **change.fields,
            "status": change.phase.value,
            "reason": change.reason.value,
            "message": change.message,
            "updated_at": now,
            "last_sequence": observed + 1 if transition else observed,
        }
        event = (job.status or None, change.cluster, change.actor) if transition else None
        if await write(job.id, observed, values, event):
            for name, value in values.items():
                setattr(job, name, value)
            return update_of(job) if transition else None
        if not change.forced:
            return None  # decided on a stale view; the next observation decides again
        try:
            await job.refresh_from_db(using_db=using)
        except DoesNotExist:
            return None
    raise RuntimeError(f"job {job.id}: could not record a transition (concurrent writers)")


async def create_job_row(job: TrainingJob, *, actor: str | None) -> JobUpdate:
    """Insert a new job together with its first event (sequence 1)."""
    job.last_sequence = 1
    db = pg_writes.postgres_client(TrainingJob)
    if db is not None and pg_writes.insertable(job):
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
