"""A job's transition on PostgreSQL: the row and its job_events entry in one statement.

Through Tortoise a transition is four round trips (BEGIN, the UPDATE, the event's INSERT,
COMMIT) and a pypika query built anew for each, which made the database writes about a
third of the server's CPU per createJob (docs/benchmarks.md, "createJob CPU per
operation"). Here the compare-and-set UPDATE and the INSERT are one statement: a
data-modifying ``WITH`` feeds the updated row into the INSERT, so the event exists exactly
when the row moved, and a single statement is atomic without a transaction of its own.
The SQL depends only on which columns change; it is built once per column set.

Values are converted by the model's own fields (``to_db_value``: JSON encoded, datetimes
checked), as Tortoise converts them. Only for asyncpg; ``app.db.history`` keeps Tortoise's
queries for SQLite.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import DatabaseDefault
from tortoise.models import Model

from app._compat.tortoise_queries import mark_saved, model_meta
from app.db.models import JobLog, TrainingJob

#: A transition event's own values: from_status, cluster, actor (the rest is the row's).
EventSource = tuple[str | None, str | None, str | None]


def postgres_client(model: type[Model]) -> BaseDBAsyncClient | None:
    """The client ``model`` is written through when it is asyncpg's (None: another
    database, which keeps Tortoise's queries); inside a transaction, the transaction's."""
    db = model_meta(model).db
    return db if isinstance(db, AsyncpgDBClient) else None


#: The updated row's columns the event is written from (RETURNING), in this order.
_EVENT_SOURCE = ("id", "last_sequence", "updated_at", "status", "reason", "message")


def _column(name: str) -> str:
    return '"' + model_meta(TrainingJob).fields_db_projection[name] + '"'


@cache
def transition_sql(names: tuple[str, ...], with_event: bool) -> str:
    """The compare-and-set UPDATE of ``names`` (``$1`` id, ``$2`` the observed sequence,
    then one parameter per name), plus, ``with_event``, the event's INSERT fed by the
    updated row (then ``from_status``, ``cluster``, ``actor``). Returns a row per write."""
    assignments = ", ".join(f"{_column(name)} = ${i}" for i, name in enumerate(names, start=3))
    update = (
        f'UPDATE "training_jobs" SET {assignments} WHERE "id" = $1 AND "last_sequence" = $2'
    )
    if not with_event:
        return f'WITH moved AS ({update} RETURNING "id") SELECT "id" FROM moved'
    extra = len(names) + 3
    returning = ", ".join(f'"{c}"' for c in _EVENT_SOURCE)
    return (
        f"WITH moved AS ({update} RETURNING {returning}) "
        'INSERT INTO "job_events" ("job_id", "sequence", "at", "from_status", "to_status", '
        '"reason", "message", "cluster", "actor") '
        f'SELECT "id", "last_sequence", "updated_at", ${extra}::text, "status", "reason", '
        f'"message", ${extra + 1}::text, ${extra + 2}::text FROM moved RETURNING "job_id"'
    )


async def write_transition(
    db: BaseDBAsyncClient,
    job_id: str,
    observed: int,
    values: dict[str, Any],
    event: EventSource | None,
) -> bool:
    """Set ``values`` on the job if its ``last_sequence`` is still ``observed``; with
    ``event`` (from_status, cluster, actor), record the transition's event in the same
    statement. True when the row was written."""
    fields = model_meta(TrainingJob).fields_map
    params = [job_id, observed]
    params += [fields[name].to_db_value(value, TrainingJob) for name, value in values.items()]
    if event is not None:
        params += list(event)
    written, _ = await db.execute_query(
        transition_sql(tuple(values), event is not None), params
    )
    return written > 0


@cache
def _insert_columns() -> tuple[str, ...]:
    meta = model_meta(TrainingJob)
    return tuple(
        name for name in meta.fields_db_projection if not meta.fields_map[name].generated
    )


@cache
def create_sql() -> str:
    """The job's INSERT (one parameter per column of ``_insert_columns``) and its first
    event's (then ``actor``), fed by the inserted row."""
    names = _insert_columns()
    columns = ", ".join(_column(name) for name in names)
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    return (
        f'WITH created AS (INSERT INTO "training_jobs" ({columns}) VALUES ({placeholders}) '
        'RETURNING "id", "last_sequence", "created_at", "status", "reason", "message") '
        'INSERT INTO "job_events" ("job_id", "sequence", "at", "from_status", "to_status", '
        '"reason", "message", "actor") '
        'SELECT "id", "last_sequence", "created_at", NULL, "status", "reason", "message", '
        f'${len(names) + 1}::text FROM created RETURNING "job_id"'
    )


def insertable(job: TrainingJob) -> bool:
    """Whether every column has a value of its own (none left to a database default)."""
    return not any(isinstance(getattr(job, name), DatabaseDefault) for name in _insert_columns())


async def insert_job(db: BaseDBAsyncClient, job: TrainingJob, actor: str | None) -> None:
    """Insert ``job`` (``insertable``) with its first event; raises Tortoise's
    IntegrityError on a duplicate key, as ``Model.save`` does."""
    fields = model_meta(TrainingJob).fields_map
    params: list[Any] = [
        fields[name].to_db_value(getattr(job, name), job) for name in _insert_columns()
    ]
    params.append(actor)
    await db.execute_query(create_sql(), params)
    mark_saved(job)


#: One archived container log: cluster, pod, container, content, line count, truncated.
LogRow = tuple[str, str, str, str, int, bool]

#: What an archive marks archived: the job (its current attempt) or an earlier attempt.
Marked = Literal["job", "attempt"]
_ARCHIVED_MARKS: dict[Marked, str] = {"job": "training_jobs", "attempt": "job_attempts"}


@cache
def logs_sql(marked: Marked) -> str:
    """Upsert one attempt's logs (``$1`` job id, ``$2`` attempt, ``$3`` archived at, then
    one array per ``LogRow`` column) and set ``logs_archived_at`` on the ``marked`` row
    (``$4`` its id). A log whose key (job, cluster, pod, container) another attempt's
    archive holds is left to that archive (a pod belongs to one attempt: app.db.models)."""
    return (
        'WITH stored AS (INSERT INTO "job_logs" ("job_id", "attempt", "cluster", "pod", '
        '"container", "content", "line_count", "truncated", "archived_at") '
        'SELECT $1, $2, u.cluster, u.pod, u.container, u.content, u.line_count, u.truncated, '
        "$3 FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::int[], "
        "$10::bool[]) AS u(cluster, pod, container, content, line_count, truncated) "
        'ON CONFLICT ("job_id", "cluster", "pod", "container") DO UPDATE SET '
        '"content" = EXCLUDED."content", "line_count" = EXCLUDED."line_count", '
        '"truncated" = EXCLUDED."truncated", "archived_at" = EXCLUDED."archived_at" '
        'WHERE "job_logs"."attempt" = EXCLUDED."attempt") '
        f'UPDATE "{_ARCHIVED_MARKS[marked]}" SET "logs_archived_at" = $3 WHERE "id" = $4 '
        'RETURNING "id"'
    )


async def store_logs(
    db: BaseDBAsyncClient,
    job_id: str,
    attempt: int,
    logs: list[LogRow],
    archived_at: Any,
    marked: Marked,
    marked_id: str | int,
) -> None:
    """Write one attempt's archived logs and mark ``marked`` archived, in one statement."""
    at = model_meta(JobLog).fields_map["archived_at"].to_db_value(archived_at, JobLog)
    columns = [list(column) for column in zip(*logs, strict=True)] if logs else [[]] * 6
    await db.execute_query(logs_sql(marked), [job_id, attempt, at, marked_id, *columns])
