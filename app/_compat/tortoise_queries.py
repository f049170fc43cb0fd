"""Tortoise's query internals, for running the SQL it builds without its row conversion.

Tortoise has no public accessor for a query's database client or for its SQL together with
its parameters (``.sql()`` drops the parameters), and none for replacing a select list; the
functions below do what a query's ``__await__`` does first, and stop before it converts rows
(app.db.rows says why). Checked against the pinned release by ``app._compat.OVERRIDES``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pypika_tortoise.terms import Field
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import MetaInfo, Model
from tortoise.queryset import AwaitableQuery, CountQuery


def database_of(query: AwaitableQuery[Any]) -> BaseDBAsyncClient:
    """The client ``query`` runs on (chosen now if it was not yet, as awaiting it would)."""
    query._choose_db_if_not_chosen()
    return query._db


def parameterized_sql(
    query: AwaitableQuery[Any], selects: Sequence[Field] | None = None
) -> tuple[str, list[Any]]:
    """The SQL and parameters ``query`` would run; ``selects`` replaces its select list."""
    query._choose_db_if_not_chosen()
    query._make_query()
    if selects is not None:
        query.query._selects = list(selects)
    sql, params = query.query.get_parameterized_sql()
    return sql, list(params)


def offset_and_limit(count: CountQuery) -> tuple[int, int | None]:
    """What a CountQuery applies after COUNT(*): its offset and its limit."""
    return count._offset, count._limit


def model_meta(model: type[Model]) -> MetaInfo:
    """``model._meta``: Tortoise's description of the model (fields, table, client).

    Underscored but the only way to a model's fields and columns; Tortoise's own contrib
    modules read it too.
    """
    return model._meta


def mark_saved(instance: Model) -> None:
    """Record that ``instance``'s row exists, as ``Model.save`` does after its INSERT (a
    later ``save()`` then updates instead of inserting again)."""
    instance._saved_in_db = True
