"""Root conftest. PostgreSQL fixtures (pg_server, pg_url, throwaway_postgres) live in a plugin."""

pytest_plugins = ["tests.support.postgres"]
