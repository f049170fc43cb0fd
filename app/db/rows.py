"""Reading a query's rows as the driver returns them, converted on demand.

Tortoise converts every column of every row when a query is awaited (JSON documents parsed,
datetimes re-zoned) and builds its select list term by term on every query. A list view
reads a few columns of each row, so a page of jobs spent more time on both than on its SQL
(bench/jobs_query.py). These helpers run the SQL Tortoise builds for the query and leave
the conversion to the caller, column by column, with the converters Tortoise would use.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from pypika_tortoise.terms import Field
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import AwaitableQuery, CountQuery, QuerySet

from app._compat.tortoise_queries import (
    database_of,
    model_meta,
    offset_and_limit,
    parameterized_sql,
)

#: Per database client (one per Tortoise.init): table -> its column names, in attnum order.
_table_columns: WeakKeyDictionary[BaseDBAsyncClient, dict[str, tuple[str, ...]]] = (
    WeakKeyDictionary()
)

#: Per database client: table -> the select list of all its columns (_select_list).
_select_lists: WeakKeyDictionary[BaseDBAsyncClient, dict[str, list[Field]]] = (
    WeakKeyDictionary()
)

#: Column name -> the function turning its raw value into the Python value (None: as is).
Converters = Mapping[str, Callable[[Any], Any] | None]


async def count_and_fetch_raw(
    count: CountQuery, page: QuerySet[Any], key: Hashable | None = None
) -> tuple[int, Sequence[Mapping[str, Any]]]:
    """``count``'s number and the rows of ``page``: all the model's columns, in the table's
    order, keyed by field name, not converted.

    ``key``, if given, must determine both queries entirely (every input they were built
    from): their SQL and parameters are then compiled once per key (a bounded LRU per
    database client), as ParserCache does for documents. Building them with Tortoise and
    pypika cost more than a third of a page's database time.

    On asyncpg both run on one pooled connection: a connection going back to the pool is
    reset with a round trip of its own, so one acquire instead of two saves a round trip
    (and PostgreSQL's work for it) per page. Elsewhere each query runs on its own.
    """
    count_db = database_of(count)
    db = database_of(page)
    compiled = _compiled.setdefault(db, OrderedDict())
    statements = compiled.get(key) if key is not None else None
    if statements is None:
        statements = (_sql_of(count), await _all_columns_sql(page))
        if key is not None:
            compiled[key] = statements
            if len(compiled) > COMPILED_PER_CLIENT:
                compiled.popitem(last=False)
    elif key is not None:
        compiled.move_to_end(key)
    (count_sql, count_params), (page_sql, page_params) = statements
    if isinstance(db, AsyncpgDBClient) and count_db is db:
        async with db.acquire_connection() as connection:
            counted = await connection.fetch(count_sql, *count_params)
            rows = await connection.fetch(page_sql, *page_params)
    else:
        _, counted = await count_db.execute_query(count_sql, count_params)
        _, rows = await db.execute_query(page_sql, page_params)
    return _counted(count, counted), rows


#: Compiled (SQL, parameters) pairs kept per database client (count_and_fetch_raw).
COMPILED_PER_CLIENT = 256
_Statement = tuple[str, list[Any]]
_compiled: WeakKeyDictionary[
    BaseDBAsyncClient, OrderedDict[Hashable, tuple[_Statement, _Statement]]
] = WeakKeyDictionary()


async def _all_columns_sql(query: QuerySet[Any]) -> tuple[str, list[Any]]:
    """``query``'s SQL with a select list of every column, in the table's order.

    The query's own list (Tortoise's ``basequery_all_fields``) follows a set's order; a
    ``.values(*fields)`` list costs ~150 µs per query to build (one copied term per field).
    """
    return parameterized_sql(query, selects=await _select_list(query.model))


def _sql_of(query: AwaitableQuery[Any]) -> tuple[str, list[Any]]:
    """The SQL and parameters ``query`` would run (what its ``__await__`` does first).

    Tortoise has no public accessor for both (``.sql()`` drops the parameters).
    """
    return parameterized_sql(query)


def _counted(count: CountQuery, rows: Sequence[Mapping[str, Any]]) -> int:
    """What CountQuery makes of its rows (offset and limit apply after COUNT(*))."""
    if not rows:
        return 0
    offset, limit = offset_and_limit(count)
    number = max(0, next(iter(dict(rows[0]).values())) - offset)
    return limit if limit is not None and number > limit else int(number)


def converters(model: type[Model]) -> Converters:
    """How Tortoise converts each of ``model``'s columns as read from this database."""
    meta = model_meta(model)
    native = {native_field[1] for native_field in meta.db_native_fields}  # final as read
    return {
        name: None if name in native else meta.fields_map[name].to_python_value
        for name in meta.fields_db_projection  # the keys of a values() row
    }


async def fields_in_table_order(model: type[Model]) -> list[str]:
    """``model``'s columns (as field names) in the order of its table's columns.

    On PostgreSQL a select list that is exactly the table's columns in order lets the scan
    hand its rows on as they are; any other order (the model's, once a migration appended
    columns) makes it build a new row for every row it reads, before sorting and LIMIT. For
    the jobs page that tripled PostgreSQL's time per query against ``SELECT *``
    (bench/jobs_query.py). The catalog is read once per process; other databases get the
    model's order.
    """
    meta = model_meta(model)
    db = meta.db
    by_column = {column: name for name, column in meta.fields_db_projection.items()}
    if db.capabilities.dialect != "postgres":
        return list(by_column.values())
    known = _table_columns.setdefault(db, {})
    columns = known.get(meta.db_table)
    if columns is None:
        _, rows = await db.execute_query(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass"
            " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [meta.db_table],
        )
        columns = known[meta.db_table] = tuple(row["attname"] for row in rows)
    in_table = [by_column[c] for c in columns if c in by_column]
    return in_table + [name for name in by_column.values() if name not in in_table]


async def _select_list(model: type[Model]) -> list[Field]:
    """Terms selecting every column of ``model`` in table order, each named by its field."""
    meta = model_meta(model)
    cached = _select_lists.get(meta.db)
    if cached is not None and meta.db_table in cached:
        return cached[meta.db_table]
    table = meta.basetable
    terms: list[Field] = []
    for name in await fields_in_table_order(model):
        column = meta.fields_db_projection[name]
        terms.append(table[column] if column == name else table[column].as_(name))
    _select_lists.setdefault(meta.db, {})[meta.db_table] = terms
    return terms


class JobRecord:
    """A job row read as its raw column values, with the model's attribute names (read-only).

    A column is converted (as ``.values()`` would) only when read: a list view reads a few
    columns of each row, not its JSON documents (bench/jobs_query.py). Each column is a
    property (set below), so a read costs no failed lookup.
    """

    __slots__ = ("_convert", "_raw")

    def __init__(self, raw: Mapping[str, Any], convert: Converters) -> None:
        self._raw = raw
        self._convert = convert


def _column(name: str) -> property:
    def read(record: JobRecord) -> Any:
        try:
            value = record._raw[name]
            convert = record._convert[name]
        except KeyError:
            raise AttributeError(name) from None  # a row without that column
        return value if convert is None else convert(value)

    return property(read)


def _job_record_columns() -> None:
    from app.db.models import TrainingJob

    for name in model_meta(TrainingJob).fields_db_projection:
        setattr(JobRecord, name, _column(name))


_job_record_columns()
