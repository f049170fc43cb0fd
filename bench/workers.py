"""``mlplatform serve --workers 1`` vs ``--workers 2``: the same closed-loop load against each,
operations per second and p50/p99 per operation.

Each row: a fresh PostgreSQL database seeded with ``--seed`` jobs (created through the API and
run to the end), a fresh simulator process, the server with N workers. Then ``--clients``
loops without think time, spread over ``--client-processes`` processes (each its own event
loop and httpx pool, so the client is not what saturates), run for ``--duration`` seconds a
mix of: the GraphQL ``jobs(first: 20)`` list (70%), ``job(id)`` with its events (20%),
REST ``GET /api/v1/jobs/{id}/status`` (5%) and ``createJob`` (5%). CPU of the server (all
its processes), the simulator and the clients comes from /proc over the measured window.
On this 2-core machine PostgreSQL, the simulator and the clients share the cores with the
workers: the second worker can only use what they leave.

usage: .venv/bin/python bench/workers.py [--clients 64] [--duration 30] [--seed 200]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.create_cost import CREATE, job_input, wait_archived
from bench.serve_procs import (
    cpu_seconds,
    database,
    load_average,
    server,
    simulator,
)

JOBS = "query($n: Int!) { jobs(first: $n) { totalCount nodes { id phase reason createdAt } } }"
JOB = "query($id: ID!) { job(id: $id) { id phase events { sequence toPhase reason at } } }"
MIX = [("jobs list (GraphQL)", 0.70), ("job + events (GraphQL)", 0.20),
       ("job status (REST)", 0.05), ("createJob", 0.05)]


async def _client_loops(base_url: str, loops: int, duration: float, ids: list[str]
                        ) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {name: [] for name, _ in MIX}
    errors: list[str] = []
    names = [name for name, _ in MIX]
    weights = [w for _, w in MIX]
    limits = httpx.Limits(max_connections=loops, max_keepalive_connections=loops)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        end = time.monotonic() + duration

        async def loop() -> None:
            rng = random.Random()
            while time.monotonic() < end:
                op = rng.choices(names, weights)[0]
                started = time.perf_counter()
                if op == "jobs list (GraphQL)":
                    answer = await http.post("/graphql", json={"query": JOBS,
                                                               "variables": {"n": 20}})
                elif op == "job + events (GraphQL)":
                    answer = await http.post("/graphql", json={
                        "query": JOB, "variables": {"id": rng.choice(ids)}})
                elif op == "job status (REST)":
                    answer = await http.get(f"/api/v1/jobs/{rng.choice(ids)}/status")
                else:
                    answer = await http.post("/graphql", json={
                        "query": CREATE,
                        "variables": {"input": job_input(f"wl-{uuid.uuid4().hex[:8]}")}})
                if answer.status_code >= 500 or (
                        op != "job status (REST)" and answer.json().get("errors")):
                    errors.append(f"{op}: {answer.status_code}")
                latencies[op].append(time.perf_counter() - started)

        await asyncio.gather(*(loop() for _ in range(loops)))
    latencies["errors"] = [float(len(errors))]
    return latencies


def _client_process(base_url: str, loops: int, duration: float, ids: list[str],
                    out: Any) -> None:
    out.put(asyncio.run(_client_loops(base_url, loops, duration, ids)))


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _seed(base_url: str, db_url: str, count: int) -> list[str]:
    prefix = f"seed{uuid.uuid4().hex[:4]}"
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for i in range(count):
            answer = await http.post("/graphql", json={
                "query": CREATE, "variables": {"input": job_input(f"{prefix}-{i}")}})
            ids.append(answer.json()["data"]["createJob"]["job"]["id"])
    await wait_archived(db_url, prefix, count)
    return ids


def run_row(workers: int, args: argparse.Namespace, tmp: Path, log: Any) -> dict[str, Any]:
    env_common = {"ML_PLATFORM_INSTANCE": "bench-workers", "OPERATIONS_INTERVAL_SECONDS": "1"}
    with database() as db_url, simulator(tmp, log) as (sim, kubeconfig), server(
        {**env_common, "DATABASE_URL": db_url, "KARMADA_KUBECONFIG": str(kubeconfig)},
        log, workers=workers,
    ) as (srv, base_url):
        ids = asyncio.run(_seed(base_url, db_url, args.seed))
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        per = max(1, args.clients // args.client_processes)
        procs = [ctx.Process(target=_client_process,
                             args=(base_url, per, args.duration, ids, out))
                 for _ in range(args.client_processes)]
        for p in procs:
            p.start()
        time.sleep(1.0)  # the clients' start-up (imports) is not measured
        s0, k0, c0 = cpu_seconds(srv.pid), cpu_seconds(sim.pid), sum(
            cpu_seconds(p.pid or 0) for p in procs)
        t0 = time.monotonic()
        time.sleep(max(0.0, args.duration - 2.0))
        s1, k1, c1 = cpu_seconds(srv.pid), cpu_seconds(sim.pid), sum(
            cpu_seconds(p.pid or 0) for p in procs)
        t1 = time.monotonic()
        results = [out.get(timeout=args.duration + 120) for _ in procs]
        for p in procs:
            p.join(30)
    merged: dict[str, list[float]] = {name: [] for name, _ in MIX}
    errors = 0
    for r in results:
        errors += int(r.pop("errors")[0])
        for name, values in r.items():
            merged[name] += values
    wall = t1 - t0
    return {
        "workers": workers,
        "ops": sum(len(v) for v in merged.values()) / args.duration,
        "latencies": merged,
        "errors": errors,
        "server_cpu": (s1 - s0) / wall,
        "sim_cpu": (k1 - k0) / wall,
        "client_cpu": (c1 - c0) / wall,
        "load": load_average(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp_name:
        tmp = Path(tmp_name)
        with (tmp / "children.log").open("wb") as log:
            for _ in range(args.repeat):
                for workers in (1, 2):
                    rows.append(run_row(workers, args, tmp, log))
                    print(f"  done: {workers} worker(s) (load {rows[-1]['load']})",
                          file=sys.stderr)
    print(f"\nserve --workers 1 vs 2: {args.clients} closed-loop clients in "
          f"{args.client_processes} processes, {args.duration:.0f} s, {args.seed} seeded jobs\n")
    print("| workers | ops/s | " + " | ".join(f"{n} p50 / p99 ms" for n, _ in MIX)
          + " | errors | CPU server / simulator / clients (cores) | load |")
    print("|---|---|" + "---|" * len(MIX) + "---|---|---|")
    for r in rows:
        cells = []
        for name, _ in MIX:
            values = r["latencies"][name]
            cells.append(f"{1000 * statistics.median(values):.0f} / "
                         f"{1000 * _p(values, 0.99):.0f}" if values else "-")
        print(f"| {r['workers']} | {r['ops']:.0f} | " + " | ".join(cells)
              + f" | {r['errors']} | {r['server_cpu']:.2f} / {r['sim_cpu']:.2f} / "
              f"{r['client_cpu']:.2f} | {r['load']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
