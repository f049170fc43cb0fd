"""The light pool reset (DB_POOL_RESET=rollback, app.db.config): a released connection sends no
reset query, yet an open transaction is still rolled back before the next acquirer."""

from __future__ import annotations

import pytest
from tortoise import connections

from app.db.session import database


@pytest.mark.parametrize("mode", ["rollback", "full"])
async def test_an_abandoned_transaction_never_reaches_the_next_acquirer(
    pg_url: str, mode: str
) -> None:
    async with database(pg_url, apply_migrations=True, pool_reset=mode):  # type: ignore[arg-type]
        await connections.get("default").execute_query("SELECT 1")  # the pool is lazy
        pool = connections.get("default")._pool  # type: ignore[attr-defined]
        assert (pool._reset is not None) == (mode == "rollback")
        conn = await pool.acquire()
        await conn.execute("CREATE TABLE IF NOT EXISTS reset_probe (n int)")
        await conn.execute("BEGIN")
        await conn.execute("INSERT INTO reset_probe VALUES (1)")
        assert conn.is_in_transaction()
        await pool.release(conn)  # abandoned mid-transaction
        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT count(*) FROM reset_probe") == 0
            await again.execute("DROP TABLE reset_probe")
