"""Root Subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from app.jobstate.phases import Phase
from resolvers.authz import guard_stream
from resolvers.context import Context
from resolvers.logs import LogStreamEnded, job_log_stream
from resolvers.streams import (
    UpdatesFilter,
    job_events_stream,
    job_status_stream,
    job_updates_stream,
)
from schema.input_bounds import check_filter
from schema.operate_types import JobLogLine, JobLogStreamItem, LogStreamError
from schema.types import JobEvent, JobPhase, JobStatusUpdate


@strawberry.input(description="Which jobs jobUpdates follows; all given conditions apply.")
class JobUpdatesFilterInput:
    namespace: str | None = None
    phases: list[JobPhase] | None = strawberry.field(
        default=None, description="Only transitions into these phases (and deletions)."
    )
    ids: list[strawberry.ID] | None = None

    def to_filter(self) -> UpdatesFilter:
        return UpdatesFilter(
            namespace=self.namespace,
            phases=frozenset(Phase(p.value) for p in self.phases) if self.phases else None,
            ids=frozenset(str(i) for i in self.ids) if self.ids is not None else None,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The job's current state, then every transition; completes after a "
        "terminal phase or deletion."
    )
    async def job_status(
        self,
        info: strawberry.Info[Context],
        id: strawberry.ID,
        after_sequence: Annotated[
            int | None,
            strawberry.argument(
                description="Replay the recorded transitions after this sequence first (0: "
                "the whole history) instead of the current state; for clients resuming."
            ),
        ] = None,
    ) -> AsyncGenerator[JobStatusUpdate, None]:
        ctx = info.context
        interval = ctx.services.settings.poller.poll_interval_seconds
        stream = job_status_stream(ctx, str(id), after_sequence, shared=True)
        async for state in guard_stream(ctx, stream, interval):
            yield JobStatusUpdate.from_state(state)

    @strawberry.subscription(
        description="Every transition of the jobs matching the filter, for list views (no "
        "initial state; after a gap, the latest state of each job updated meanwhile)."
    )
    async def job_updates(
        self, info: strawberry.Info[Context], filter: JobUpdatesFilterInput | None = None
    ) -> AsyncGenerator[JobStatusUpdate, None]:
        ctx = info.context
        interval = ctx.services.settings.poller.poll_interval_seconds
        if filter is not None:
            check_filter(info.context, filter)
        flt = filter.to_filter() if filter is not None else UpdatesFilter()
        async for state in guard_stream(ctx, job_updates_stream(ctx, flt), interval):
            yield JobStatusUpdate.from_state(state)

    @strawberry.subscription(
        description="The job's history, oldest first, then each new event; completes after "
        "a terminal phase or deletion."
    )
    async def job_events(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> AsyncGenerator[JobEvent, None]:
        ctx = info.context
        interval = ctx.services.settings.poller.poll_interval_seconds
        async for event in guard_stream(ctx, job_events_stream(ctx, str(id)), interval):
            yield JobEvent.from_row(event)

    @strawberry.subscription(
        description="Follow the job's pod logs live (a finished job: its logs once); "
        "completes when the job ends or a member cluster becomes unreachable."
    )
    async def job_log_stream(
        self,
        info: strawberry.Info[Context],
        id: strawberry.ID,
        pod: str | None = None,
        tail_lines: int = 100,
    ) -> AsyncGenerator[JobLogStreamItem, None]:
        ctx = info.context
        interval = ctx.services.settings.poller.poll_interval_seconds
        stream = job_log_stream(ctx, str(id), pod=pod, tail_lines=tail_lines)
        async for item in guard_stream(ctx, stream, interval):
            if isinstance(item, LogStreamEnded):
                yield LogStreamError.from_end(item)
            else:
                yield JobLogLine.from_line(item)
