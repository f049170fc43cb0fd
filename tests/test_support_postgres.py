"""Tests for the PostgreSQL test fixtures and the throwaway cluster."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest

from tests.support.postgres import PostgresServer, resolve_postgres_server, run_coroutine_sync
from tests.support.throwaway_postgres import (
    PostgresUnavailableError,
    ThrowawayPostgres,
    start_throwaway_postgres,
)

# Starts, stops and resolves PostgreSQL servers.
pytestmark = pytest.mark.postgres

REPO_ROOT = Path(__file__).resolve().parent.parent


async def _fetch(dsn: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def test_url_parsing_keeps_credentials_and_admin_database() -> None:
    server = PostgresServer.from_url("postgresql://app:p%40ss@db.example:6543/admin", "x")
    assert (server.host, server.port, server.user, server.password) == (
        "db.example",
        6543,
        "app",
        "p@ss",
    )
    assert server.admin_dsn == "postgres://app:p%40ss@db.example:6543/admin"
    assert server.dsn("t1") == "postgres://app:p%40ss@db.example:6543/t1"


def test_url_without_password_or_path_defaults_to_postgres_db() -> None:
    server = PostgresServer.from_url("postgres://postgres@127.0.0.1:5432", "x")
    assert server.password is None
    assert server.admin_dsn == "postgres://postgres@127.0.0.1:5432/postgres"


def test_non_postgres_url_is_rejected() -> None:
    with pytest.raises(PostgresUnavailableError):
        PostgresServer.from_url("sqlite://./x.db", "x")


async def test_pg_url_is_a_fresh_empty_database(pg_url: str, pg_server: PostgresServer) -> None:
    dbname = pg_url.rsplit("/", 1)[1]
    assert pg_url.startswith("postgres://")
    assert pg_server.database_exists(dbname)
    rows = await _fetch(
        pg_url,
        "SELECT current_database() AS db, "
        "(SELECT count(*) FROM information_schema.tables "
        " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')) AS tables",
    )
    assert rows[0]["db"] == dbname
    assert rows[0]["tables"] == 0


async def test_pg_url_databases_are_distinct_per_test(
    pg_url: str, pg_server: PostgresServer
) -> None:
    # A second database from the same server must not be the one this test got.
    other = "test_other_" + pg_url.rsplit("/", 1)[1]
    pg_server.create_database(other)
    try:
        await _fetch(pg_server.dsn(other), "CREATE TABLE marker (id int)")
        rows = await _fetch(pg_url, "SELECT to_regclass('marker') AS t")
        assert rows[0]["t"] is None
    finally:
        pg_server.drop_database(other)
    assert not pg_server.database_exists(other)


def test_drop_database_terminates_open_connections(pg_server: PostgresServer) -> None:
    name = "test_drop_busy"
    pg_server.drop_database(name)
    pg_server.create_database(name)

    async def hold_connection_while_dropping() -> None:
        conn = await asyncpg.connect(pg_server.dsn(name), timeout=5)
        try:
            pg_server.drop_database(name)  # runs on another loop/thread; must not hang
            assert not pg_server.database_exists(name)
        finally:
            conn.terminate()

    run_coroutine_sync(hold_connection_while_dropping)


def test_run_coroutine_sync_propagates_errors() -> None:
    async def boom() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_coroutine_sync(boom)


def test_throwaway_cluster_starts_stops_and_restarts_keeping_data(tmp_path: Path) -> None:
    with start_throwaway_postgres(tmp_path) as server:
        assert isinstance(server, ThrowawayPostgres)
        assert server.port != 5432
        assert server.is_running()
        run_coroutine_sync(lambda: _fetch(server.admin_dsn, "CREATE TABLE kept (id int)"))

        server.stop()
        assert not server.is_running()
        with pytest.raises(OSError):
            run_coroutine_sync(lambda: _fetch(server.admin_dsn, "SELECT 1"))

        server.start()
        assert server.is_running()
        rows = run_coroutine_sync(
            lambda: _fetch(server.admin_dsn, "SELECT to_regclass('kept') AS t")
        )
        assert rows[0]["t"] == "kept"

        # A crash-style stop recovers on the next start too.
        server.stop("immediate")
        server.start()
        rows = run_coroutine_sync(lambda: _fetch(server.dsn("postgres"), "SELECT 1 AS one"))
        assert rows[0]["one"] == 1
        workdir = server.workdir
    assert not workdir.exists()


def test_throwaway_fixture_gives_a_running_private_cluster(
    throwaway_postgres: ThrowawayPostgres,
) -> None:
    assert throwaway_postgres.is_running()
    if os.geteuid() == 0:
        # As root the server must run as the unprivileged `postgres` user.
        rows = run_coroutine_sync(
            lambda: _fetch(
                throwaway_postgres.admin_dsn, "SELECT current_setting('data_directory') AS d"
            )
        )
        owner = Path(rows[0]["d"]).stat().st_uid
        assert owner != 0


def test_unreachable_test_database_url_fails_the_run_loudly(tmp_path: Path) -> None:
    # An explicit TEST_DATABASE_URL that does not answer must end the run non-zero with a
    # clear message, never skip (CI set, as in .ci/run).
    test_file = tmp_path / "test_needs_db.py"
    test_file.write_text(
        textwrap.dedent(
            """
            def test_uses_db(pg_url):
                assert pg_url
            """
        )
    )
    dead_port = _free_port()
    env = {
        **os.environ,
        "CI": "true",
        "TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead_port}/postgres",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.postgres",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test_file)],
        cwd=REPO_ROOT, env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "PostgreSQL unavailable" in output
    assert "CI is set" in output
    assert "skipped" not in output


def _free_port() -> int:
    from tests.support.throwaway_postgres import find_free_port

    return find_free_port()


def _refuse_to_start() -> ThrowawayPostgres:
    raise AssertionError("must not start a throwaway cluster when a server answers")


def test_resolve_prefers_test_database_url(
    monkeypatch: pytest.MonkeyPatch, throwaway_postgres: ThrowawayPostgres
) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", throwaway_postgres.admin_dsn)
    server, started = resolve_postgres_server(
        local_url="postgres://postgres@127.0.0.1:1/postgres", start_throwaway=_refuse_to_start
    )
    assert (server.source, server.port, started) == (
        "TEST_DATABASE_URL",
        throwaway_postgres.port,
        None,
    )


def test_resolve_uses_local_server_when_it_answers(
    monkeypatch: pytest.MonkeyPatch, throwaway_postgres: ThrowawayPostgres
) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    # The throwaway cluster stands in for "a server already running on the usual port".
    server, started = resolve_postgres_server(
        local_url=throwaway_postgres.admin_dsn, start_throwaway=_refuse_to_start
    )
    assert (server.source, server.port, started) == ("local", throwaway_postgres.port, None)


def test_resolve_starts_throwaway_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    dead = f"postgres://postgres@127.0.0.1:{_free_port()}/postgres"
    server, started = resolve_postgres_server(local_url=dead)
    assert started is not None
    try:
        assert server.source == "throwaway"
        server.create_database("test_resolve_fallback")
        assert server.database_exists("test_resolve_fallback")
    finally:
        started.cleanup()
    assert not started.workdir.exists()


def test_resolve_explains_both_failures_when_nothing_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)

    def no_binaries() -> ThrowawayPostgres:
        raise PostgresUnavailableError("no PostgreSQL server binaries found")

    dead_port = _free_port()
    with pytest.raises(PostgresUnavailableError) as caught:
        resolve_postgres_server(
            local_url=f"postgres://postgres@127.0.0.1:{dead_port}/postgres",
            start_throwaway=no_binaries,
        )
    assert f"127.0.0.1:{dead_port}" in str(caught.value)
    assert "no PostgreSQL server binaries found" in str(caught.value)
