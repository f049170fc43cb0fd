"""The REST job list read as the driver returns it: ten columns, no model instances.

``GET /api/v1/jobs`` returns every matching job. Building a Tortoise model per row and
decoding its JSON documents cost more than the query (issue 17); the list needs ten columns
and passes ``request_payload`` on as the database's text, so rows are read raw here and
encoded by ``app.server.job_list``. The filter and order are those of ``jobs.listing``.

A job's request is written once, at create, and is most of a row's bytes: ``rows`` leaves it
out and ``request_texts`` reads it only for the jobs a caller has not seen yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from pypika_tortoise.terms import Field

from app.db.jobs import JobFilter, Namespaces, _filtered, _visible
from app.db.models import TrainingJob

#: The list's columns but the request, in this order in every row ``rows`` returns.
COLUMNS = (
    "id",
    "job_name",
    "namespace",
    "algorithm",
    "priority",
    "status",
    "message",
    "created_at",
    "updated_at",
)

#: Index of each column in a row.
ID, JOB_NAME, NAMESPACE, ALGORITHM, PRIORITY, STATUS, MESSAGE, CREATED, UPDATED = range(
    len(COLUMNS)
)
#: Ids per request_texts query (SQLite allows 999 parameters by default).
IDS_PER_QUERY = 500

_CREATED_AT = TrainingJob._meta.fields_map["created_at"]


async def rows(
    job_filter: JobFilter | None, namespaces: Namespaces, *, limit: int | None, offset: int
) -> list[Sequence[Any]]:
    """Matching jobs newest first (then by id), as tuples of ``COLUMNS``;
    ``created_at``/``updated_at`` are aware datetimes on every backend."""
    query = _visible(_filtered(job_filter), namespaces).order_by("-created_at", "-id")
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    query._choose_db_if_not_chosen()
    query._make_query()
    table = TrainingJob._meta.basetable
    query.query._selects = [Field(c, table=table) for c in COLUMNS]
    sql, params = query.query.get_parameterized_sql()
    _, result = await query._db.execute_query(sql, list(params))
    # asyncpg Records / sqlite3 Rows: both index by position.
    fetched = cast(Sequence[Sequence[Any]], result)
    if not fetched or isinstance(fetched[0][CREATED], datetime):
        return list(fetched)
    # SQLite: times are ISO text; convert them as Tortoise would.
    convert = _CREATED_AT.to_python_value
    converted: list[Sequence[Any]] = []
    for row in fetched:
        values = list(row)
        values[CREATED] = convert(values[CREATED])
        values[UPDATED] = convert(values[UPDATED])
        converted.append(values)
    return converted


async def request_texts(ids: Sequence[str]) -> dict[str, Any]:
    """job id -> its stored ``request_payload`` as JSON text (asyncpg hands jsonb over as
    text; SQLite stores text), for those of ``ids`` that exist."""
    found: dict[str, Any] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = list(ids[start : start + IDS_PER_QUERY])
        query = TrainingJob.filter(id__in=chunk)
        query._choose_db_if_not_chosen()
        query._make_query()
        table = TrainingJob._meta.basetable
        query.query._selects = [Field("id", table=table), Field("request_payload", table=table)]
        sql, params = query.query.get_parameterized_sql()
        _, result = await query._db.execute_query(sql, list(params))
        found.update((row[0], row[1]) for row in cast(Sequence[Sequence[Any]], result))
    return found


async def fingerprint() -> tuple[Any, ...]:
    """A summary of the whole table that changes with every row change a list could show.

    Inserts and deletes move the count, transitions move ``last_sequence`` and
    ``updated_at``; read before the rows, so a change racing a read shows up next time.
    """
    query = TrainingJob.all()
    query._choose_db_if_not_chosen()
    db = query._db
    _, fetched = await db.execute_query(
        "SELECT COUNT(*), MAX(updated_at), COALESCE(SUM(last_sequence), 0) FROM "
        f"{TrainingJob._meta.db_table}",
        [],
    )
    return tuple(fetched[0]) if fetched else ()


__all__ = ["COLUMNS", "fingerprint", "request_texts", "rows"]
