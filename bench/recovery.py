"""Benchmark: recovery of 500 active jobs when the member they run on fails (issue 19).

The simulator and ``mlplatform serve`` (PostgreSQL) run as child processes. member2 is held
NotReady while the jobs are created, so every job is placed on member1; member2 is then made
Ready. 2 x N jobs run: N with the default recovery policy, N with ``maxAttempts: 1``
(recovery off: the baseline). Then member1's node 0 is lost (``/_sim/disruptions`` NodeLost:
every job's first pod is on node 0, so every job on member1 loses a pod, as when the member's
capacity goes). Measured from that moment: for each recovering job, the time until its
attempt 2 runs on member2; for each baseline job, the time until it is FAILED; the Karmada
requests the server sent meanwhile (``mlplatform_karmada_requests_total``), server and
client CPU, and duplicates: samples of ``/_sim/clusters/*/workloads`` (the simulator's
ground truth) where two attempts of one job run at once.

Usage: .venv/bin/python bench/recovery.py [--jobs 500] [--timeline]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_procs import (
    cpu_seconds,
    database,
    load_average,
    own_cpu_seconds,
    server,
    simulator,
)

BODY = {
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 1},
}
JOBS = """query($after: String) { jobs(first: 500, after: $after) {
  nodes { id jobName phase reason attempt clusters } pageInfo { hasNextPage endCursor } } }"""


def karmada_requests_by_method(metrics: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in metrics.splitlines():
        if line.startswith("mlplatform_karmada_requests_total{"):
            labels, value = line.rsplit(" ", 1)
            method = labels.split('method="', 1)[1].split('"', 1)[0]
            found[method] = found.get(method, 0.0) + float(value)
    return found


async def all_jobs(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        answer = await http.post("/graphql", json={"query": JOBS, "variables": {"after": after}})
        page = answer.json()["data"]["jobs"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def duplicates(sim: httpx.AsyncClient, stop: asyncio.Event, found: list[str]) -> int:
    """Sample what runs on both members until ``stop``; record jobs seen twice at once."""
    samples = 0
    while not stop.is_set():
        running: dict[str, set[str]] = {}
        for member in ("member1", "member2"):
            state = (await sim.get(f"/_sim/clusters/{member}")).json()
            if not (state["ready"] and state["reachable"]):
                continue
            for w in (await sim.get(f"/_sim/clusters/{member}/workloads")).json()["workloads"]:
                if w["phase"] in ("Running", "Starting") and w["name"].startswith("j"):
                    base = w["name"].removesuffix("-a2")
                    running.setdefault(base, set()).add(w["name"])
        found += [base for base, names in running.items() if len(names) > 1]
        samples += 1
        await asyncio.sleep(0.05)
    return samples


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(jobs: int, sim_url: str, base: str, server_pid: int,
              timeline: bool = False) -> dict[str, Any]:
    async with (
        httpx.AsyncClient(base_url=base, timeout=120) as http,
        httpx.AsyncClient(base_url=sim_url, timeout=60) as sim,
    ):
        await sim.post("/_sim/scenarios", json={
            "match": {"nameContains": "j-"}, "scenario": {"runSeconds": 3600}})
        await sim.post("/_sim/clusters/member2", json={"ready": False})
        policies = {"on": {}, "off": {"maxAttempts": 1}}
        sem = asyncio.Semaphore(16)

        async def create(mode: str, i: int) -> str:
            async with sem:
                body = {**BODY, "jobName": f"j-{mode}-{i}", "recoveryPolicy": policies[mode]}
                answer = await http.post("/api/v1/jobs", json=body)
                assert answer.status_code == 201, answer.text
                return str(answer.json()["id"])

        ids = {mode: await asyncio.gather(*(create(mode, i) for i in range(jobs)))
               for mode in policies}
        while True:
            nodes = await all_jobs(http)
            if sum(1 for n in nodes if n["phase"] == "RUNNING") == 2 * jobs:
                break
            await asyncio.sleep(0.5)
        assert all(n["clusters"] == ["member1"] for n in nodes)
        await sim.post("/_sim/clusters/member2", json={"ready": True})
        await asyncio.sleep(1.0)  # Karmada's view of member2 settles (not measured)

        by_method_before = karmada_requests_by_method((await http.get("/metrics")).text)
        server_cpu, client_cpu = cpu_seconds(server_pid), own_cpu_seconds()
        stop, dups = asyncio.Event(), list[str]()
        sampler = asyncio.create_task(duplicates(sim, stop, dups))
        start = time.monotonic()
        hit = await sim.post("/_sim/disruptions", json={
            "type": "NodeLost", "cluster": "member1", "node": "member1-node-0"})
        assert hit.status_code == 201, hit.text
        done: dict[str, float] = {}
        mode_of = {job_id: mode for mode, group in ids.items() for job_id in group}
        while len(done) < 2 * jobs and time.monotonic() - start < 900:
            now = time.monotonic() - start
            nodes = await all_jobs(http)
            if timeline:
                counts: dict[str, int] = {}
                for n in nodes:
                    if mode_of.get(n["id"]) == "on":
                        state = f"{n['phase']}/{n['reason']}/a{n['attempt']}"
                        counts[state] = counts.get(state, 0) + 1
                print(f"  t={now:6.1f}s (poll {time.monotonic() - start - now:.1f}s) recovering "
                      f"jobs: {dict(sorted(counts.items()))}", file=sys.stderr)
            for n in nodes:
                if n["id"] in done or n["id"] not in mode_of:
                    continue
                recovered = n["attempt"] == 2 and n["phase"] == "RUNNING"
                if n["phase"] == "FAILED" if mode_of[n["id"]] == "off" else recovered:
                    done[n["id"]] = now
            await asyncio.sleep(0.1)
        elapsed = time.monotonic() - start
        stop.set()
        samples = await sampler
        server_cpu = cpu_seconds(server_pid) - server_cpu
        client_cpu = own_cpu_seconds() - client_cpu
        by_method = karmada_requests_by_method((await http.get("/metrics")).text)
        by_method = {m: v - by_method_before.get(m, 0.0) for m, v in sorted(by_method.items())}
        requests = sum(by_method.values())
        final = {n["id"]: n for n in await all_jobs(http)}
        await sim.delete("/_sim/scenarios")
        await sim.delete("/_sim/disruptions")
    result: dict[str, Any] = {"elapsed": elapsed, "requests": requests, "by_method": by_method,
                              "server_cpu": server_cpu,
                              "client_cpu": client_cpu, "duplicates": len(set(dups)),
                              "samples": samples}
    for mode, group in ids.items():
        times = [done[j] for j in group if j in done]
        result[mode] = {
            "done": len(times),
            "p50": pct(times, 0.5) if times else float("nan"),
            "p99": pct(times, 0.99) if times else float("nan"),
            "mean": statistics.fmean(times) if times else float("nan"),
            "elsewhere": sum(1 for j in group if final[j]["clusters"] == ["member2"]),
            "failed": sum(1 for j in group if final[j]["phase"] == "FAILED"),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--timeline", action="store_true",
                        help="print the recovering jobs' phase/reason/attempt counts per poll "
                             "(stderr)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        open(Path(tmp) / "log", "wb") as log,
        database() as url,
        simulator(Path(tmp), log) as (_sim, kubeconfig),
    ):
        sim_url = next(
            line.split("server:", 1)[1].strip()
            for line in kubeconfig.read_text().splitlines() if "server:" in line
        )
        env = {
            "DATABASE_URL": url,
            "KARMADA_KUBECONFIG": str(kubeconfig),
            "ML_PLATFORM_INSTANCE": "bench-recovery",
            "POLL_INTERVAL_SECONDS": "0.5",
            "CLUSTER_HEALTH_CHECK_SECONDS": "1",
            "RECONCILE_INTERVAL_SECONDS": "30",
        }
        with server(env, log) as (srv, base):
            r = asyncio.run(run(args.jobs, sim_url, base, srv.pid, args.timeline))
    print(f"Recovery after member1 loses node 0 under {args.jobs} + {args.jobs} running jobs "
          f"(load {load_average()})")
    print("| jobs | policy | reached end | p50 s | p99 s | mean s | on member2 | FAILED |")
    print("|---|---|---|---|---|---|---|---|")
    for mode, label in (("on", "default (recover)"), ("off", "maxAttempts 1 (baseline)")):
        m = r[mode]
        print(f"| {args.jobs} | {label} | {m['done']} | {m['p50']:.2f} | {m['p99']:.2f} | "
              f"{m['mean']:.2f} | {m['elsewhere']} | {m['failed']} |")
    print(f"window {r['elapsed']:.1f} s; Karmada requests {r['requests']:.0f} "
          f"({r['requests'] / max(args.jobs, 1):.1f} per recovered job, both groups' traffic "
          f"included; {', '.join(f'{m} {v:.0f}' for m, v in r['by_method'].items() if v)}); "
          f"server CPU {r['server_cpu']:.1f} s; client CPU {r['client_cpu']:.1f} s; "
          f"duplicates {r['duplicates']} in {r['samples']} samples of both members")


if __name__ == "__main__":
    main()
