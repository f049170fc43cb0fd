"""PostgreSQL for tests: a pytest plugin (loaded from tests/conftest.py).

Which server the session uses, in order:
1. `$TEST_DATABASE_URL` if set (an unreachable one fails the run: it was asked for);
2. the local server on 127.0.0.1:5432 if it answers (trust auth, user and db `postgres`);
3. a throwaway cluster started from the installed binaries, stopped at the end of the session.

A PostgreSQL that cannot be reached or started ends the run with a message saying how to fix
it; tests never skip for it (with or without `CI`).

Fixtures: `pg_server` (session) and `pg_url` (a fresh, empty database per test).
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, unquote, urlsplit

import asyncpg
import pytest

from tests.support.throwaway_postgres import (
    PostgresUnavailableError,
    ThrowawayPostgres,
    start_throwaway_postgres,
)

__all__ = [
    "PostgresServer",
    "PostgresUnavailableError",
    "ThrowawayPostgres",
    "pg_server",
    "pg_url",
    "resolve_postgres_server",
    "start_throwaway_postgres",
]

LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_SECONDS = 3.0

T = TypeVar("T")


def run_coroutine_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on a private loop in a worker thread.

    Keeps the fixtures synchronous and safe to call from inside a running event loop
    (async tests, async fixtures) as well as from plain sync code.
    """
    outcome: dict[str, T | BaseException] = {}

    def work() -> None:
        try:
            outcome["value"] = asyncio.run(_await(make))
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pg-admin")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


async def _await(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class PostgresServer:
    """Where the test PostgreSQL runs, with admin helpers for per-test databases."""

    host: str
    port: int
    user: str
    password: str | None
    admin_database: str
    source: str  # "TEST_DATABASE_URL", "local" or "throwaway" (shown in failure messages)

    @classmethod
    def from_url(cls, url: str, source: str) -> PostgresServer:
        """Parse a `postgres://` or `postgresql://` URL; its path is the admin database."""
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise PostgresUnavailableError(f"not a postgres:// URL: {url!r}")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username) if parts.username else "postgres",
            password=unquote(parts.password) if parts.password else None,
            admin_database=unquote(parts.path.lstrip("/")) or "postgres",
            source=source,
        )

    def dsn(self, dbname: str) -> str:
        """URL of `dbname` in the `postgres://` form asyncpg and Tortoise accept."""
        credentials = quote(self.user, safe="")
        if self.password is not None:
            credentials += ":" + quote(self.password, safe="")
        return f"postgres://{credentials}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    @property
    def admin_dsn(self) -> str:
        """URL of the maintenance database used to create and drop test databases."""
        return self.dsn(self.admin_database)

    def check_connection(self) -> None:
        """Raise PostgresUnavailableError unless the admin database answers."""

        async def probe() -> None:
            conn = await asyncpg.connect(self.admin_dsn, timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                await conn.fetchval("SELECT 1")
            finally:
                await conn.close()

        try:
            run_coroutine_sync(probe)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            raise PostgresUnavailableError(
                f"cannot connect to {self.admin_dsn}: {type(exc).__name__}: {exc}"
            ) from exc

    def create_database(self, name: str) -> None:
        """CREATE DATABASE from template0 (no copied objects, no waiting on template1 users)."""
        self._admin(f"CREATE DATABASE {_quote_ident(name)} TEMPLATE template0")

    def drop_database(self, name: str) -> None:
        """Drop `name` even if connections are still open; a missing database is fine."""
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        self._admin(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")

    def database_exists(self, name: str) -> bool:
        """True if a database called `name` exists on this server."""
        found = self._admin_fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        return found == 1

    def _admin(self, sql: str, *args: object) -> None:
        self._admin_fetchval(sql, *args)

    def _admin_fetchval(self, sql: str, *args: object) -> object:
        async def run() -> object:
            conn = await asyncpg.connect(self.admin_dsn, timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                return await conn.fetchval(sql, *args)
            finally:
                await conn.close()

        return run_coroutine_sync(run)


def resolve_postgres_server(
    local_url: str = LOCAL_SERVER_URL,
    start_throwaway: Callable[[], ThrowawayPostgres] = start_throwaway_postgres,
) -> tuple[PostgresServer, ThrowawayPostgres | None]:
    """Pick the session's server (see module docstring); the throwaway, if any, is returned
    so the caller can clean it up. Raises PostgresUnavailableError if none can be had."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        server = PostgresServer.from_url(explicit, source="TEST_DATABASE_URL")
        server.check_connection()
        return server, None
    local = PostgresServer.from_url(local_url, source="local")
    try:
        local.check_connection()
        return local, None
    except PostgresUnavailableError as local_error:
        # Say why the local server was not used too: a server that answers but rejects
        # `postgres` without a password (Debian's scram default) is a common surprise.
        try:
            throwaway = start_throwaway()
        except PostgresUnavailableError as exc:
            raise PostgresUnavailableError(f"{local_error}; and {exc}") from exc
    try:
        server = PostgresServer.from_url(throwaway.admin_dsn, source="throwaway")
        server.check_connection()
    except BaseException:
        throwaway.cleanup()
        raise
    return server, throwaway


HOW_TO_FIX = (
    "Tests need PostgreSQL. Either set TEST_DATABASE_URL=postgres://user[:password]@host:port/db "
    "(a user allowed to CREATE DATABASE), run a server on 127.0.0.1:5432 that trusts user "
    "`postgres`, or install the server binaries (e.g. `apt-get install postgresql`) so a "
    "throwaway cluster can be started (set PG_BINDIR if they are not in "
    "/usr/lib/postgresql/<version>/bin)."
)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; ends the whole run if none can be had."""
    try:
        server, throwaway = resolve_postgres_server()
    except PostgresUnavailableError as exc:
        ci_note = (
            " (CI is set: a missing database is a failure, never a skip)"
            if os.environ.get("CI")
            else ""
        )
        pytest.exit(f"PostgreSQL unavailable{ci_note}: {exc}\n{HOW_TO_FIX}", returncode=1)
    try:
        yield server
    finally:
        if throwaway is not None:
            throwaway.cleanup()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for one test; yields its `postgres://` URL, drops it after."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    pg_server.create_database(name)
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def throwaway_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayPostgres]:
    """A private cluster for one test, free to stop/restart/crash; removed after the test."""
    try:
        server = start_throwaway_postgres(tmp_path_factory.mktemp("pg"))
    except PostgresUnavailableError as exc:
        pytest.fail(f"cannot start a throwaway PostgreSQL: {exc}\n{HOW_TO_FIX}", pytrace=False)
    with server:
        yield server
