"""Load benchmark: many concurrent clients against one server + PostgreSQL + simulated Karmada.

Everything runs on loopback: the simulator and the server are child processes, PostgreSQL is
the local server (a fresh database, dropped at the end). The clients, in this process, mix:

- ``createJob``      GraphQL mutation (a small xgboost job that runs ~2 s on the simulator)
- ``job query``      GraphQL ``job(id)`` of a known job, alternating with ``jobs(first: 20)``
- ``REST list``      ``GET /api/v1/jobs?limit=50``
- ``subscription``   createJob, then ``jobStatus`` over graphql-transport-ws until the job ends;
                     latency = time to the first message (the current state)

Each client waits a short random think time between operations. Reported: per operation
p50/p99/max, 5xx and other errors, against a baseline of the same operations sent by a single
client before the load starts (same run, same server). "Lost transitions": every subscription
that saw its job end must have received every event sequence from the first one it got to the
last one in ``job_events``, with no gap; and every job created must end with a complete
history once the run drains.

    .venv/bin/python bench/load.py                      # 200 clients, 60 s
    .venv/bin/python bench/load.py --soak               # the same for 30 minutes
    .venv/bin/python bench/load.py --clients 50 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets
from websockets.typing import Subprotocol

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
JOB = {
    "jobName": "load",
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {
        "instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
        "instanceCount": 1,
    },
    "hyperparameters": {"xgboost": {"num_round": 10}},
}
CREATE = (
    "mutation($input: CreateJobInput!) { createJob(input: $input) { __typename "
    "... on CreateJobSuccess { job { id } } } }"
)
JOB_QUERY = "query($id: ID!) { job(id: $id) { id phase reason } }"
JOBS_QUERY = "{ jobs(first: 20) { totalCount edges { node { id phase } } } }"
EVENTS = "query($id: ID!) { job(id: $id) { phase events(first: 1000) { sequence } } }"
SUBSCRIBE = "subscription($id: ID!) { jobStatus(id: $id) { phase sequence } }"
TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED"}


@dataclass
class OpStats:
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0  # 5xx
    other_errors: int = 0  # transport errors, 4xx, GraphQL errors

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Run:
    base_url: str
    deadline: float
    stats: dict[str, OpStats] = field(default_factory=lambda: defaultdict(OpStats))
    job_ids: list[str] = field(default_factory=list)
    streams: dict[str, list[int]] = field(default_factory=dict)  # job id -> sequences seen
    finished_streams: set[str] = field(default_factory=set)

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/graphql"


async def timed(run: Run, op: str, coro: Any) -> Any:
    started = time.perf_counter()
    try:
        result = await coro
    except httpx.HTTPStatusError as exc:
        stats = run.stats[op]
        if exc.response.status_code >= 500:
            stats.server_errors += 1
        else:
            stats.other_errors += 1
        return None
    except (httpx.TransportError, OSError, websockets.WebSocketException, KeyError, TypeError):
        run.stats[op].other_errors += 1
        return None
    run.stats[op].latencies.append(time.perf_counter() - started)
    return result


async def graphql(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    answer = await http.post("/graphql", json={"query": query, "variables": variables})
    answer.raise_for_status()
    body = answer.json()
    if body.get("errors"):
        raise KeyError(body["errors"][0].get("message"))
    return body["data"]


async def create_job(http: httpx.AsyncClient) -> str:
    """createJob with an idempotency key; a request whose answer was lost is sent again once
    (with the same key, so it can never make a second job)."""
    job_input = {
        **JOB,
        "jobName": f"load-{uuid.uuid4().hex[:6]}",
        "clientRequestId": uuid.uuid4().hex,
    }
    try:
        data = await graphql(http, CREATE, {"input": job_input})
    except httpx.TransportError:
        data = await graphql(http, CREATE, {"input": job_input})
    return str(data["createJob"]["job"]["id"])


async def rest_list(http: httpx.AsyncClient) -> int:
    answer = await http.get("/api/v1/jobs", params={"limit": 50})
    answer.raise_for_status()
    return len(answer.json())


async def subscribe(run: Run, job_id: str) -> None:
    """jobStatus until the job ends (or the run's deadline); records sequences seen."""
    seen: list[int] = []
    run.streams[job_id] = seen
    first = asyncio.get_running_loop().create_future()
    started = time.perf_counter()

    async def stream() -> None:
        protocols = [Subprotocol("graphql-transport-ws")]
        async with websockets.connect(run.ws_url, subprotocols=protocols) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            while json.loads(await ws.recv())["type"] != "connection_ack":
                pass
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIBE, "variables": {"id": job_id}},
                    }
                )
            )
            while True:
                message = json.loads(await ws.recv())
                if message["type"] != "next":
                    break
                update = message["payload"]["data"]["jobStatus"]
                if not first.done():
                    first.set_result(time.perf_counter() - started)
                seen.append(update["sequence"])
                if update["phase"] in TERMINAL:
                    run.finished_streams.add(job_id)
                    return

    task = asyncio.create_task(stream())
    try:
        await asyncio.wait_for(asyncio.shield(first), timeout=30)
        run.stats["subscription"].latencies.append(first.result())
        remaining = run.deadline + 30 - time.monotonic()  # let streams finish after the run
        await asyncio.wait_for(task, timeout=max(1.0, remaining))
    except (TimeoutError, OSError, websockets.WebSocketException, KeyError):
        if not first.done():
            run.stats["subscription"].other_errors += 1
    finally:
        task.cancel()


async def client(run: Run, role: str, http: httpx.AsyncClient, think: float) -> None:
    rng = random.Random()
    await asyncio.sleep(rng.uniform(0, think))  # spread the start
    n = 0
    while time.monotonic() < run.deadline:
        n += 1
        if role == "create":
            job_id = await timed(run, "createJob", create_job(http))
            if job_id:
                run.job_ids.append(job_id)
        elif role == "query":
            if n % 2 and run.job_ids:
                variables = {"id": rng.choice(run.job_ids)}
                await timed(run, "job query", graphql(http, JOB_QUERY, variables))
            else:
                await timed(run, "jobs query", graphql(http, JOBS_QUERY, {}))
        elif role == "list":
            await timed(run, "REST list", rest_list(http))
        else:
            job_id = await timed(run, "createJob", create_job(http))
            if job_id:
                run.job_ids.append(job_id)
                await subscribe(run, job_id)
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def baseline(base_url: str, rounds: int) -> dict[str, float]:
    """p50 (ms) of each operation sent one at a time by a single client."""
    run = Run(base_url, deadline=time.monotonic() + 3600)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        for _ in range(rounds):
            job_id = await timed(run, "createJob", create_job(http))
            await timed(run, "job query", graphql(http, JOB_QUERY, {"id": job_id}))
            await timed(run, "jobs query", graphql(http, JOBS_QUERY, {}))
            await timed(run, "REST list", rest_list(http))
        run.deadline = time.monotonic()
        for _ in range(max(3, rounds // 4)):
            job_id = await timed(run, "createJob", create_job(http))
            await subscribe(run, job_id)
    return {op: stats.p(0.5) for op, stats in run.stats.items()}


async def check_histories(run: Run, base_url: str, drain_seconds: float) -> dict[str, int]:
    """Wait for created jobs to end, then compare streams and histories with job_events."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        deadline = time.monotonic() + drain_seconds
        histories: dict[str, tuple[str, list[int]]] = {}
        pending = list(dict.fromkeys(run.job_ids))
        while pending and time.monotonic() < deadline:
            still = []
            for job_id in pending:
                data = await graphql(http, EVENTS, {"id": job_id})
                job = data["job"]
                histories[job_id] = (job["phase"], [e["sequence"] for e in job["events"]])
                if job["phase"] not in TERMINAL:
                    still.append(job_id)
            pending = still
            if pending:
                await asyncio.sleep(1.0)
    gaps = 0
    for job_id in run.finished_streams:
        seen = run.streams[job_id]
        _, events = histories.get(job_id, ("", []))
        if seen != [s for s in events if s >= seen[0]]:
            gaps += 1
    incomplete = sum(1 for _, seqs in histories.values() if seqs != list(range(1, len(seqs) + 1)))
    for job_id in pending:
        print(f"not ended: {job_id} {histories[job_id][0]} events {histories[job_id][1]}")
    return {
        "jobs created": len(set(run.job_ids)),
        "jobs not ended after drain": len(pending),
        "streams checked": len(run.finished_streams),
        "streams with a gap": gaps,
        "histories with a gap": incomplete,
    }


def print_table(base: dict[str, float], run: Run, clients: int, duration: float) -> int:
    print(f"\n{clients} clients, {duration:.0f} s (baseline: 1 client, one request at a time)\n")
    print("| operation | baseline p50 ms | n | p50 ms | p99 ms | max ms | 5xx | other errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    total_5xx = 0
    for op in ("createJob", "job query", "jobs query", "REST list", "subscription"):
        s = run.stats[op]
        total_5xx += s.server_errors
        print(
            f"| {op} | {base.get(op, float('nan')):.1f} | {len(s.latencies)} | {s.p(0.5):.1f} "
            f"| {s.p(0.99):.1f} | {s.p(1.0):.1f} | {s.server_errors} | {s.other_errors} |"
        )
    return total_5xx


async def load(
    base_url: str, clients: int, duration: float, think: float
) -> tuple[Run, dict[str, float]]:
    base = await baseline(base_url, rounds=20)
    run = Run(base_url, deadline=time.monotonic() + duration)
    roles = ["create"] * 2 + ["query"] * 3 + ["list"] * 3 + ["subscribe"] * 2
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        await asyncio.gather(
            *(client(run, roles[i % len(roles)], http, think) for i in range(clients))
        )
    return run, base


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_simulator(kubeconfig: str) -> None:
    """Child mode: a roomy simulator with short lifecycles, until terminated."""
    import signal
    import threading

    from karmada_sim.config import MemberConfig, SimulatorConfig, TimingConfig
    from karmada_sim.runtime import EmbeddedSimulator

    members = [
        MemberConfig(name=f"member{i}", nodes=256, cpu_per_node=64, memory_gib_per_node=512)
        for i in (1, 2)
    ]
    timing = TimingConfig(
        initializing_seconds=0.5,
        running_seconds=1.5,
        log_line_interval_seconds=1.0,
        status_sync_seconds=0.2,
    )
    sim = EmbeddedSimulator(SimulatorConfig(members=members, timing=timing))
    sim.start()
    sim.write_kubeconfig(kubeconfig)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    sim.stop()


def wait_until(probe: Any, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except (httpx.TransportError, OSError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--soak", action="store_true", help="run for 30 minutes")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--serve-simulator", metavar="KUBECONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_simulator:
        serve_simulator(args.serve_simulator)
        return 0
    duration = 1800.0 if args.soak else args.duration
    database = f"bench_load_{uuid.uuid4().hex[:8]}"
    admin = ADMIN_URL
    asyncio.run(_admin(admin, f'CREATE DATABASE "{database}"'))
    children: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        log = (Path(tmp) / "children.log").open("wb")
        try:
            children.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--serve-simulator", str(kubeconfig)],
                    cwd=REPO,
                    stdout=log,
                    stderr=log,
                )
            )
            wait_until(kubeconfig.exists, "the simulator")
            port = free_port()
            env = {
                **os.environ,
                "DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{database}",
                "KARMADA_KUBECONFIG": str(kubeconfig),
                "ML_PLATFORM_INSTANCE": "bench-load",
                "PORT": str(port),
                "HOST": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
            }
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "app.server.cli", "serve"],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
            base_url = f"http://127.0.0.1:{port}"
            wait_until(lambda: httpx.get(f"{base_url}/health").status_code == 200, "the server")
            run, base = asyncio.run(load(base_url, args.clients, duration, args.think))
            total_5xx = print_table(base, run, args.clients, duration)
            checks = asyncio.run(check_histories(run, base_url, drain_seconds=120))
            print()
            for name, value in checks.items():
                print(f"{name}: {value}")
            lost = checks["streams with a gap"] + checks["histories with a gap"]
            stuck = checks["jobs not ended after drain"]
            ok = total_5xx == 0 and lost == 0 and stuck == 0
            print(
                f"\nresult: {'OK' if ok else 'FAILED'} ({total_5xx} 5xx, {lost} lost "
                f"transitions, {stuck} jobs not ended)"
            )
            return 0 if ok else 1
        finally:
            for child in reversed(children):
                child.terminate()
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
            log.close()
            asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
