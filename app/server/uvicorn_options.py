"""What ``mlplatform serve`` tells uvicorn, from the settings (tests serve with the same)."""

from __future__ import annotations

from typing import Any

from app.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "ws_ping_interval": settings.graphql.ws_ping_interval_seconds,
        "ws_ping_timeout": settings.graphql.ws_ping_timeout_seconds,
        # One websocket message may be as large as one HTTP body, not uvicorn's 16 MiB: it is
        # read whole before any of our checks can look at it (closed 1009 beyond).
        "ws_max_size": settings.server.max_request_body_bytes,
        "timeout_graceful_shutdown": int(settings.server.graceful_shutdown_seconds),
        "timeout_keep_alive": settings.server.http_keep_alive_seconds,
        "log_level": settings.server.log_level.lower(),
        # Our logging setup stays in force (no uvicorn dictConfig); one line per request
        # comes from app.server.request_logging instead of uvicorn's access log.
        "log_config": None,
        "access_log": False,
    }
