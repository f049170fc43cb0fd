"""Tortoise configuration for a database URL."""

from __future__ import annotations

from typing import Any

MODELS_MODULE = "app.db.models"
MIGRATIONS_MODULE = "app.db.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    url = database_url.replace("postgresql://", "postgres://", 1)
    return {
        "connections": {"default": url},
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
