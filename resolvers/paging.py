"""Listing jobs: the REST list and GraphQL's keyset pages, filtered before paging."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import jobs as job_rows
from app.db.jobs import NEWEST_FIRST, JobFilter, JobOrder, OrderField
from app.db.models import TrainingJob
from resolvers import authz
from resolvers.context import Context
from resolvers.cursors import cursors_of, decode_cursor
from resolvers.errors import InvalidInput

__all__ = [
    "NEWEST_FIRST",
    "JobFilter",
    "JobOrder",
    "JobPage",
    "OrderField",
    "list_jobs",
    "page_jobs",
]


@dataclass
class JobPage:
    jobs: list[TrainingJob]
    total_count: int
    has_next_page: bool
    end_cursor: str | None
    order: JobOrder = NEWEST_FIRST
    #: One per job, in order.
    cursors: list[str] = field(default_factory=list)


async def list_jobs(
    ctx: Context,
    job_filter: JobFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[TrainingJob]:
    """Every matching job, newest first (then by id), as the REST list returns them."""
    authz.require_authenticated(ctx)
    namespaces = authz.visible_namespaces(ctx)
    return await job_rows.listing(job_filter, namespaces, limit=limit, offset=offset)


async def page_jobs(
    ctx: Context,
    job_filter: JobFilter | None,
    first: int,
    after: str | None,
    order: JobOrder | None = None,
) -> JobPage:
    """A keyset page; filters apply before paging, so pages are never short."""
    order = order or NEWEST_FIRST
    if not 1 <= first <= 500:
        raise InvalidInput("first", "must be between 1 and 500")
    authz.require_authenticated(ctx)
    position = decode_cursor(after, order) if after is not None else None
    total, rows, has_next = await job_rows.page(
        job_filter, authz.visible_namespaces(ctx), first, position, order
    )
    cursors = cursors_of(rows, order)
    return JobPage(rows, total, has_next, cursors[-1] if cursors else None, order, cursors)
