"""Opening the database and bringing its schema to head."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import Tortoise
from tortoise.backends.base import executor as base_executor
from tortoise.migrations.api import migrate as tortoise_migrate

from app.db.config import PoolReset, tortoise_config
from app.db.legacy import adopt_if_legacy, copy_legacy_rows

# Session-level advisory lock key so concurrent `mlplatform migrate` runs serialise.
MIGRATION_LOCK_KEY = 0x6D6C_706C_6D69_6772  # "mlplmigr"


async def migrate(database_url: str) -> None:
    """Apply every pending migration; safe to run concurrently on PostgreSQL."""
    config = tortoise_config(database_url)
    if database_url.startswith(("postgres://", "postgresql://")):
        import asyncpg  # local: SQLite installs never need it

        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _signed(MIGRATION_LOCK_KEY))
            try:
                # The Go service's GORM table is renamed before, and copied after, migrating.
                await adopt_if_legacy(conn)
                await tortoise_migrate(config=config)
                await copy_legacy_rows(conn)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", _signed(MIGRATION_LOCK_KEY))
        finally:
            await conn.close()
    else:
        await tortoise_migrate(config=config)
    await Tortoise.close_connections()


@asynccontextmanager
async def database(
    database_url: str, *, apply_migrations: bool = False, pool_reset: PoolReset = "full"
) -> AsyncIterator[None]:
    """Initialise Tortoise for the lifetime of the block (``pool_reset``: app.db.config)."""
    # Tortoise caches INSERT SQL per (connection name, table) across backends; a process that
    # switches backends (tests) would otherwise send the wrong placeholders.
    base_executor.EXECUTOR_CACHE.clear()
    if apply_migrations:
        # In a task of its own: the migration API leaves a Tortoise context behind in the
        # current context, which would shadow the global one initialised below.
        await asyncio.create_task(migrate(database_url))
    # Requests run in tasks that do not inherit the lifespan's context: use the global fallback.
    await Tortoise.init(
        config=tortoise_config(database_url, pool_reset=pool_reset), _enable_global_fallback=True
    )
    try:
        yield
    finally:
        await Tortoise.close_connections()


def _signed(key: int) -> int:
    return key - (1 << 64) if key >= (1 << 63) else key
