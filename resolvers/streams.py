"""Status streams: the current state first, then every transition, in order, exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from app.db.models import JobEvent, TrainingJob
from app.phases import Phase
from app.pubsub import JobUpdate
from resolvers.context import Context
from resolvers import authz
from resolvers.errors import JobNotFound


@dataclass(frozen=True)
class JobState:
    job_id: str
    phase: Phase
    reason: str
    message: str
    sequence: int
    at: datetime
    deleted: bool = False

    @property
    def is_final(self) -> bool:
        return self.deleted or self.phase.is_terminal


def _state_of_row(job: TrainingJob) -> JobState:
    return JobState(
        job.id, Phase(job.status), job.reason, job.message, job.last_sequence, job.updated_at
    )


def _state_of_event(event: JobEvent, job_id: str) -> JobState:
    return JobState(
        job_id, Phase(event.to_status), event.reason, event.message, event.sequence, event.at
    )


def _state_of_update(update: JobUpdate) -> JobState:
    return JobState(
        update.job_id,
        Phase(update.phase),
        update.reason,
        update.message,
        update.sequence,
        update.at,
        update.deleted,
    )


async def job_status_stream(ctx: Context, job_id: str) -> AsyncIterator[JobState]:
    """Yield the job's current state, then each transition; end after a final state."""
    hub = ctx.hub
    # Subscribe before reading the row so nothing between the read and the subscription is lost.
    authz.require_authenticated(ctx)
    subscription = hub.subscribe(job_ids=[job_id])
    try:
        job = await TrainingJob.get_or_none(id=job_id)
        if job is None or not authz.can_read(ctx, job.namespace):
            raise JobNotFound(job_id)
        last = _state_of_row(job)
        yield last
        if last.is_final:
            return
        while True:
            update = await subscription.get()
            if subscription.take_overflow() or update.sequence > last.sequence + 1:
                # Updates were coalesced or dropped: the history has every transition.
                events = await JobEvent.filter(job_id=job_id, sequence__gt=last.sequence).order_by(
                    "sequence"
                )
                for event in events:
                    last = _state_of_event(event, job_id)
                    yield last
                    if last.is_final:
                        return
            if update.deleted:
                yield _state_of_update(update)
                return
            if update.sequence <= last.sequence:
                continue  # already delivered (from the history or the first state)
            last = _state_of_update(update)
            yield last
            if last.is_final:
                return
    finally:
        hub.unsubscribe(subscription)
