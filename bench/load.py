"""Load benchmark: many concurrent clients against one server + PostgreSQL + simulated Karmada.

Everything runs on loopback: the simulator and the server are child processes, PostgreSQL is
the local server (a fresh database, dropped at the end). The clients, in this process, mix:

- ``createJob``      GraphQL mutation (a small xgboost job that runs ~2 s on the simulator)
- ``job query``      GraphQL ``job(id)`` of a known job, alternating with ``jobs(first: 20)``
- ``REST list``      ``GET /api/v1/jobs?limit=50``
- ``subscription``   createJob, then ``jobStatus`` over graphql-transport-ws until the job ends;
                     latency = time to the first message (the current state)

Each client follows its own schedule: an operation every think time (0.5-1.5x the mean),
whatever the previous one took; slots that pass while an operation is still running are
*offered* and not served (a subscribing client is closed-loop: it follows its job to the end,
then waits). Clients are spread over ``--client-processes`` processes, each with one aiohttp
pool per 25 clients: one shared pool made the client, not the server, the bottleneck (its
pool scan cost 75% of a core and added up to 585 ms of event-loop lag, issue 17). Reported:
offered vs served operations/s, per operation p50/p99/max, 5xx and other errors, the server's,
the simulator's and the clients' CPU (from /proc/<pid>/stat), against a baseline of the same
operations sent by a single client before the load starts (same run, same server). "Lost
transitions": every subscription that saw its job end must have received every event
sequence from the first one it got to the last one in ``job_events``, with no gap; and every
job created must end with a complete history once the run drains. ``--soak`` also samples the
server's RSS every 10 s, with retention shortened so it runs during the soak.

Goals (issue 17, 2 cores): the clients use at most a third of the server's CPU; >= 95% of
offered operations served; queries and REST p99 <= 300 ms; createJob p99 <= 1 s. The default
think time is 5 s, the period the old UI polls at (a person does not act more often);
``--think 1``-``3`` shows where one process on 2 cores stops keeping up.

    .venv/bin/python bench/load.py                      # 200 clients, 60 s, 5 s think time
    .venv/bin/python bench/load.py --soak               # the same for 30 minutes
    .venv/bin/python bench/load.py --soak --duration 300  # a short soak
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

import aiohttp
import asyncpg
import httpx
import orjson
import uvloop
import websockets
import yaml
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
    #: Schedule slots per operation (served or not).
    offered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
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
    except aiohttp.ClientResponseError as exc:
        stats = run.stats[op]
        if exc.status >= 500:
            stats.server_errors += 1
        else:
            stats.other_errors += 1
        return None
    except (aiohttp.ClientError, OSError, websockets.WebSocketException, KeyError, TypeError):
        run.stats[op].other_errors += 1
        return None
    run.stats[op].latencies.append(time.perf_counter() - started)
    return result


async def graphql(http: aiohttp.ClientSession, query: str, variables: dict[str, Any]) -> Any:
    payload = orjson.dumps({"query": query, "variables": variables})
    async with http.post("/graphql", data=payload, headers=JSON_HEADERS) as answer:
        answer.raise_for_status()
        body = orjson.loads(await answer.read())
    if body.get("errors"):
        raise KeyError(body["errors"][0].get("message"))
    return body["data"]


JSON_HEADERS = {"Content-Type": "application/json"}


def session(base_url: str, timeout: float, connections: int = 4) -> aiohttp.ClientSession:
    """The clients' HTTP: aiohttp on uvloop with orjson (~3x less client CPU per request
    than httpx here: the client must cost well under the server it measures, issue 17)."""
    return aiohttp.ClientSession(
        base_url=base_url,
        timeout=aiohttp.ClientTimeout(total=timeout),
        connector=aiohttp.TCPConnector(limit=connections),
    )


async def create_job(http: aiohttp.ClientSession) -> str:
    """createJob with an idempotency key; a request whose answer was lost is sent again once
    (with the same key, so it can never make a second job)."""
    job_input = {
        **JOB,
        "jobName": f"load-{uuid.uuid4().hex[:6]}",
        "clientRequestId": uuid.uuid4().hex,
    }
    try:
        data = await graphql(http, CREATE, {"input": job_input})
    except (aiohttp.ClientConnectionError, TimeoutError):
        data = await graphql(http, CREATE, {"input": job_input})
    return str(data["createJob"]["job"]["id"])


async def rest_list(http: aiohttp.ClientSession) -> int:
    async with http.get("/api/v1/jobs", params={"limit": 50}) as answer:
        answer.raise_for_status()
        return len(orjson.loads(await answer.read()))


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


def _op_of(role: str, n: int, run: Run) -> str:
    if role in ("create", "subscribe"):
        return "createJob"
    if role == "query":
        return "job query" if n % 2 and run.job_ids else "jobs query"
    return "REST list"


async def client(run: Run, role: str, http: aiohttp.ClientSession, think: float) -> None:
    rng = random.Random()
    next_at = time.monotonic() + rng.uniform(0, think)  # spread the start
    n = 0
    while True:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if time.monotonic() >= run.deadline:
            return
        n += 1
        op = _op_of(role, n, run)
        run.offered[op] += 1
        if role == "create":
            job_id = await timed(run, op, create_job(http))
            if job_id:
                run.job_ids.append(job_id)
        elif op == "job query":
            variables = {"id": rng.choice(run.job_ids)}
            await timed(run, op, graphql(http, JOB_QUERY, variables))
        elif op == "jobs query":
            await timed(run, op, graphql(http, JOBS_QUERY, {}))
        elif role == "list":
            await timed(run, op, rest_list(http))
        else:
            job_id = await timed(run, op, create_job(http))
            if job_id:
                run.job_ids.append(job_id)
                run.offered["subscription"] += 1
                await subscribe(run, job_id)
            next_at = time.monotonic()  # closed loop: follow the job, then think
        next_at += rng.uniform(0.5, 1.5) * think
        # Slots that passed while this operation ran were offered, not served.
        while next_at < min(time.monotonic(), run.deadline):
            run.offered[_op_of(role, n, run)] += 1
            next_at += rng.uniform(0.5, 1.5) * think


async def baseline(base_url: str, rounds: int) -> dict[str, float]:
    """p50 (ms) of each operation sent one at a time by a single client."""
    run = Run(base_url, deadline=time.monotonic() + 3600)
    async with session(base_url, timeout=30) as http:
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


def simulator_url(kubeconfig: Path) -> str:
    config = yaml.safe_load(kubeconfig.read_text())
    return str(config["clusters"][0]["cluster"]["server"])


STUCK_QUERY = """query($id: ID!) { job(id: $id) { phase reason objectName clusters attempt
  events(first: 100) { sequence phase reason message } } }"""


async def explain_stuck(base_url: str, sim_url: str, job_ids: list[str]) -> None:
    """For a job that never ended: its events and what the simulator holds for it (template
    status, binding placement, member copies), so a stuck job can be told from a lost one."""
    async with session(base_url, timeout=30) as http, httpx.AsyncClient(
        base_url=sim_url, timeout=30, verify=False
    ) as sim:
        members = {}
        for cluster in ("member1", "member2"):
            answer = await sim.get(f"/_sim/clusters/{cluster}/workloads")
            members[cluster] = answer.json() if answer.status_code == 200 else answer.text
        for job_id in job_ids:
            job = (await graphql(http, STUCK_QUERY, {"id": job_id}))["job"]
            print(f"  {job_id}: {json.dumps(job)}")
            name = job["objectName"]
            template = await sim.get(f"/apis/ray.io/v1/namespaces/default/rayjobs/{name}")
            print(f"  template {template.status_code}: {template.text[:1500]}")
            binding = await sim.get(
                f"/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/{name}-rayjob")
            print(f"  binding {binding.status_code}: {binding.text[:1500]}")
            for cluster, held in members.items():
                mine = [w for w in (held.get("workloads", []) if isinstance(held, dict) else [])
                        if w.get("name") == name]
                print(f"  on {cluster}: {json.dumps(mine)}")


async def check_histories(
    run: Run, base_url: str, drain_seconds: float, sim_url: str | None = None
) -> dict[str, int]:
    """Wait for created jobs to end, then compare streams and histories with job_events."""
    async with session(base_url, timeout=60) as http:
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
    if pending and sim_url is not None:
        await explain_stuck(base_url, sim_url, pending)
    return {
        "jobs created": len(set(run.job_ids)),
        "jobs not ended after drain": len(pending),
        "streams checked": len(run.finished_streams),
        "streams with a gap": gaps,
        "histories with a gap": incomplete,
    }


def print_table(
    base: dict[str, float], run: Run, clients: int, duration: float, cpu: dict[str, float]
) -> tuple[int, list[str]]:
    print(f"\n{clients} clients, {duration:.0f} s (baseline: 1 client, one request at a time)\n")
    print(
        "| operation | baseline p50 ms | offered/s | served/s | served % | p50 ms | p99 ms "
        "| max ms | 5xx | other errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    total_5xx = 0
    offered_all = served_all = 0
    misses: list[str] = []
    for op in ("createJob", "job query", "jobs query", "REST list", "subscription"):
        s = run.stats[op]
        total_5xx += s.server_errors
        offered, served = run.offered.get(op, 0), len(s.latencies)
        offered_all += offered
        served_all += served
        share = 100.0 * served / offered if offered else float("nan")
        print(
            f"| {op} | {base.get(op, float('nan')):.1f} | {offered / duration:.1f} "
            f"| {served / duration:.1f} | {share:.1f} | {s.p(0.5):.1f} "
            f"| {s.p(0.99):.1f} | {s.p(1.0):.1f} | {s.server_errors} | {s.other_errors} |"
        )
        limit = 1000.0 if op == "createJob" else None if op == "subscription" else 300.0
        if limit is not None and s.latencies and s.p(0.99) > limit:
            misses.append(f"{op} p99 {s.p(0.99):.0f} ms > {limit:.0f} ms")
    share_all = 100.0 * served_all / offered_all if offered_all else 0.0
    print(
        f"| all | | {offered_all / duration:.1f} | {served_all / duration:.1f} "
        f"| {share_all:.1f} | | | | | |"
    )
    if share_all < 95.0:
        misses.append(f"served {share_all:.1f}% of offered < 95%")
    print(
        f"\nCPU (cores, over the load phase): server {cpu['server']:.2f}, simulator "
        f"{cpu['simulator']:.2f}, clients {cpu['clients']:.2f} "
        f"({cpu['clients'] / max(cpu['server'], 1e-9):.2f}x the server's); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if cpu["clients"] > cpu["server"] / 3:
        misses.append("the clients used more than a third of the server's CPU")
    return total_5xx, misses


ROLES = ["create"] * 2 + ["query"] * 3 + ["list"] * 3 + ["subscribe"] * 2
CLIENTS_PER_POOL = 25


async def load(
    base_url: str, clients: range, duration: float, think: float, deadline: float
) -> Run:
    """Clients ``clients`` (their indexes choose their roles) in this process."""
    run = Run(base_url, deadline=deadline)
    indexes = list(clients)
    pools = [
        session(base_url, timeout=60, connections=CLIENTS_PER_POOL + 2)
        for _ in range(0, len(indexes), CLIENTS_PER_POOL)
    ]
    try:
        await asyncio.gather(
            *(
                client(run, ROLES[i % len(ROLES)], pools[k // CLIENTS_PER_POOL], think)
                for k, i in enumerate(indexes)
            )
        )
    finally:
        for pool in pools:
            await pool.close()
    return run


def cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client_worker(spec: str) -> None:
    """Child mode: run some clients, write their results as JSON."""
    args = json.loads(spec)
    time.sleep(max(0.0, args["start_epoch"] - time.time()))
    deadline = time.monotonic() + (args["deadline_epoch"] - time.time())
    cpu = cpu_seconds()
    run = uvloop.run(
        load(args["base_url"], range(*args["clients"]), args["duration"], args["think"], deadline)
    )
    result = {
        "stats": {
            op: [s.latencies, s.server_errors, s.other_errors] for op, s in run.stats.items()
        },
        "offered": dict(run.offered),
        "job_ids": run.job_ids,
        "streams": run.streams,
        "finished_streams": sorted(run.finished_streams),
        "cpu": cpu_seconds() - cpu,
    }
    Path(args["out"]).write_text(json.dumps(result))


def merge(run: Run, result: dict[str, Any]) -> None:
    for op, (latencies, server_errors, other_errors) in result["stats"].items():
        stats = run.stats[op]
        stats.latencies.extend(latencies)
        stats.server_errors += server_errors
        stats.other_errors += other_errors
    for op, count in result["offered"].items():
        run.offered[op] += count
    run.job_ids.extend(result["job_ids"])
    run.streams.update(result["streams"])
    run.finished_streams.update(result["finished_streams"])


def run_clients(
    base_url: str, clients: int, processes: int, duration: float, think: float, tmp: str,
    pids: dict[str, int],
) -> tuple[Run, dict[str, float], list[tuple[float, float]]]:
    """The load phase over ``processes`` client processes; (merged run, CPU cores, RSS)."""
    start_at = time.time() + 2.0  # every process starts its schedule at the same moment
    deadline = start_at + duration
    outs = [Path(tmp) / f"clients-{k}.json" for k in range(processes)]
    bounds = [round(k * clients / processes) for k in range(processes + 1)]
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--client-worker", json.dumps({
                "base_url": base_url, "clients": [bounds[k], bounds[k + 1]],
                "duration": duration, "think": think, "deadline_epoch": deadline,
                "start_epoch": start_at,
                "out": str(outs[k]),
            })],
            cwd=REPO,
        )
        for k in range(processes)
    ]
    time.sleep(max(0.0, start_at - time.time()))
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    rss: list[tuple[float, float]] = []
    while any(w.poll() is None for w in workers):
        if not rss or time.monotonic() - started - rss[-1][0] >= 10:
            rss.append((time.monotonic() - started, rss_mib(pids["server"])))
        time.sleep(0.5)
    # The load phase ends at the deadline; streams may run on a little (not CPU-counted).
    wall = max(1e-9, min(time.monotonic() - started, duration))
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    run = Run(base_url, deadline=time.monotonic())
    client_cpu = 0.0
    for out in outs:
        result = json.loads(out.read_text())
        merge(run, result)
        client_cpu += result["cpu"]
    cpu = {name: (after[name] - before[name]) / wall for name in pids}
    cpu["clients"] = client_cpu / wall
    return run, cpu, rss


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean think time, seconds (5: the old UI's poll period)")
    parser.add_argument("--client-processes", type=int, default=2,
                        help="processes the clients are spread over")
    parser.add_argument("--client-worker", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_worker:
        client_worker(args.client_worker)
        return 0
    duration = args.duration if args.soak and args.duration != 60.0 else (
        1800.0 if args.soak else args.duration)
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
                    # The same roomy, fast simulator as the other benchmarks (bench/serve_procs.py).
                    [sys.executable, str(Path(__file__).with_name("serve_procs.py")),
                     "--serve-simulator", str(kubeconfig)],
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
            if args.soak:
                # Retention (and the log archive before it) must run during the soak: RSS is
                # judged once finished jobs' workloads are removed, not while they pile up.
                env.setdefault("WORKLOAD_RETENTION_SECONDS", "30")
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
            base = asyncio.run(baseline(base_url, rounds=20))
            pids = {"server": children[1].pid, "simulator": children[0].pid}
            run, cpu, rss = run_clients(
                base_url, args.clients, args.client_processes, duration, args.think, tmp, pids
            )
            total_5xx, misses = print_table(base, run, args.clients, duration, cpu)
            if args.soak or duration >= 120:
                print("\nserver RSS (MiB) every 10 s: " + ", ".join(f"{m:.0f}" for _, m in rss))
            sim_url = simulator_url(kubeconfig)
            checks = asyncio.run(check_histories(run, base_url, drain_seconds=120, sim_url=sim_url))
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
            print("goals: " + ("all met" if not misses else "MISSED: " + "; ".join(misses)))
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
