"""Benchmark: the old React UI's polling of ``GET /api/v1/jobs`` (the whole array, every 5 s
per open tab) at 1,000 and 10,000 jobs in PostgreSQL.

In the same run, against the same database:

* the product: ``mlplatform serve`` (its own process; the simulated Karmada in another);
* the baseline: a tiny Starlette app (uvicorn, its own process) that reads the same ten
  columns with asyncpg, decodes the JSON column and answers ``json.dumps`` of the list: the
  same body (checked byte for byte at the start), computed per request, no ETag, no gzip.

Each tab is a task polling every ``--period`` seconds from a random phase, with
``Accept-Encoding: gzip`` like a browser, either with ``If-None-Match`` (what a browser sends
once it holds a ``Cache-Control: no-cache`` answer with an ETag; the baseline has no ETag, so
it is the same as without) or without. Tabs are spread over several httpx clients (one pool
per 25 tabs) and bodies are read raw (not decompressed) to keep the client cheap; both
CPUs are read from ``/proc/<pid>/stat``.

A level is *sustained* when every scheduled poll was answered (no errors, none still
in flight at the end) and the poll p99 is under ``--target-ms``. While the tabs poll, a job
is created through the product's REST API now and then; for every tenth tab, the first poll
that *starts* after the create answered must contain it ("a changed job is in the next
poll"): misses are counted. A job created every ``--change-every`` s (10) moves through
its phases for a few seconds, so some polls see a new list and most see nothing new.

Usage: .venv/bin/python bench/old_ui_polling.py [--jobs 1000,10000] [--tabs 25,100,200]
       [--seconds 20] [--period 5] [--target-ms 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.jobs_query import free_port, wait_up  # noqa: E402

TABS_PER_CLIENT = 25
#: What went wrong, for the summary (the first few are printed).
ERRORS: list[str] = []
CHECK_EVERY_NTH_TAB = 10
CLK_TCK = os.sysconf("SC_CLK_TCK")

#: The React frontend's create form (tests/server/test_rest_contract.py), as the UI sends it.
FRONTEND_BODY: dict[str, Any] = {
    "jobName": "ui-poll", "priority": 500,
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
                  "instanceCount": 1, "volumeSizeGB": 0},
    "stoppingCondition": {"maxRuntimeSeconds": 14400},
    "inputDataConfig": [{"channelName": "train", "sourceType": "upload", "storageProvider": "minio",
                         "endpoint": "http://minio:9000", "bucket": "datasets", "prefix": ""}],
    "outputDataConfig": {"artifactUri": "storage://output/artifacts/"},
    "hyperparameters": {"xgboost": {
        "num_round": 10, "booster": "gbtree", "verbosity": 1, "nthread": "auto", "eta": 0.3,
        "gamma": 0, "max_depth": 6, "min_child_weight": 1, "subsample": 1,
        "colsample_bytree": 1, "lambda": 1, "alpha": 0, "tree_method": "auto",
        "sketch_eps": 0.03, "scale_pos_weight": 1, "max_bin": 256, "rate_drop": 0,
        "tweedie_variance_power": 1.5, "objective": "reg:squarederror", "base_score": 0.5,
        "eval_metric": ["rmse"]}},
    "customHyperparameters": {}, "targetClusters": [], "namespace": "default",
}

LIST_SQL = (
    "SELECT id, job_name, namespace, algorithm, priority, request_payload, status, message,"
    " created_at, updated_at FROM training_jobs ORDER BY created_at DESC, id DESC"
)


# -- the baseline server ---------------------------------------------------------------


def baseline_app(dsn: str) -> Any:
    """Raw asyncpg + json: the product's body, computed per request."""
    import asyncpg
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from app.jobstate.phases import Phase

    rest = {p.value: p.rest for p in Phase}
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=2, max_size=10)
        yield
        await state["pool"].close()

    def when(value: datetime) -> str:
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    async def jobs(request: Any) -> JSONResponse:
        async with state["pool"].acquire() as conn:
            rows = await conn.fetch(LIST_SQL)
        return JSONResponse([
            {"id": r[0], "jobName": r[1], "namespace": r[2], "algorithm": r[3],
             "priority": r[4], "request": json.loads(r[5]), "status": rest[r[6]],
             "message": r[7], "createdAt": when(r[8]), "updatedAt": when(r[9])}
            for r in rows
        ])

    return Starlette(routes=[Route("/api/v1/jobs", jobs)], lifespan=lifespan)


# -- CPU ---------------------------------------------------------------------------------


def cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# -- the tabs ----------------------------------------------------------------------------


@dataclass
class Tab:
    index: int
    etag: str | None = None
    body: bytes = b""  # raw (maybe gzipped) body of the last 200
    gzipped: bool = False
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    not_modified: int = 0


@dataclass
class Created:
    job_id: str
    at: float  # when the create answered
    seen: set[int] = field(default_factory=set)  # tabs whose next poll contained it
    missed: set[int] = field(default_factory=set)


def contains(tab: Tab, job_id: str) -> bool:
    body = gzip.decompress(tab.body) if tab.gzipped else tab.body
    return f'"id":"{job_id}"'.encode() in body


async def run_level(
    base: str, product: str, tabs: int, seconds: float, period: float, use_etag: bool,
    change_every: float,
) -> dict[str, Any]:
    clients = [
        httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0),
                          limits=httpx.Limits(max_connections=TABS_PER_CLIENT))
        for _ in range((tabs + TABS_PER_CLIENT - 1) // TABS_PER_CLIENT)
    ]
    created: list[Created] = []
    all_tabs = [Tab(i) for i in range(tabs)]
    scheduled = 0
    in_flight = 0
    stop_at = time.monotonic() + seconds

    async def poll(tab: Tab, client: httpx.AsyncClient) -> None:
        nonlocal in_flight
        headers = {"Accept-Encoding": "gzip, deflate, br"}
        if use_etag and tab.etag:
            headers["If-None-Match"] = tab.etag
        checks = [c for c in created if tab.index not in c.seen | c.missed]
        started_mono = time.monotonic()
        started = time.perf_counter()
        in_flight += 1
        try:
            async with client.stream("GET", "/api/v1/jobs", headers=headers) as answer:
                raw = b"".join([chunk async for chunk in answer.aiter_raw()])
            if answer.status_code == 304:
                tab.not_modified += 1
            elif answer.status_code == 200:
                tab.body = raw
                tab.gzipped = answer.headers.get("content-encoding") == "gzip"
                tab.etag = answer.headers.get("etag")
            else:
                tab.errors += 1
                ERRORS.append(f"HTTP {answer.status_code}")
                return
        except Exception as exc:  # transport errors, and anything else: counted, never silent
            tab.errors += 1
            ERRORS.append(f"{type(exc).__name__}: {exc}"[:200])
            return
        finally:
            in_flight -= 1
        tab.latencies.append((time.perf_counter() - started) * 1000)
        if tab.index % CHECK_EVERY_NTH_TAB == 0:
            for check in checks:
                if started_mono > check.at:  # the first poll started after the create
                    (check.seen if contains(tab, check.job_id) else check.missed).add(tab.index)

    async def tab_loop(tab: Tab) -> None:
        nonlocal scheduled
        client = clients[tab.index // TABS_PER_CLIENT]
        await asyncio.sleep(random.uniform(0, period))
        next_at = time.monotonic()
        pending: set[asyncio.Task[None]] = set()
        while next_at < stop_at:
            scheduled += 1
            # A browser's setInterval fires whether or not the last poll answered.
            task = asyncio.create_task(poll(tab, client))
            pending.add(task)
            task.add_done_callback(pending.discard)
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if pending:
            await asyncio.wait(pending, timeout=period)  # late answers count, hung ones not

    async def mutate() -> None:
        async with httpx.AsyncClient(base_url=product, timeout=30) as client:
            await asyncio.sleep(period / 2)
            while time.monotonic() < stop_at - 2 * period:
                answer = await client.post(
                    "/api/v1/jobs", json={**FRONTEND_BODY, "jobName": f"ui-{uuid.uuid4().hex[:6]}"}
                )
                if answer.status_code == 201:
                    created.append(Created(answer.json()["id"], time.monotonic()))
                await asyncio.sleep(change_every)

    cpu_client = cpu_seconds()
    wall = time.monotonic()
    await asyncio.gather(mutate(), *(tab_loop(t) for t in all_tabs))
    wall = time.monotonic() - wall
    cpu_client = cpu_seconds() - cpu_client
    for client in clients:
        await client.aclose()
    latencies = sorted(x for t in all_tabs for x in t.latencies)
    answered = len(latencies)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return {
        "scheduled": scheduled,
        "answered": answered,
        "errors": sum(t.errors for t in all_tabs),
        "not_modified": sum(t.not_modified for t in all_tabs),
        "p50": pct(0.50),
        "p99": pct(0.99),
        "wall": wall,
        "client_cpu": cpu_client,
        "seen": sum(len(c.seen) for c in created),
        "missed": sum(len(c.missed) for c in created),
        "changes": len(created),
        "body_bytes": max((len(t.body) for t in all_tabs), default=0),
    }


# -- seeding -------------------------------------------------------------------------------

INSERT = """
INSERT INTO training_jobs (
  id, job_name, namespace, algorithm, priority, request_payload, target_clusters, kind,
  api_version, object_name, status, reason, message, placement, cluster_distribution,
  active, succeeded, failed, last_sequence, logs_archived_at, workload_deleted_at,
  created_at, updated_at
) VALUES ($1, $2, 'default', 'xgboost', 500, $3::jsonb, '[]'::jsonb, 'RayJob', 'ray.io/v1',
  $4, $5, $6, $7, '["member1"]'::jsonb, '{}'::jsonb, 0, 1, 0, 3, $8, $8, $9, $10)
"""
PHASES = (("SUCCEEDED", "Completed", ""), ("FAILED", "AppFailed", "exit code 1: ünïcode"),
          ("STOPPED", "StoppedByUser", "stopped by alice"))


async def seed(dsn: str, template: dict[str, Any], start: int, count: int) -> None:
    """Finished jobs (the poller and operations leave them alone) with the normalised
    request the product stored for a real create, made distinct per job as real ones are."""
    import asyncpg

    rng = random.Random(start)
    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(start, start + count):
        name = f"seeded{i:06d}"
        request = {**template, "jobName": name}
        xgb = dict(request.get("hyperparameters", {}).get("xgboost", {}))
        if xgb:
            xgb["num_round"] = rng.randrange(10, 1000)
            xgb["eta"] = rng.choice((1e-05, 0.3, round(rng.random(), 4)))  # 1e-05: float notation
            request["hyperparameters"] = {**request["hyperparameters"], "xgboost": xgb}
        created = epoch + timedelta(seconds=i * 37, microseconds=rng.randrange(10**6))
        status, reason, message = PHASES[i % 3]
        rows.append((f"{name}-{rng.getrandbits(32):08x}", name, json.dumps(request), f"j-{name}",
                     status, reason, message, created + timedelta(hours=1), created,
                     created + timedelta(minutes=rng.randrange(60))))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(INSERT, rows)
    finally:
        await conn.close()


# -- orchestration -------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", default="1000,10000")
    parser.add_argument("--tabs", default="25,100,200")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--period", type=float, default=5.0)
    parser.add_argument("--target-ms", type=float, default=200.0)
    parser.add_argument("--change-every", type=float, default=10.0,
                        help="seconds between jobs created while the tabs poll")
    parser.add_argument("--modes", default="etag,plain")
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "DSN"), help="internal")
    args = parser.parse_args()
    if args.serve_baseline:
        import uvicorn

        port, dsn = args.serve_baseline
        uvicorn.run(baseline_app(dsn), host="127.0.0.1", port=int(port), log_level="warning")
        return 0

    from tests.support.postgres import resolve_postgres_server

    server, throwaway = resolve_postgres_server()
    dbname = f"bench_{uuid.uuid4().hex[:8]}"
    server.create_database(dbname)
    dsn = server.dsn(dbname)
    procs: list[subprocess.Popen[bytes]] = []
    results: list[tuple[int, str, str, int, dict[str, Any]]] = []
    try:
        sim_port = free_port()
        kubeconfig = Path(f"/tmp/{dbname}.kubeconfig")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "simulate", "--port", str(sim_port),
             "--kubeconfig", str(kubeconfig), "--insecure-http"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_up(f"http://127.0.0.1:{sim_port}/_sim/healthz")
        env = {**os.environ, "DATABASE_URL": dsn, "LOG_LEVEL": "WARNING",
               "POLL_INTERVAL_SECONDS": "1.0", "KARMADA_KUBECONFIG": str(kubeconfig)}
        product_port, baseline_port = free_port(), free_port()
        product_proc = subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "serve", "--port", str(product_port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )
        procs.append(product_proc)
        product = f"http://127.0.0.1:{product_port}"
        wait_up(f"{product}/health")
        first = httpx.post(f"{product}/api/v1/jobs", json=FRONTEND_BODY, timeout=30)
        assert first.status_code == 201, first.text
        template = first.json()["request"]
        baseline_proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve-baseline",
             str(baseline_port), dsn],
            cwd=ROOT, env=env,
        )
        procs.append(baseline_proc)
        baseline = f"http://127.0.0.1:{baseline_port}"
        wait_up(f"{baseline}/api/v1/jobs")
        seeded = 1  # the job created above
        for jobs in (int(j) for j in args.jobs.split(",")):
            asyncio.run(seed(dsn, template, seeded, jobs - seeded))
            seeded = jobs
            # The same body both ways (wait for the created jobs to settle first).
            for _ in range(100):
                a = httpx.get(f"{product}/api/v1/jobs", timeout=60,
                              headers={"Accept-Encoding": "identity"}).content
                b = httpx.get(f"{baseline}/api/v1/jobs", timeout=60).content
                if a == b:
                    break
                time.sleep(0.5)
            same = "identical" if a == b else "DIFFERENT"
            print(f"{jobs} jobs: body {len(a) / 1e6:.2f} MB, product and baseline {same}",
                  flush=True)
            for mode in args.modes.split(","):
                for name, url, pid in (("baseline", baseline, baseline_proc.pid),
                                       ("product", product, product_proc.pid)):
                    if name == "baseline" and mode == "etag" and "plain" in args.modes:
                        continue  # no ETag: identical to plain
                    for tabs in (int(t) for t in args.tabs.split(",")):
                        cpu = cpu_seconds(pid)
                        row = asyncio.run(run_level(url, product, tabs, args.seconds,
                                                    args.period, mode == "etag",
                                                    args.change_every))
                        row["server_cpu"] = cpu_seconds(pid) - cpu
                        row["load"] = os.getloadavg()[0]
                        results.append((jobs, name, mode, tabs, row))
                        print(line(jobs, name, mode, tabs, row, args.target_ms), flush=True)
                        if row["answered"] < row["scheduled"] or row["p99"] > 5 * args.target_ms:
                            break  # saturated: more tabs only get worse
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        server.drop_database(dbname)
        if throwaway is not None:
            throwaway.stop()
    print(f"\nold-UI polling: GET /api/v1/jobs every {args.period:.0f} s per tab, "
          f"{args.seconds:.0f} s per level, p99 target {args.target_ms:.0f} ms\n")
    print(HEADER)
    for jobs, name, mode, tabs, row in results:
        print(line(jobs, name, mode, tabs, row, args.target_ms))
    if ERRORS:
        print("\nerrors (first 5): " + "; ".join(ERRORS[:5]))
    return 0


HEADER = (
    "| jobs | server | If-None-Match | tabs | polls answered/scheduled | errors | 304s | p50 ms "
    "| p99 ms "
    "| server CPU (cores) | client CPU (cores) | next-poll check | sustained | load avg |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def sustained(row: dict[str, Any], target_ms: float) -> bool:
    return (row["errors"] == 0 and row["answered"] >= row["scheduled"]
            and row["p99"] < target_ms and row["missed"] == 0)


def line(jobs: int, name: str, mode: str, tabs: int, row: dict[str, Any], target: float) -> str:
    check = f"{row['seen']} seen / {row['missed']} missed" if row["changes"] else "-"
    return (
        f"| {jobs} | {name} | {'yes' if mode == 'etag' else 'no'} | {tabs} | "
        f"{row['answered']}/{row['scheduled']} | {row['errors']} | {row['not_modified']} | "
        f"{row['p50']:.0f} | "
        f"{row['p99']:.0f} | {row['server_cpu'] / row['wall']:.2f} | "
        f"{row['client_cpu'] / row['wall']:.2f} | {check} | "
        f"{'yes' if sustained(row, target) else 'NO'} | {row['load']:.1f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
