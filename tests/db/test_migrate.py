"""`mlplatform migrate`: the advisory lock makes concurrent runs safe; re-runs are no-ops."""

from __future__ import annotations

import asyncio

import asyncpg

from app.server.health import migrations_on_disk
from tests.db.migrate_cli import run_migrate_processes


async def _applied(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT name FROM tortoise_migrations ORDER BY name")
    finally:
        await conn.close()
    return [r["name"] for r in rows]


async def test_two_concurrent_migrations_apply_each_migration_once(pg_url: str) -> None:
    results = await asyncio.to_thread(run_migrate_processes, pg_url, 2)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert all("database schema is at head" in r.stdout for r in results)
    assert await _applied(pg_url) == migrations_on_disk()


async def test_migrate_again_is_a_no_op(pg_url: str) -> None:
    first = await asyncio.to_thread(run_migrate_processes, pg_url, 1)
    assert first[0].returncode == 0, first[0].stderr
    again = await asyncio.to_thread(run_migrate_processes, pg_url, 1)
    assert again[0].returncode == 0, again[0].stderr
    assert await _applied(pg_url) == migrations_on_disk()
