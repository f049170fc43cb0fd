"""Tortoise configuration for a database URL."""

from __future__ import annotations

from typing import Any, Literal

from tortoise.backends.base.config_generator import expand_db_url

MODELS_MODULE = "app.db.models"
MIGRATIONS_MODULE = "app.db.migrations"

PoolReset = Literal["rollback", "full"]


async def _rollback_only(_connection: Any) -> None:
    """Pool reset that sends nothing: asyncpg has already rolled back an open transaction.

    asyncpg's default reset sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`` on every release: one more round trip per query or transaction (3-6% of the
    server's CPU under load, docs/benchmarks.md). Pooled connections never carry that state:
    the leader lock (app.db.leader), the migration lock (app.db.session) and LISTEN
    (app.live.pg_bridge) each use a dedicated connection, and no code issues SET, DECLARE
    ... WITH HOLD or temporary tables (check this when adding raw SQL). Before calling a
    custom reset, asyncpg's ``Connection._reset`` clears listeners and ROLLBACKs an open
    transaction, so that part stays.
    """


def tortoise_config(database_url: str, *, pool_reset: PoolReset = "full") -> dict[str, Any]:
    """``pool_reset``: ``rollback`` (only an open transaction is rolled back on release) or
    ``full`` (asyncpg's default reset query; migrations and one-off commands)."""
    url = database_url.replace("postgresql://", "postgres://", 1)
    connection: str | dict[str, Any] = url
    if pool_reset == "rollback" and url.startswith(("postgres://", "asyncpg://")):
        expanded = expand_db_url(url)
        expanded["credentials"]["reset"] = _rollback_only
        connection = expanded
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }
