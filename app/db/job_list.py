"""The REST job list read as the driver returns it: ten columns, no model instances.

``GET /api/v1/jobs`` returns every matching job. Building a Tortoise model per row and
decoding its JSON documents cost more than the query (issue 17); the list needs ten columns
and passes ``request_payload`` on as the database's text, so rows are read raw here and
encoded by ``app.server.job_list``. The filter and order are those of ``jobs.listing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from pypika_tortoise.terms import Field

from app.db.jobs import JobFilter, Namespaces, _filtered, _visible
from app.db.models import TrainingJob

#: The list's columns, in this order in every row ``rows`` returns.
COLUMNS = (
    "id",
    "job_name",
    "namespace",
    "algorithm",
    "priority",
    "request_payload",
    "status",
    "message",
    "created_at",
    "updated_at",
)

#: Index of each column in a row.
ID, JOB_NAME, NAMESPACE, ALGORITHM, PRIORITY, REQUEST, STATUS, MESSAGE, CREATED, UPDATED = range(
    len(COLUMNS)
)

_CREATED_AT = TrainingJob._meta.fields_map["created_at"]


async def rows(
    job_filter: JobFilter | None, namespaces: Namespaces, *, limit: int | None, offset: int
) -> list[Sequence[Any]]:
    """Matching jobs newest first (then by id), as tuples of ``COLUMNS``.

    ``request_payload`` is the stored JSON text (asyncpg hands jsonb over as text; SQLite
    stores text); ``created_at``/``updated_at`` are aware datetimes on every backend.
    """
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


__all__ = ["COLUMNS", "fingerprint", "rows"]
