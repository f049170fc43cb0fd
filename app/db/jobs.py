"""The jobs repository: every query of job rows and their history.

Use-cases (``resolvers``) decide; they read and write rows only through here (and
``app.db.history`` for transitions), so each query is written once and its rules (namespace
visibility applied in SQL, stable keyset order, bounded pages) hold everywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app._compat.tortoise_queries import model_meta
from app.db.history import create_job_row
from app.db.models import JobAttempt, JobEvent, TrainingJob
from app.db.rows import JobRecord, converters, count_and_fetch_raw
from app.jobstate.phases import TERMINAL_PHASES, Phase
from app.jobstate.updates import JobUpdate

#: The longest id a row can have (the column's width).
ID_MAX_LENGTH: int = model_meta(TrainingJob).fields_map["id"].max_length  # type: ignore[attr-defined]

#: Namespaces a caller may read; None: all of them.
Namespaces = Collection[str] | None


@dataclass(frozen=True)
class JobFilter:
    """Conditions that are all applied in the query, before paging."""

    namespace: str | None = None
    phases: Sequence[Phase] | None = None
    algorithms: Sequence[str] | None = None
    #: Jobs placed on any of these clusters.
    clusters: Sequence[str] | None = None
    #: Case-insensitive substring of the jobName.
    name_contains: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    min_priority: int | None = None


class OrderField(StrEnum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NAME = "job_name"
    PRIORITY = "priority"
    PHASE = "status"


@dataclass(frozen=True)
class JobOrder:
    """Sort order; ties are broken by id in the same direction, so pages are stable."""

    field: OrderField = OrderField.CREATED_AT
    descending: bool = True


NEWEST_FIRST = JobOrder()




def _visible(query: QuerySet[TrainingJob], namespaces: Namespaces) -> QuerySet[TrainingJob]:
    """Only rows in ``namespaces`` (None: every namespace)."""
    return query if namespaces is None else query.filter(namespace__in=sorted(namespaces))


class DuplicateRequestKey(Exception):
    """Another row already holds this (namespace, idempotency key)."""


async def insert(job: TrainingJob, actor: str | None) -> JobUpdate:
    """Write a new job row with its first history entry (PENDING); its update to publish."""
    try:
        return await create_job_row(job, actor=actor)
    except IntegrityError as exc:
        raise DuplicateRequestKey(job.client_request_id) from exc


async def get(job_id: str) -> TrainingJob | None:
    return await TrainingJob.get_or_none(id=job_id)


async def exists(job_id: str) -> bool:
    return await TrainingJob.exists(id=job_id)


async def by_request_key(namespace: str, key: str) -> TrainingJob | None:
    """The job an idempotency key created in ``namespace``, if any."""
    return await TrainingJob.get_or_none(namespace=namespace, client_request_id=key)


async def delete(job: TrainingJob) -> None:
    await job.delete()


async def listing(
    job_filter: JobFilter | None, namespaces: Namespaces, *, limit: int | None, offset: int
) -> list[TrainingJob]:
    """Matching jobs newest first (then by id), as the REST list returns them."""
    query = _visible(_filtered(job_filter), namespaces).order_by("-created_at", "-id")
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return await query


async def page(
    job_filter: JobFilter | None,
    namespaces: Namespaces,
    first: int,
    position: tuple[object, str] | None,
    order: JobOrder,
) -> tuple[int, list[TrainingJob], bool]:
    """(total count, up to ``first`` rows after ``position`` in ``order``, has next page).

    Rows are read-only ``JobRecord`` views with the model's attribute names.
    """
    query = _visible(_filtered(job_filter), namespaces)
    count = query.count()
    if position is not None:
        query = query.filter(_after(order, *position))
    direction = "-" if order.descending else ""
    # Everything the two queries are built from, spelled exactly (reprs keep types and
    # time zones apart): their compiled SQL is reused for the same key.
    key = repr(
        (sorted(namespaces) if namespaces is not None else None, job_filter, first, position, order)
    )
    total, raw = await count_and_fetch_raw(
        count,
        query.order_by(f"{direction}{order.field.value}", f"{direction}id").limit(first + 1),
        key,
    )
    convert = converters(TrainingJob)
    rows = [cast(TrainingJob, JobRecord(r, convert)) for r in raw[:first]]
    return total, rows, len(raw) > first


async def on_cluster(
    name: str, namespaces: Namespaces, *, active_only: bool, limit: int
) -> list[TrainingJob]:
    """Jobs Karmada placed on cluster ``name``, newest first."""
    query = _visible(TrainingJob.filter(placement__contains=[name]), namespaces)
    if active_only:
        query = query.exclude(status__in=[p.value for p in TERMINAL_PHASES])
    return await query.order_by("-created_at", "-id").limit(limit)


async def updated_since(
    since: datetime, namespaces: Namespaces, ids: Collection[str] | None
) -> list[TrainingJob]:
    """Jobs changed at or after ``since``, oldest change first."""
    query = _visible(TrainingJob.filter(updated_at__gte=since), namespaces)
    if ids is not None:
        query = query.filter(id__in=sorted(ids))
    return await query.order_by("updated_at", "id")


async def attempts_of(job_id: str) -> list[JobAttempt]:
    """The job's recorded attempts (none for a job never recovered), oldest first."""
    return await JobAttempt.filter(job_id=job_id).order_by("number")


async def events_after(
    job_id: str, after_sequence: int, limit: int | None = None
) -> list[JobEvent]:
    """The job's history after ``after_sequence``, oldest first."""
    query = JobEvent.filter(job_id=job_id, sequence__gt=after_sequence).order_by("sequence")
    if limit is not None:
        query = query.limit(limit)
    return await query


def _after(order: JobOrder, value: object, job_id: str) -> Q:
    """Rows strictly after (value, id) in the order: the keyset condition."""
    op = "lt" if order.descending else "gt"
    column = order.field.value
    before: dict[str, Any] = {f"{column}__{op}": value}
    tie: dict[str, Any] = {column: value, f"id__{op}": job_id}
    return Q(**before) | Q(**tie)


def _filtered(job_filter: JobFilter | None) -> QuerySet[TrainingJob]:
    query = TrainingJob.all()
    if job_filter is None:
        return query
    f = job_filter
    if f.namespace:
        query = query.filter(namespace=f.namespace)
    if f.phases:
        query = query.filter(status__in=[p.value for p in f.phases])
    if f.algorithms:
        query = query.filter(algorithm__in=list(f.algorithms))
    if f.clusters:
        placed = Q()
        for cluster in f.clusters:
            placed |= Q(placement__contains=[cluster])
        query = query.filter(placed)
    if f.name_contains:
        query = query.filter(job_name__icontains=f.name_contains)
    if f.created_after is not None:
        query = query.filter(created_at__gte=f.created_after)
    if f.created_before is not None:
        query = query.filter(created_at__lt=f.created_before)
    if f.min_priority is not None:
        query = query.filter(priority__gte=f.min_priority)
    return query


