"""Status streams: the current state first, then every transition, in order, exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import jobs as job_rows
from app.db.history import utcnow
from app.db.models import JobEvent, TrainingJob
from app.jobstate.phases import Phase, Reason
from app.jobstate.updates import JobUpdate
from app.live.hub import Subscription
from resolvers import authz
from resolvers.context import Context
from resolvers.errors import JobNotFound
from resolvers.jobs import is_plausible_job_id

#: The reason of a deletion the stream noticed itself (no row left to read one from): a
#: value of the closed list, which GraphQL serves as the JobReason enum.
_DELETED_REASON = Reason.DELETE_REQUESTED.value


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


#: A reason for a notification that arrived without one (app.live.pg_bridge sends none for a
#: deletion, or when the transition's event was purged): clients read reasons as an enum.
_REASON_OF_PHASE = {
    Phase.PENDING: Reason.SCHEDULING,
    Phase.RUNNING: Reason.RUNNING,
    Phase.SUCCEEDED: Reason.COMPLETED,
    Phase.FAILED: Reason.APP_FAILED,
    Phase.STOPPING: Reason.STOPPED_BY_USER,
    Phase.STOPPED: Reason.STOPPED_BY_USER,
    Phase.DELETING: Reason.DELETE_REQUESTED,
}


def state_of_update(update: JobUpdate) -> JobState:
    """The state a published update carries (the shared fan-out renders it too)."""
    phase = Phase(update.phase)
    reason = update.reason or (
        _DELETED_REASON if update.deleted else _REASON_OF_PHASE[phase].value
    )
    return JobState(
        update.job_id,
        phase,
        reason,
        update.message,
        update.sequence,
        update.at,
        update.deleted,
    )


async def job_status_stream(
    ctx: Context, job_id: str, after_sequence: int | None = None, *, shared: bool = False
) -> AsyncIterator[JobState]:
    """Yield the job's current state, then each transition; end after a final state.

    With ``after_sequence`` (a client resuming, or one that wants the whole history), the
    recorded transitions after that sequence come first instead of the current state.

    With ``shared`` (the ``jobStatus`` field over a websocket), live transitions are handed
    to the transport's shared delivery (``resolvers.delivery``), which renders each once for
    every subscriber of the same document; this stream gets control back, and back-fills
    from the history, only when the transport could not deliver the next transition itself.
    """
    hub = ctx.hub
    authz.require_authenticated(ctx)
    fanout = ctx.services.fanout if shared else None
    delivery = fanout.for_current_operation() if fanout is not None else None
    resume = delivery.resume_point() if delivery is not None else None
    if resume is not None:
        # The transport restarts a stream it had taken over: go on after what it delivered.
        after_sequence = resume[0]
    # Subscribe before reading the row so nothing between the read and the subscription is lost.
    subscription: Subscription | None = hub.subscribe(job_ids=[job_id])
    try:
        job = await job_rows.get(job_id) if is_plausible_job_id(job_id) else None
        if job is None and resume is not None:
            # Deleted while handed off, and its notification was lost with the group.
            yield JobState(
                job_id, Phase(resume[1]), _DELETED_REASON, "", resume[0], utcnow(), deleted=True
            )
            return
        if job is None or not authz.can_read(ctx, job.namespace):
            raise JobNotFound(job_id)
        last = _state_of_row(job)
        del job  # a long-lived stream keeps only what it needs
        history = []
        if after_sequence is not None:
            history = await job_rows.events_after(job_id, after_sequence)
        for event in history:
            state = _state_of_event(event, job_id)
            yield state
            if state.is_final:
                return
        if history:
            last = _state_of_event(history[-1], job_id)
        elif resume is None:
            yield last
        del history
        if last.is_final:
            return
        while True:
            backfill = False
            assert subscription is not None
            if delivery is not None and subscription.is_idle():
                # Nothing pending of our own: the transport takes over (it subscribes before
                # its first await, so no update falls between the two subscriptions).
                hub.unsubscribe(subscription)
                subscription = None  # its queue is not kept alive while the transport delivers
                outcome = await delivery.take_over(job_id, last.sequence, last.phase.value)
                if outcome.detached:
                    return  # the transport delivers on, and restarts the stream if need be
                subscription = hub.subscribe(job_ids=[job_id])
                if outcome.last is not None:
                    last = state_of_update(outcome.last)
                if outcome.final:
                    return
                backfill = True
            update: JobUpdate | None = None
            if not backfill:
                update = await subscription.get()
                backfill = subscription.take_overflow() or update.sequence > last.sequence + 1
            if backfill:
                # Updates were coalesced, dropped or not ours to see: the history has them.
                events = await job_rows.events_after(job_id, last.sequence)
                for event in events:
                    last = _state_of_event(event, job_id)
                    yield last
                    if last.is_final:
                        return
                if not events and not await job_rows.exists(job_id):
                    # Deleted while our notifications were lost (its history went with it).
                    yield JobState(
                        job_id, last.phase, _DELETED_REASON, "", last.sequence, utcnow(),
                        deleted=True,
                    )
                    return
            if update is None:
                continue  # the back-fill was all there was
            if update.deleted:
                yield state_of_update(update)
                return
            if update.sequence <= last.sequence:
                continue  # already delivered (from the history or the first state)
            last = state_of_update(update)
            yield last
            if last.is_final:
                return
    finally:
        if subscription is not None:
            hub.unsubscribe(subscription)


@dataclass(frozen=True)
class UpdatesFilter:
    """Which jobs a ``jobUpdates`` stream follows (all conditions apply)."""

    namespace: str | None = None
    phases: frozenset[Phase] | None = None
    ids: frozenset[str] | None = None

    def matches(self, state: JobState, namespace: str) -> bool:
        if self.namespace is not None and namespace != self.namespace:
            return False
        return self.phases is None or state.phase in self.phases or state.deleted


#: Rows updated this long before a resync's watermark are re-read too (late commits, clocks).
_RESYNC_MARGIN = timedelta(seconds=5)


async def job_updates_stream(ctx: Context, flt: UpdatesFilter) -> AsyncIterator[JobState]:
    """Every transition of the jobs matching ``flt``, for list views (no initial state).

    Each job's transitions come in sequence order, each once. After a coalesced queue or a
    lost listener connection, jobs updated meanwhile are re-read and their current state
    yielded (a list view needs the latest state, not every step).
    """
    authz.require_authenticated(ctx)
    visible = authz.visible_namespaces(ctx)
    namespaces: set[str] | None = None
    if flt.namespace is not None:
        namespaces = {flt.namespace}
    if visible is not None:
        namespaces = set(visible) if namespaces is None else namespaces & set(visible)
    subscription = ctx.hub.subscribe(job_ids=flt.ids, namespaces=namespaces)
    seen: dict[str, int] = {}
    watermark = utcnow()
    try:
        while True:
            update = await subscription.get()
            if subscription.take_overflow():
                since, watermark = watermark - _RESYNC_MARGIN, utcnow()
                for row in await job_rows.updated_since(since, namespaces, flt.ids):
                    state = _state_of_row(row)
                    if state.sequence > seen.get(row.id, 0) and flt.matches(state, row.namespace):
                        seen[row.id] = state.sequence
                        yield state
            if update.is_resync:
                continue
            state = state_of_update(update)
            if not update.deleted and update.sequence <= seen.get(update.job_id, 0):
                continue
            seen[update.job_id] = update.sequence
            if update.deleted:
                seen.pop(update.job_id, None)
            if flt.matches(state, update.namespace):
                yield state
    finally:
        ctx.hub.unsubscribe(subscription)


async def job_events_stream(ctx: Context, job_id: str) -> AsyncIterator[JobEvent]:
    """The job's history (oldest first), then each new event; ends after a final state."""
    last_sequence = 0
    async for state in job_status_stream(ctx, job_id):
        if state.deleted:
            return
        events = await job_rows.events_after(job_id, last_sequence)
        for event in events:
            last_sequence = event.sequence
            yield event
        if state.is_final and last_sequence >= state.sequence:
            return
