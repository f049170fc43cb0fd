"""Operational HTTP routes: /health/live, /health/ready and /metrics (exact paths, no redirects)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.functions import Count

from app.db.models import TrainingJob
from app.observability import metrics
from app.server.health import readiness

log = logging.getLogger(__name__)


async def live(request: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


def _is_leader(request: Request) -> bool:
    election = getattr(request.app.state, "leader", None)
    return bool(election is not None and election.is_leader.is_set())


async def ready(request: Request) -> JSONResponse:
    services = request.app.state.services
    status, body = await readiness(
        services.karmada, shutting_down=bool(getattr(request.app.state, "shutting_down", False))
    )
    # Informational: readiness never depends on leadership (every replica serves the API).
    body["leader"] = _is_leader(request)
    return JSONResponse(body, status_code=status)


async def _jobs_by_phase() -> dict[str, int]:
    rows: list[dict[str, Any]] = (
        await TrainingJob.annotate(n=Count("id")).group_by("status").values("status", "n")
    )
    return {str(row["status"]): int(row["n"]) for row in rows}


async def metrics_endpoint(request: Request) -> Response:
    try:
        metrics.set_jobs_by_phase(await _jobs_by_phase())
    except Exception as exc:  # a scrape still answers while the database is down
        log.warning("metrics: cannot count jobs by phase: %s", type(exc).__name__)
    state = request.app.state
    services = getattr(state, "services", None)
    if services is not None:
        metrics.ACTIVE_SUBSCRIPTIONS.set(services.hub.subscriber_count)
    metrics.LEADER.set(1 if _is_leader(request) else 0)
    poller = getattr(state, "poller", None)
    last_success = getattr(poller, "last_success", None)
    metrics.POLL_LAST_SUCCESS.set(last_success.timestamp() if last_success else 0)
    # Rendering is CPU work proportional to the series count: keep it off the event loop.
    body, content_type = await asyncio.to_thread(metrics.render)
    return Response(body, media_type=content_type)


routes: list[BaseRoute] = [
    Route("/health/live", live, methods=["GET"]),
    Route("/health/ready", ready, methods=["GET"]),
    Route("/metrics", metrics_endpoint, methods=["GET"]),
]
