"""Answering clearly while PostgreSQL is unreachable: 503 for HTTP, a coded GraphQL error.

The connection pool needs no restart: asyncpg discards a connection that broke and opens a
new one on the next acquire, so requests fail fast (connection refused) during the outage and
succeed again as soon as the server is back.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from graphql import GraphQLError
from tortoise.exceptions import DBConnectionError

from app._compat.strawberry_masking import MaskEachError
from app.karmada.errors import KarmadaError

log = logging.getLogger(__name__)

#: What clients see (REST body ``error``, GraphQL ``message``); ``code`` in GraphQL extensions.
OUTAGE_MESSAGE = "Database unavailable; retry shortly"
OUTAGE_CODE = "DATABASE_UNAVAILABLE"
RETRY_AFTER_SECONDS = "2"

_OUTAGE_TYPES: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused / reset while connecting or talking to PostgreSQL
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: terminated by a shutdown
    asyncpg.InterfaceError,  # "connection is closed", "connection was closed in the middle"
    asyncpg.exceptions.ConnectionDoesNotExistError,
    DBConnectionError,
)


def is_database_outage(exc: BaseException) -> bool:
    """True if ``exc`` (or what caused it) says PostgreSQL could not be reached.

    A Karmada error ends the search: its connection failures are Karmada's, not ours.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, KarmadaError):
            return False
        if isinstance(current, _OUTAGE_TYPES):
            return True
        current = current.__cause__ or current.__context__
    return False


class DatabaseOutageMaskErrors(MaskEachError):
    """MaskErrors that names a database outage (code DATABASE_UNAVAILABLE) instead of hiding it."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original: Any = error.original_error
        if original is not None and is_database_outage(original):
            return GraphQLError(
                OUTAGE_MESSAGE,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": OUTAGE_CODE},
            )
        return super().anonymise_error(error)
