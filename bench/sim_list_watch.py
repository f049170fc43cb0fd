"""Benchmark: LIST pages and WATCH latency of the simulated Karmada API server at scale.

Seeds N RayJobs (default 10,000; the upstream KubeRay sample, labelled like the product's
objects) in an EmbeddedSimulator, then measures, in the same run:

* a labelled LIST page of 500 (`labelSelector=ml-platform.io/instance=bench`, limit=500) at
  the simulator (in-process `list_page`) and over HTTP, and a page of a 10% label
  (`shard=3`) served from the label index;
* baselines: the 10% page through a selector the index cannot answer (`shard in (3,13)`: a
  linear scan), and a LIST without limit (all N objects serialised);
* watch latency: time from a store write (in-process, on the simulator loop) until the
  MODIFIED event line reaches an HTTP watch client; baseline: one full LIST, the least a
  poller must do to notice the same change.

Usage: .venv/bin/python bench/sim_list_watch.py [--objects 10000] [--rounds 30] [--events 200]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from karmada_sim.config import SimulatorConfig
from karmada_sim.reference import reference_dir
from karmada_sim.runtime import EmbeddedSimulator, Simulator
from karmada_sim.selectors import parse_label_selector

NAMESPACE = "default"
AUTH = {"Authorization": "Bearer sim-token"}
PATH = f"/apis/ray.io/v1/namespaces/{NAMESPACE}/rayjobs"


def _sample() -> dict[str, Any]:
    with (reference_dir() / "kuberay/samples/ray-job.sample.yaml").open() as fh:
        return next(d for d in yaml.safe_load_all(fh) if d and d["kind"] == "RayJob")


def seed(sim: Simulator, count: int) -> None:
    store = sim.store
    rt = store.resource("ray.io/v1", "RayJob")
    sample = _sample()
    for i in range(count):
        obj = copy.deepcopy(sample)
        obj["metadata"] = {
            "name": f"job-{i:05d}",
            "namespace": NAMESPACE,
            "labels": {
                "app.kubernetes.io/managed-by": "ml-platform",
                "ml-platform.io/instance": "bench",
                "shard": str(i % 10),
            },
        }
        store.create(rt, obj)


def timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values: list[float], extra: str = "") -> str:
    return (
        f"| {name} | {statistics.median(values):.2f} | {pct(values, 0.95):.2f} | "
        f"{max(values):.2f} | {extra} |"
    )


def in_process_list(sim: EmbeddedSimulator, selector: str, limit: int | None) -> Callable[[], int]:
    parsed = parse_label_selector(selector)

    def run(s: Simulator) -> int:
        rt = s.store.resource("ray.io/v1", "RayJob")
        return len(s.store.list_page(rt, NAMESPACE, parsed, limit=limit).items)

    return lambda: sim.call(run)


def http_list(http: httpx.Client, params: dict[str, str]) -> Callable[[], int]:
    def run() -> int:
        response = http.get(PATH, params=params, headers=AUTH)
        response.raise_for_status()
        return len(response.content)

    return run


async def watch_latencies(sim: EmbeddedSimulator, events: int) -> list[float]:
    """ms from an in-process write to the event line at an HTTP watch client."""
    latencies: list[float] = []
    received = asyncio.Queue[tuple[str, float]]()

    async def reader(response: httpx.Response) -> None:
        async for line in response.aiter_lines():
            if not line:
                continue
            now = time.perf_counter()
            event = json.loads(line)
            stamp = (event["object"]["metadata"].get("annotations") or {}).get("bench/t")
            if event["type"] == "MODIFIED" and stamp:
                await received.put((stamp, now))

    def write(i: int) -> None:
        stamp = repr(time.perf_counter())

        def patch(s: Simulator) -> None:
            rt = s.store.resource("ray.io/v1", "RayJob")
            s.store.patch(
                rt, NAMESPACE, f"job-{i:05d}", {"metadata": {"annotations": {"bench/t": stamp}}}
            )

        sim.call(patch)

    async with httpx.AsyncClient(base_url=sim.url, timeout=60) as http:
        rv = (await http.get(PATH, params={"limit": "1"}, headers=AUTH)).json()["metadata"][
            "resourceVersion"
        ]
        params = {
            "watch": "true",
            "resourceVersion": rv,
            "labelSelector": "ml-platform.io/instance=bench",
            "timeoutSeconds": "120",
        }
        async with http.stream("GET", PATH, params=params, headers=AUTH) as response:
            task = asyncio.create_task(reader(response))
            for i in range(events):
                # The writer runs in a worker thread: sim.call blocks until the loop ran it.
                await asyncio.to_thread(write, i)
                stamp, got = await asyncio.wait_for(received.get(), 5)
                latencies.append((got - float(stamp)) * 1000)
            task.cancel()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()

    with EmbeddedSimulator(SimulatorConfig(), install=False) as sim:
        started = time.perf_counter()
        sim.call(lambda s: seed(s, args.objects), timeout=600)
        seed_s = time.perf_counter() - started
        lines = [
            f"Simulator LIST/WATCH benchmark: {args.objects} RayJobs "
            f"(seeded in {seed_s:.1f} s, {seed_s / args.objects * 1000:.2f} ms per create "
            "incl. CRD defaulting, pruning and validation), "
            f"{args.rounds} rounds, {args.events} watch events",
            "",
            "| measurement | median ms | p95 ms | max ms | notes |",
            "|---|---|---|---|---|",
        ]
        lines.append(
            row(
                "LIST page 500, `instance=bench` (all objects match), in-process",
                timed(in_process_list(sim, "ml-platform.io/instance=bench", 500), args.rounds),
                "target < 100 ms",
            )
        )
        lines.append(
            row(
                "LIST page 500, `shard=3` (10% match, label index), in-process",
                timed(in_process_list(sim, "shard=3", 500), args.rounds),
                "index picks the 10% first",
            )
        )
        lines.append(
            row(
                "baseline: same page via `shard in (3,13)` (no index), in-process",
                timed(in_process_list(sim, "shard in (3,13)", 500), args.rounds),
                "linear scan until 500 found",
            )
        )
        with httpx.Client(base_url=sim.url, timeout=120) as http:
            page = {"labelSelector": "ml-platform.io/instance=bench", "limit": "500"}
            size = http_list(http, page)()
            lines.append(
                row(
                    "LIST page 500, label index, over HTTP",
                    timed(http_list(http, page), args.rounds),
                    f"{size / 1024:.0f} KiB per page",
                )
            )
            full = {"labelSelector": "ml-platform.io/instance=bench"}
            size = http_list(http, full)()
            lines.append(
                row(
                    f"baseline: LIST all {args.objects} (no limit), over HTTP",
                    timed(http_list(http, full), max(5, args.rounds // 3)),
                    f"{size / 1024 / 1024:.1f} MiB",
                )
            )
        latencies = asyncio.run(watch_latencies(sim, args.events))
        lines.append(row("WATCH event latency (write -> client)", latencies, "target < 50 ms"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
