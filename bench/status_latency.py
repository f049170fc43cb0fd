"""Benchmark: status latency, simulator status change -> websocket subscriber receipt.

The product runs in a child process (``mlplatform serve``, SQLite, 1 s ticks) against a
simulated Karmada in this process. J jobs are created and held at submission (a 503 fault on
RayJob creation) until S ``jobStatus`` subscriptions (S/J per job, 100 per websocket) are
open; then the fault is lifted and every job runs. A raw WATCH of RayJobs, opened by this
script, timestamps each template's status change (``jobStatus`` RUNNING / SUCCEEDED, as
Karmada aggregates it); each subscriber's receipt of the matching phase is compared to it.

Modes in the same run: ``watch`` (the default source) and, as the baseline, ``list``
(``POLL_SOURCE=list``: LIST everything every tick).

Usage: .venv/bin/python bench/status_latency.py [--jobs 200] [--subscribers 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fanout import Connection, wait_up  # noqa: E402
from karmada_sim.config import MemberConfig, SimulatorConfig, TimingConfig  # noqa: E402
from karmada_sim.runtime import EmbeddedSimulator  # noqa: E402
from tests.support.throwaway_postgres import find_free_port  # noqa: E402

BODY = {
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 1},
}
JOB_LABEL = "ml-platform.io/job-id"


class LatencyConnection(Connection):
    """Records the receipt time of every (job, phase) for its subscriptions."""

    def __init__(self, url: str, ids: list[str], job_of: dict[str, str]) -> None:
        super().__init__(url, ids, "")
        self.job_of = job_of
        self.finished: set[str] = set()
        self.receipts: list[tuple[str, str, float]] = []

    async def open(self) -> None:
        await super().open_with(lambda sub_id: self.job_of[sub_id])

    async def read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "complete":
                self.finished.add(message["id"])
                if len(self.finished) == len(self.ids):
                    return
            if message.get("type") != "next":
                continue
            state = message["payload"]["data"]["jobStatus"]
            if message["id"] not in self.firsted:
                self.firsted.add(message["id"])
                if len(self.firsted) == len(self.ids):
                    self.first.set()
                continue
            self.receipts.append((state["jobId"], state["phase"], time.perf_counter()))


async def watch_changes(sim_url: str, token: str, changes: dict[str, list[float]]) -> None:
    """Timestamp every change of each RayJob's ``.status``, by job id.

    A receipt is matched to the template's last status change before it: Karmada's
    aggregation may move ``jobStatus`` first and ``jobDeploymentStatus`` a little later,
    and the product's phase follows the whole status, so the change that made the phase
    visible is the last one before the subscriber heard of it.
    """
    headers = {"Authorization": f"Bearer {token}"}
    last: dict[str, str] = {}
    async with (
        httpx.AsyncClient(base_url=sim_url, headers=headers, timeout=None) as http,
        http.stream("GET", "/apis/ray.io/v1/rayjobs", params={"watch": "true"}) as answer,
    ):
        async for line in answer.aiter_lines():
            if not line:
                continue
            now = time.perf_counter()
            obj = json.loads(line)["object"]
            job_id = (obj["metadata"].get("labels") or {}).get(JOB_LABEL)
            status = json.dumps(obj.get("status") or {}, sort_keys=True)
            if job_id and last.get(job_id) != status:
                last[job_id] = status
                changes.setdefault(job_id, []).append(now)


async def run_mode(
    mode: str, sim: EmbeddedSimulator, kubeconfig: Path, jobs: int, total: int, tmp: Path
) -> dict[str, Any]:
    port = find_free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp}/{mode}.db",
        "PORT": str(port),
        "KARMADA_KUBECONFIG": str(kubeconfig),
        "POLL_SOURCE": mode,
        "POLL_INTERVAL_SECONDS": "1.0",
        "LOG_LEVEL": "WARNING",
        "ML_PLATFORM_INSTANCE": f"latency-{mode}",
        "SUBMISSION_RETRY_INITIAL_SECONDS": "0.2",
        "SUBMISSION_RETRY_MAX_SECONDS": "0.5",
    }
    proc = subprocess.Popen(  # noqa: ASYNC220  (a child server, started once)
        [sys.executable, "-m", "app.server.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    sim_http = httpx.AsyncClient(base_url=sim.url, timeout=30)
    changes: dict[str, list[float]] = {}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await wait_up(http, "/health")
            fault = {"pathRegex": "/rayjobs", "methods": ["POST"], "status": 503}
            rule = (await sim_http.post("/_sim/faults", json=fault)).json()
            ids = []
            for i in range(jobs):
                answer = await http.post("/api/v1/jobs", json={**BODY, "jobName": f"{mode}-{i}"})
                assert answer.status_code == 201, answer.text
                ids.append(answer.json()["id"])
            job_of = {str(n): ids[n % jobs] for n in range(total)}
            ws_url = "ws" + base.removeprefix("http") + "/graphql"
            conns = [
                LatencyConnection(ws_url, [str(i) for i in range(n, min(n + 100, total))], job_of)
                for n in range(0, total, 100)
            ]
            for c in conns:
                await c.open()
            readers = [asyncio.create_task(c.read()) for c in conns]
            await asyncio.wait_for(asyncio.gather(*(c.first.wait() for c in conns)), 3600)
            watcher = asyncio.create_task(
                watch_changes(sim.url, sim.simulator.config.token or "", changes)
            )
            await asyncio.sleep(0.5)  # the watch is open before anything changes
            await sim_http.delete(f"/_sim/faults/{rule['id']}")
            await asyncio.wait_for(asyncio.gather(*readers), timeout=600)
            watcher.cancel()
            ticks = tick_stats((await http.get("/metrics")).text)
    finally:
        await sim_http.aclose()
        proc.terminate()
        proc.wait(30)
    latencies = []
    for c in conns:
        for job_id, phase, at in c.receipts:
            if phase not in ("RUNNING", "SUCCEEDED"):
                continue
            before = [t for t in changes.get(job_id, []) if t <= at]
            if before:
                latencies.append((at - before[-1]) * 1000)
    latencies.sort()
    return {
        "mode": mode,
        **ticks,
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
        "max": latencies[-1],
    }


def tick_stats(metrics: str) -> dict[str, float]:
    """Poller ticks from the product's /metrics: count, mean and the share over 250 ms."""
    values: dict[str, float] = {}
    for line in metrics.splitlines():
        if line.startswith("mlplatform_poll_tick_duration_seconds"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    count = values.get("mlplatform_poll_tick_duration_seconds_count", 0.0)
    total = values.get("mlplatform_poll_tick_duration_seconds_sum", 0.0)
    fast = values.get('mlplatform_poll_tick_duration_seconds_bucket{le="0.25"}', 0.0)
    return {
        "ticks": count,
        "tick_mean_ms": 1000 * total / count if count else 0.0,
        "ticks_over_250ms": count - fast,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=2000)
    args = parser.parse_args()
    config = SimulatorConfig(
        members=[
            MemberConfig(name=f"member{i}", nodes=64, cpu_per_node=64, memory_gib_per_node=512)
            for i in (1, 2)
        ],
        timing=TimingConfig(initializing_seconds=1.0, running_seconds=5.0, status_sync_seconds=0.1),
    )
    rows = []
    with EmbeddedSimulator(config) as sim, tempfile.TemporaryDirectory() as tmp:
        kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
        for mode in ("list", "watch"):
            rows.append(
                asyncio.run(run_mode(mode, sim, kubeconfig, args.jobs, args.subscribers, Path(tmp)))
            )
    print(
        f"Status latency, simulator change -> subscriber receipt ({args.jobs} jobs, "
        f"{args.subscribers} subscribers, 1 s ticks)"
    )
    print(
        "| poll source | receipts | p50 ms | p99 ms | max ms | ticks | mean tick ms | "
        "ticks > 250 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['mode']} | {r['n']} | {r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | "
            f"{r['ticks']:.0f} | {r['tick_mean_ms']:.0f} | {r['ticks_over_250ms']:.0f} |"
        )
    print("target: p99 <= 1200 ms (interval + 20%)")


if __name__ == "__main__":
    main()
