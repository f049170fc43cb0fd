"""What observability costs per request: the request middleware (request id, access line,
duration histogram) and a /metrics render, against a baseline in the same run.

Drives ASGI apps in-process (no sockets), so the numbers are the middleware's own cost:

- baseline: a bare Starlette route;
- + RequestObservabilityMiddleware, logging disabled (histogram + request id only);
- + RequestObservabilityMiddleware with JSON logging to /dev/null (the production setting);
- GraphQL query through the product's schema, without and with GraphQLMetricsExtension;
- rendering the registry after many route/status series exist.

usage: PYTHONPATH=. .venv/bin/python bench/observability_overhead.py [--requests 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.graphql.metrics import GraphQLMetricsExtension
from app.observability import metrics
from app.observability.logging_setup import configure_logging
from app.server.request_logging import RequestObservabilityMiddleware


async def _job(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["job_id"]})


def _app(observed: bool) -> Starlette:
    middleware = [Middleware(RequestObservabilityMiddleware)] if observed else []
    return Starlette(routes=[Route("/api/v1/jobs/{job_id}", _job)], middleware=middleware)


async def _call(app: Any, path: str) -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"bench")],
        "scheme": "http",
        "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
        "http_version": "1.1",
        "root_path": "",
        "app": app,
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    await app(scope, receive, send)


Samples = tuple[list[float], list[float]]


async def _measure(n: int, one: Callable[[int], Awaitable[None]]) -> Samples:
    """Wall-clock and CPU (this thread) microseconds per call: on a shared machine the wall
    clock includes waiting for a core; the CPU time is the work itself."""
    for i in range(min(200, n)):  # warm-up
        await one(i)
    wall, cpu = [], []
    for i in range(n):
        started, started_cpu = time.perf_counter(), time.thread_time()
        await one(i)
        wall.append((time.perf_counter() - started) * 1e6)
        cpu.append((time.thread_time() - started_cpu) * 1e6)
    return wall, cpu


@strawberry.type
class _Query:
    @strawberry.field
    def job(self, id: strawberry.ID) -> str:
        return str(id)


async def main(n: int) -> None:
    rows: list[tuple[str, Samples]] = []
    bare, observed = _app(False), _app(True)
    logging.getLogger("mlplatform.request").disabled = True
    rows.append(
        (
            "HTTP baseline: bare route",
            await _measure(n, lambda i: _call(bare, f"/api/v1/jobs/j-{i}")),
        )
    )
    rows.append(
        (
            "HTTP + middleware, logging off",
            await _measure(n, lambda i: _call(observed, f"/api/v1/jobs/j-{i}")),
        )
    )
    logging.getLogger("mlplatform.request").disabled = False
    devnull = open(os.devnull, "w")  # noqa: ASYNC230, SIM115 (/dev/null never blocks)
    saved, sys.stderr = sys.stderr, devnull
    try:
        configure_logging("json", "INFO")
        rows.append(
            (
                "HTTP + middleware + JSON access line",
                await _measure(n, lambda i: _call(observed, f"/api/v1/jobs/j-{i}")),
            )
        )
    finally:
        sys.stderr = saved
        logging.getLogger().handlers.clear()
        devnull.close()
    query = "query Bench($id: ID!) { job(id: $id) }"
    plain = strawberry.Schema(query=_Query)
    counted = strawberry.Schema(query=_Query, extensions=[GraphQLMetricsExtension])
    for label, schema in (
        ("GraphQL baseline: no extension", plain),
        ("GraphQL + metrics extension", counted),
    ):

        async def run(i: int, schema: strawberry.Schema = schema) -> None:
            await schema.execute(query, variable_values={"id": f"j-{i}"}, operation_name="Bench")

        rows.append((label, await _measure(n, run)))
    # A long-running server: ~25 routes x 3 methods x a few statuses, then a worst case.
    for route in range(25):
        for method in ("GET", "POST", "DELETE"):
            for status in ("200", "201", "400", "404"):
                metrics.HTTP_REQUEST_SECONDS.labels(method, f"/r{route}", status).observe(0.01)
    rows.append(
        (
            "render /metrics (~300 HTTP series)",
            await _measure(max(20, n // 100), lambda i: _render()),
        )
    )
    for status in range(200, 600, 7):
        for route in range(20):
            metrics.HTTP_REQUEST_SECONDS.labels("GET", f"/x{route}", str(status)).observe(0.01)
    rows.append(
        (
            "render /metrics (~1,400 HTTP series)",
            await _measure(max(20, n // 100), lambda i: _render()),
        )
    )

    print(f"Observability overhead, {n} requests per row (in-process ASGI, 2-core machine)\n")
    print("| measurement | median µs | p95 µs | median CPU µs |")
    print("|---|---|---|---|")
    for label, (wall, cpu) in rows:
        wall.sort()
        p95 = wall[int(len(wall) * 0.95) - 1]
        print(
            f"| {label} | {statistics.median(wall):.1f} | {p95:.1f} "
            f"| {statistics.median(cpu):.1f} |"
        )


async def _render() -> None:
    metrics.render()  # in the product it runs in a worker thread (app/server/ops_routes.py)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    asyncio.run(main(parser.parse_args().requests))
