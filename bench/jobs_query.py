"""Benchmark: ``jobs(first: 50, filter)`` throughput with 10,000 jobs in PostgreSQL.

In the same run, against the same database:

* the product: ``mlplatform serve`` (uvicorn, Strawberry, Tortoise) answering the GraphQL
  query ``jobs(filter, first: 50) { totalCount pageInfo edges { cursor node {...} } }``;
* the baseline: a raw Starlette + asyncpg endpoint (uvicorn too) running the same SQL the
  resolver runs (a filtered ``count(*)`` and the keyset page ``ORDER BY created_at DESC, id
  DESC LIMIT 51`` over the same columns) and returning the same fields as JSON.

Both servers run as separate processes; one client process drives each in turn with the
same concurrency and the same rotation of filters. Target: product >= 0.5x baseline.

Usage: .venv/bin/python bench/jobs_query.py [--jobs 10000] [--seconds 10] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (GraphQL filter, SQL condition, SQL args): the same filters both ways.
FILTERS: list[tuple[dict[str, Any], str, list[Any]]] = [
    ({"phases": ["FAILED"]}, "status = ANY($1::text[])", [["FAILED"]]),
    (
        {"algorithms": ["pytorch", "xgboost"], "minPriority": 500},
        "algorithm = ANY($1::text[]) AND priority >= $2",
        [["pytorch", "xgboost"], 500],
    ),
    (
        {"namespace": "team-a", "phases": ["SUCCEEDED", "STOPPED"]},
        "namespace = $1 AND status = ANY($2::text[])",
        ["team-a", ["SUCCEEDED", "STOPPED"]],
    ),
    ({}, "TRUE", []),
]
QUERY = """
query($filter: JobFilterInput) {
  jobs(filter: $filter, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id jobName namespace algorithm priority phase createdAt } }
  }
}
"""


# -- the baseline server ---------------------------------------------------------------


def baseline_app(dsn: str) -> Any:
    """Starlette + asyncpg: the same SQL as the resolver, the same fields back."""
    import asyncpg
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=2, max_size=10)
        yield
        await state["pool"].close()

    async def jobs(request: Request) -> JSONResponse:
        index = int(request.query_params.get("f", "0"))
        _, where, args = FILTERS[index]
        async with state["pool"].acquire() as conn:
            total = await conn.fetchval(f"SELECT count(*) FROM training_jobs WHERE {where}", *args)
            rows = await conn.fetch(
                f"SELECT * FROM training_jobs WHERE {where} "
                "ORDER BY created_at DESC, id DESC LIMIT 51",
                *args,
            )
        page = rows[:50]
        edges = [
            {
                "cursor": json.dumps([r["created_at"].isoformat(), r["id"]]),
                "node": {
                    "id": r["id"],
                    "jobName": r["job_name"],
                    "namespace": r["namespace"],
                    "algorithm": r["algorithm"],
                    "priority": r["priority"],
                    "phase": r["status"],
                    "createdAt": r["created_at"].isoformat(),
                },
            }
            for r in page
        ]
        return JSONResponse(
            {
                "totalCount": total,
                "pageInfo": {
                    "hasNextPage": len(rows) > 50,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
                "edges": edges,
            }
        )

    return Starlette(routes=[Route("/jobs", jobs)], lifespan=lifespan)


# -- orchestration ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, deadline_seconds: float = 60) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def drive(send: Any, seconds: float, concurrency: int) -> tuple[int, list[float]]:
    """Run ``send(i)`` from ``concurrency`` workers for ``seconds``; (count, latencies ms)."""
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds
    counter = 0

    async def worker() -> None:
        nonlocal counter
        while time.monotonic() < stop_at:
            i = counter
            counter += 1
            started = time.perf_counter()
            await send(i)
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), latencies


async def measure(base: str, kind: str, seconds: float, concurrency: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def product(i: int) -> None:
            gql_filter = FILTERS[i % len(FILTERS)][0]
            answer = await client.post(
                "/graphql", json={"query": QUERY, "variables": {"filter": gql_filter}}
            )
            body = answer.json()
            assert "errors" not in body and len(body["data"]["jobs"]["edges"]) == 50, body

        async def baseline(i: int) -> None:
            answer = await client.get("/jobs", params={"f": i % len(FILTERS)})
            assert len(answer.json()["edges"]) == 50

        send = product if kind == "product" else baseline
        await drive(send, 1.0, concurrency)  # warm-up (connections, caches, JIT-free paths)
        count, latencies = await drive(send, seconds, concurrency)
    latencies.sort()
    return {
        "rps": count / seconds,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "DSN"), help="internal")
    args = parser.parse_args()
    if args.serve_baseline:
        import uvicorn

        port, dsn = args.serve_baseline
        uvicorn.run(baseline_app(dsn), host="127.0.0.1", port=int(port), log_level="warning")
        return 0

    from tests.operations.seed import make_rows, seed_jobs
    from tests.support.postgres import resolve_postgres_server

    server, throwaway = resolve_postgres_server()
    dbname = f"bench_{uuid.uuid4().hex[:8]}"
    server.create_database(dbname)
    dsn = server.dsn(dbname)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # The simulated Karmada runs in its own process, as a real Karmada would: embedded,
        # its member loops would share the product's interpreter.
        sim_port = free_port()
        kubeconfig = Path(f"/tmp/{dbname}.kubeconfig")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "app.server.cli",
                    "simulate",
                    "--port",
                    str(sim_port),
                    "--kubeconfig",
                    str(kubeconfig),
                    "--insecure-http",  # loopback only; the bench measures the product
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_up(f"http://127.0.0.1:{sim_port}/_sim/healthz")
        env = {
            **os.environ,
            "DATABASE_URL": dsn,
            "LOG_LEVEL": "WARNING",
            "POLL_INTERVAL_SECONDS": "1.0",
            "KARMADA_KUBECONFIG": str(kubeconfig),
        }
        product_port, baseline_port = free_port(), free_port()
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "app.server.cli", "serve", "--port", str(product_port)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        product_url = f"http://127.0.0.1:{product_port}"
        wait_up(f"{product_url}/health")  # migrations applied: the table exists
        started = time.perf_counter()
        asyncio.run(seed_jobs(dsn, make_rows(args.jobs)))
        seeded = time.perf_counter() - started
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--serve-baseline",
                    str(baseline_port),
                    dsn,
                ],
                cwd=ROOT,
                env=env,
            )
        )
        baseline_url = f"http://127.0.0.1:{baseline_port}"
        wait_up(f"{baseline_url}/jobs")
        base = asyncio.run(measure(baseline_url, "baseline", args.seconds, args.concurrency))
        prod = asyncio.run(measure(product_url, "product", args.seconds, args.concurrency))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        server.drop_database(dbname)
        if throwaway is not None:
            throwaway.stop()
    print(
        f"jobs(first: 50, filter) with {args.jobs} jobs in PostgreSQL (seeded in "
        f"{seeded:.1f} s); {args.concurrency} concurrent clients, {args.seconds:.0f} s each, "
        f"{len(FILTERS)} filters in rotation\n"
    )
    print("| server | requests/s | p50 ms | p95 ms | vs baseline |")
    print("|---|---|---|---|---|")
    for name, row in (
        ("baseline: Starlette + asyncpg, same SQL", base),
        ("product: GraphQL jobs(first: 50, filter)", prod),
    ):
        ratio = row["rps"] / base["rps"]
        print(f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | {ratio:.2f}x |")
    verdict = "meets" if prod["rps"] >= 0.5 * base["rps"] else "MISSES"
    print(f"\nproduct/baseline = {prod['rps'] / base['rps']:.2f}x ({verdict} the 0.5x target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
