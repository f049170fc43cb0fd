"""Root Subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers.authz import guard_stream
from resolvers.context import Context
from resolvers.streams import job_status_stream
from schema.types import JobStatusUpdate


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The job's current state, then every transition; completes after a "
        "terminal phase or deletion."
    )
    async def job_status(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> AsyncGenerator[JobStatusUpdate, None]:
        ctx = info.context
        interval = ctx.services.settings.poller.poll_interval_seconds
        async for state in guard_stream(ctx, job_status_stream(ctx, str(id)), interval):
            yield JobStatusUpdate.from_state(state)
