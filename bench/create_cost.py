"""createJob's CPU cost per operation: the server and the simulator apart, from the request
to the job's archived logs, against the old settings in the same run.

Each row gets a fresh simulator process, a fresh PostgreSQL database and a fresh
``mlplatform serve`` whose settings differ only in the switches of issue 17:

- ``old``: ``KARMADA_TRUST_ENV=true`` (netrc/proxy lookups in a thread per Karmada request),
  ``KARMADA_LOOKUP_CACHE_SECONDS=0`` (namespace, Secret, Cluster list read on every create),
  ``DB_POOL_RESET=full`` (asyncpg's reset query on every pool release);
- then one switch at a time to today's defaults.

Per row: warm up (a few jobs, until archived), measure the idle CPU rate of both processes,
then ``--jobs`` createJob mutations with ``--concurrency`` in flight, and wait until every job
has ended and its logs are archived. CPU is utime+stime from /proc/<pid>/stat; "request" is
the server's CPU until the last createJob answered, "to archived" until the last archive;
both with the idle rate over the same wall time subtracted (the raw figure is printed too).
The client is this process.

usage: .venv/bin/python bench/create_cost.py [--jobs 200] [--concurrency 8] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_procs import (
    cpu_seconds,
    database,
    load_average,
    own_cpu_seconds,
    server,
    simulator,
    source_at,
)

CREATE = """
mutation($input: CreateJobInput!) {
  createJob(input: $input) {
    __typename
    ... on CreateJobSuccess { job { id phase } }
  }
}
"""
VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("this branch, old settings (trust_env, no cache, full reset)",
     {"KARMADA_TRUST_ENV": "true", "KARMADA_LOOKUP_CACHE_SECONDS": "0", "DB_POOL_RESET": "full"}),
    ("+ trust_env off",
     {"KARMADA_TRUST_ENV": "false", "KARMADA_LOOKUP_CACHE_SECONDS": "0", "DB_POOL_RESET": "full"}),
    ("+ lookup cache 5 s",
     {"KARMADA_TRUST_ENV": "false", "KARMADA_LOOKUP_CACHE_SECONDS": "5", "DB_POOL_RESET": "full"}),
    ("+ rollback-only reset (defaults)",
     {"KARMADA_TRUST_ENV": "false", "KARMADA_LOOKUP_CACHE_SECONDS": "5",
      "DB_POOL_RESET": "rollback"}),
]
COMMON = {
    "OPERATIONS_INTERVAL_SECONDS": "1",
    "ML_PLATFORM_INSTANCE": "bench-create",
}


def job_input(name: str) -> dict[str, Any]:
    return {
        "jobName": name,
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 1},
        "hyperparameters": {"xgboost": {"num_round": 10}},
    }


@dataclass
class Row:
    name: str
    jobs: int
    server_request_ms: float
    server_total_ms: float
    server_raw_ms: float
    sim_total_ms: float
    sim_raw_ms: float
    client_ms: float
    creates_per_s: float
    load: str


async def create_all(base_url: str, prefix: str, jobs: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(jobs):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                answer = await http.post("/graphql", json={
                    "query": CREATE, "variables": {"input": job_input(f"{prefix}-{i}")}})
                data = answer.json()
                kind = (data.get("data") or {}).get("createJob", {}).get("__typename")
                if kind != "CreateJobSuccess":
                    raise SystemExit(f"createJob failed: {data}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def archived(db_url: str, prefix: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM training_jobs WHERE job_name LIKE $1"
            " AND logs_archived_at IS NOT NULL", f"{prefix}-%"))
    finally:
        await conn.close()


async def wait_archived(db_url: str, prefix: str, jobs: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while await archived(db_url, prefix) < jobs:
        if time.monotonic() > deadline:
            raise SystemExit(f"jobs {prefix}-* not all archived after {timeout}s")
        await asyncio.sleep(0.2)


@contextlib.contextmanager
def sampled(pid: int, out: Path) -> Iterator[None]:
    """py-spy's collapsed stacks of ``pid`` (100 Hz, idle frames left out) into ``out``."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "100",
                             "--format", "raw", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        print(f"  profile: {out}", file=sys.stderr)


def measure(name: str, env: dict[str, str], args: argparse.Namespace, tmp: Path,
            log: Any, source: Path | None = None) -> Row:
    with database() as db_url, simulator(tmp, log, source) as (sim, kubeconfig), server(
        {**COMMON, **env, "DATABASE_URL": db_url, "KARMADA_KUBECONFIG": str(kubeconfig)}, log,
        source=source,
    ) as (srv, base_url):
        warm = f"warm{uuid.uuid4().hex[:4]}"
        asyncio.run(create_all(base_url, warm, 10, 2))
        asyncio.run(wait_archived(db_url, warm, 10))
        s0, k0, t0 = cpu_seconds(srv.pid), cpu_seconds(sim.pid), time.monotonic()
        time.sleep(args.idle)
        s1, k1, t1 = cpu_seconds(srv.pid), cpu_seconds(sim.pid), time.monotonic()
        server_idle, sim_idle = (s1 - s0) / (t1 - t0), (k1 - k0) / (t1 - t0)

        prefix = f"cc{uuid.uuid4().hex[:4]}"
        with contextlib.ExitStack() as profiles:
            if args.profile:
                for role, pid in (("server", srv.pid), ("simulator", sim.pid)):
                    profiles.enter_context(sampled(pid, args.profile / f"{prefix}-{role}.txt"))
            c0 = own_cpu_seconds()
            start, s_start, k_start = (
                time.monotonic(), cpu_seconds(srv.pid), cpu_seconds(sim.pid)
            )
            asyncio.run(create_all(base_url, prefix, args.jobs, args.concurrency))
            answered, s_answered = time.monotonic(), cpu_seconds(srv.pid)
            c1 = own_cpu_seconds()
            asyncio.run(wait_archived(db_url, prefix, args.jobs))
            done, s_done, k_done = time.monotonic(), cpu_seconds(srv.pid), cpu_seconds(sim.pid)
    n = args.jobs

    def per_op(cpu: float, idle_rate: float, seconds: float) -> float:
        return 1000 * (cpu - idle_rate * seconds) / n

    return Row(
        name=name,
        jobs=n,
        server_request_ms=per_op(s_answered - s_start, server_idle, answered - start),
        server_total_ms=per_op(s_done - s_start, server_idle, done - start),
        server_raw_ms=1000 * (s_done - s_start) / n,
        sim_total_ms=per_op(k_done - k_start, sim_idle, done - start),
        sim_raw_ms=1000 * (k_done - k_start) / n,
        client_ms=1000 * (c1 - c0) / n,
        creates_per_s=n / (answered - start),
        load=load_average(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--idle", type=float, default=5.0, help="idle-rate window, seconds")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over all rows")
    parser.add_argument("--only", choices=["old", "new"], help="just the first or last row")
    parser.add_argument(
        "--baseline", metavar="REV", action="append", default=[],
        help="add a first row running the server and the simulator as they were at this git "
        "revision (e.g. the commit before issue 17), with that revision's behaviour; "
        "repeatable (one row per revision, in order)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", type=Path,
        help="also record py-spy's collapsed stacks of the server and the simulator during "
        "the measured phase into DIR (needs py-spy; the sampling costs CPU of its own)",
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    variants = VARIANTS
    if args.only == "old":
        variants = VARIANTS[:1]
    elif args.only == "new":
        variants = VARIANTS[-1:]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-create-") as tmp_name:
        tmp = Path(tmp_name)
        with (tmp / "children.log").open("wb") as log:
            for _ in range(args.repeat):
                for rev in args.baseline:
                    source = source_at(rev, tmp)
                    rows.append(measure(f"@{rev}: server and simulator before", {},
                                        args, tmp, log, source))
                    print(f"  done: @{rev} (load {rows[-1].load})", file=sys.stderr)
                for name, env in variants:
                    rows.append(measure(name, env, args, tmp, log))
                    print(f"  done: {name} (load {rows[-1].load})", file=sys.stderr)
    print(f"\ncreateJob CPU per operation: {args.jobs} jobs, {args.concurrency} in flight, "
          "from the request to archived logs (ms of CPU per job; idle rate subtracted, raw in "
          "brackets)\n")
    print("| settings | server, requests | server, to archived | simulator | client | "
          "creates/s | load |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.name} | {r.server_request_ms:.1f} | {r.server_total_ms:.1f} "
              f"({r.server_raw_ms:.1f}) | {r.sim_total_ms:.1f} ({r.sim_raw_ms:.1f}) | "
              f"{r.client_ms:.1f} | {r.creates_per_s:.0f} | {r.load} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
