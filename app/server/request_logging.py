"""Per-request observability: a request id, one log line per request, HTTP and websocket metrics.

The request id comes from the caller's ``X-Request-ID`` when it is a sane token (so a proxy's id
follows the request), otherwise a fresh one; it is bound to the logging context for everything
logged while the request runs, and echoed in the response. Durations are labelled with the
route *template* (``/api/v1/jobs/{id}``), never the raw path, so label values stay bounded.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability import metrics

log = logging.getLogger("mlplatform.request")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Job routes of the REST API: their job id goes into the logging context before the handler runs.
_JOB_PATH = re.compile(r"^/api/v1/jobs/(?P<id>[^/]+)")
# Probes and scrapes arrive every few seconds per replica: logged at DEBUG, not INFO.
QUIET_PATHS = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})
UNMATCHED_ROUTE = "unmatched"
#: With several workers (``serve --workers``), which process answered: HTTP responses and
#: websocket handshakes carry its pid, so clients and tests can tell the workers apart.
WORKER_PID_HEADER = "x-worker-pid"


def request_id_from(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new random id."""
    for name, value in scope.get("headers") or ():
        if name.decode("latin-1").lower() == REQUEST_ID_HEADER:
            candidate = str(value.decode("latin-1"))
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The matched route's path template, or ``unmatched`` (404s must not mint labels)."""
    route = scope.get("route")
    path: object = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def job_id_from_path(path: str) -> str | None:
    match = _JOB_PATH.match(path)
    return match.group("id") if match else None


class RequestObservabilityMiddleware:
    """ASGI middleware: request id, access line, duration histogram, websocket gauge."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._extra_headers: list[tuple[bytes, bytes]] | None = None

    def extra_headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        if self._extra_headers is None:
            settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
            workers = settings.server.web_concurrency if settings is not None else 1
            self._extra_headers = (
                [(WORKER_PID_HEADER.encode(), str(os.getpid()).encode())] if workers > 1 else []
            )
        return self._extra_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_from(scope)
        context: dict[str, Any] = {"request_id": request_id}
        job_id = job_id_from_path(scope.get("path", ""))
        if job_id is not None:
            context["job_id"] = job_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                headers.extend(self.extra_headers(scope))
                message = {**message, "headers": headers}
            await send(message)

        with structlog.contextvars.bound_contextvars(**context):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = route_template(scope)
                method = scope.get("method", "")
                metrics.HTTP_REQUEST_SECONDS.labels(
                    method=method, route=route, status=str(status)
                ).observe(elapsed)
                path = scope.get("path", "")
                level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
                log.log(
                    level,
                    "%s %s %d %.1fms",
                    method,
                    path,
                    status,
                    elapsed * 1000,
                    extra={"route": route, "status": status},
                )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_from(scope)
        close_code: int | None = None

        async def tracking_send(message: Message) -> None:
            nonlocal close_code
            if message["type"] == "websocket.close":
                close_code = int(message.get("code", 1000))
            elif message["type"] == "websocket.accept" and self.extra_headers(scope):
                headers = [*(message.get("headers") or ()), *self.extra_headers(scope)]
                message = {**message, "headers": headers}
            await send(message)

        metrics.WEBSOCKET_CONNECTIONS.inc()
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            log.info("websocket %s opened", scope.get("path", ""))
            try:
                await self.app(scope, receive, tracking_send)
            finally:
                metrics.WEBSOCKET_CONNECTIONS.dec()
                log.info(
                    "websocket %s closed (code %s) after %.1fs",
                    scope.get("path", ""),
                    close_code if close_code is not None else "-",
                    time.perf_counter() - started,
                )
