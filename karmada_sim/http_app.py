"""The ASGI application of the simulated Karmada API server.

Layers, outermost first: request counting and fault injection (raw ASGI, so a fault can drop
the connection), then a Starlette app with the `/_sim/` control routes and one catch-all
route that authenticates and dispatches Kubernetes API paths (see routing.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from karmada_sim.control import control_routes
from karmada_sim.discovery import VERSION_INFO, discovery_document
from karmada_sim.errors import (
    ApiError,
    InternalError,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)
from karmada_sim.handlers import handle_resource, json_response, status_response
from karmada_sim.openapi import OpenAPIV3
from karmada_sim.routing import counter_key, parse_api_path

if TYPE_CHECKING:
    from karmada_sim.runtime import Simulator

logger = logging.getLogger(__name__)

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def authorize(sim: Simulator, request: Request) -> None:
    """Bearer token check; anonymous GET (get/list/watch/discovery) when configured."""
    token = sim.config.token
    if token is None:
        return
    header = request.headers.get("authorization")
    if header is not None:
        if header == f"Bearer {token}":
            return
        raise Unauthorized("Unauthorized")
    if sim.config.allow_anonymous_reads and request.method.upper() in ("GET", "HEAD"):
        return
    raise Unauthorized("Unauthorized")


def build_app(sim: Simulator) -> ASGIApp:
    """The complete ASGI app for `sim` (build it after `install()` added control routes)."""

    openapi = OpenAPIV3(sim.store.resource_types, sim.reference_dir)

    async def api(request: Request) -> Response:
        ap = parse_api_path(request.url.path)
        try:
            authorize(sim, request)
            if ap.kind == "version":
                return json_response(VERSION_INFO)
            if ap.kind == "discovery":
                server = f"{request.url.hostname}:{request.url.port}"
                return json_response(discovery_document(ap, sim.store.resource_types, server))
            if ap.kind == "openapi":
                return _openapi(openapi, ap.rest)
            if ap.kind == "proxy":
                return await _proxy(sim, request, ap.name or "", ap.rest)
            if ap.kind == "resource":
                return await handle_resource(sim.store, sim.watches, request, ap)
            raise NotFound("the server could not find the requested resource")
        except ApiError as exc:
            return status_response(exc)
        except Exception as exc:  # a simulator bug: answer a Status, keep serving
            logger.exception("simulator error on %s %s", request.method, request.url.path)
            return status_response(InternalError(f"simulator error: {exc!r}"))

    starlette = Starlette(
        routes=[*control_routes(sim), Route("/{path:path}", api, methods=ALL_METHODS)]
    )
    return FaultMiddleware(_ApiFastPath(starlette, api), sim)


def _openapi(openapi: OpenAPIV3, path: str) -> Response:
    parts = path.strip("/").split("/", 2)
    if len(parts) < 2 or parts[1] != "v3":
        raise NotFound("the server could not find the requested resource")  # no /openapi/v2
    if len(parts) == 2:
        return json_response(openapi.index())
    return Response(openapi.document(parts[2]), media_type="application/json")


async def _proxy(sim: Simulator, request: Request, cluster: str, path: str) -> Response:
    clusters = sim.store.resource("cluster.karmada.io/v1alpha1", "Cluster")
    if sim.store.get_raw(clusters, None, cluster) is None:
        raise NotFound.of("clusters", "cluster.karmada.io", cluster)
    if sim.proxy is None:
        raise ServiceUnavailable("the cluster proxy is not available")
    return await sim.proxy(request, cluster, path)


class _ApiFastPath:
    """Kubernetes API requests go straight to `api`; `/_sim/` routes through Starlette.

    The catch-all route would reach `api` anyway: Starlette's error and exception middleware,
    router and endpoint wrapper add nothing for it (`api` answers every error itself) but
    cost about a quarter of the HTTP handling per request (py-spy, createJob load).
    """

    def __init__(self, starlette: ASGIApp, api: Callable[[Request], Awaitable[Response]]
                 ) -> None:
        self.starlette = starlette
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim/") or (
                scope["method"] not in ALL_METHODS):
            await self.starlette(scope, receive, send)
            return
        request = Request(scope, receive, send)
        response = await self.api(request)
        await response(scope, receive, send)


class FaultMiddleware:
    """Counts API requests and applies the fault rules before the app sees them."""

    def __init__(self, app: ASGIApp, sim: Simulator) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        query = parse_qs(scope.get("query_string", b"").decode())
        watch = (query.get("watch") or [""])[0].lower() in ("1", "true")
        raw = {
            "method": method,
            "path": bytes(scope.get("raw_path") or path.encode()).decode("latin-1"),
            "query": bytes(scope.get("query_string", b"")).decode("latin-1"),
        }
        self.sim.requests.record(counter_key(method, parse_api_path(path), watch=watch), raw)
        decision = self.sim.faults.decide(method, path)
        if decision.latency_seconds:
            await asyncio.sleep(decision.latency_seconds)
        if decision.drop:
            _drop_connection(send)
            return
        if decision.status is not None:
            await _send_status(send, decision.status)
            return
        await self.app(scope, receive, send)


def _drop_connection(send: Send) -> None:
    # uvicorn's `send` is a bound method of its request cycle, which owns the transport.
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault: drop connection")
    transport.abort()
    if cycle is not None and hasattr(cycle, "disconnected"):
        cycle.disconnected = True


async def _send_status(send: Send, code: int) -> None:
    error: ApiError
    if code == 429:
        error = TooManyRequests("fault injected: too many requests", retry_after_seconds=1)
    elif code == 503:
        error = ServiceUnavailable("fault injected: service unavailable")
    else:
        error = InternalError(f"fault injected: HTTP {code}", code=code)
    body = json.dumps(error.status(), separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if code == 429:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
