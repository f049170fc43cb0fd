"""Benchmark: the cost of one poller tick against Karmada, by number of active jobs.

For 100, 1,000, 5,000 and 20,000 active RayJobs (each with its ResourceBinding, Karmada-
aggregated status, as the product builds them), of which 1% change per second, it measures
per tick: Karmada requests, bytes received, and CPU milliseconds of the poller's thread
(reading + parsing + interpreting status; the simulator runs in another thread and is not
counted). Database writes are left out: they follow the changed jobs in every mode.

Modes, all in the same run against the same simulated Karmada:

* ``old``: the old service's way, two GETs per job per tick (template + binding). Above
  2,000 jobs only 2,000 jobs are read and the figures scaled (marked ``*``).
* ``list-all``: a paged LIST of full objects of every kind in use + one of bindings, then
  interpret every job (LIST-everything-every-tick; the first session's ``POLL_SOURCE=list``).
* ``list``: ``POLL_SOURCE=list`` now: the same LISTs as compact Table rows (names and
  resourceVersions), GETs of the objects whose resourceVersion moved, and interpretation of
  those jobs only.
* ``watch``: ``POLL_SOURCE=watch`` (default): LIST+WATCH caches; the tick interprets the
  jobs whose objects changed; events arriving between ticks are counted in the tick.

Usage: .venv/bin/python bench/poll_cost.py [--sizes 100,1000,5000,20000] [--ticks 5]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.jobspec import parse_job_request
from app.karmada import KarmadaClient
from app.karmada.resources import RESOURCE_BINDINGS
from app.poller.status_source import ListStatusSource, WatchStatusSource, resource_of_kind
from app.workloads import (
    RAYJOB,
    JobIdentity,
    WorkloadSettings,
    binding_name_for,
    build_manifests,
    instance_selector,
    interpret_status,
    object_name_for,
)
from karmada_sim.runtime import EmbeddedSimulator, Simulator

CHANGE_FRACTION = 0.01


class CountingClient(KarmadaClient):
    """Counts the bytes of every answer (plain and streamed)."""

    bytes_received = 0

    async def request_bytes(self, *args: Any, **kwargs: Any) -> bytes:
        data = await super().request_bytes(*args, **kwargs)
        self.bytes_received += len(data)
        return data

    async def stream_lines(
        self, path: str, *, query: Mapping[str, str | int] | None = None, timeout: Any = None
    ) -> AsyncIterator[bytes]:
        async for line in super().stream_lines(path, query=query, timeout=timeout):
            self.bytes_received += len(line)
            yield line


def rayjob_template() -> dict[str, Any]:
    request = parse_job_request(
        {
            "jobName": "bench",
            "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
            "resources": {"instanceResources": {"cpuCores": 2, "memoryGiB": 8}, "instanceCount": 2},
        }
    )
    identity = JobIdentity("bench-00000000", object_name_for("bench-00000000", RAYJOB), "x", "b")
    manifests = build_manifests(request, identity, WorkloadSettings.defaults(), ("member1",))
    return copy.deepcopy(manifests.workload)


def running_status(generation: int) -> dict[str, Any]:
    return {
        "jobStatus": "RUNNING",
        "jobDeploymentStatus": "Running",
        "rayClusterName": "bench-raycluster",
        "startTime": "2026-11-28T10:00:00Z",
        "message": f"Job is running (step {generation})",
    }


@dataclass
class Fleet:
    namespace: str
    instance: str
    names: list[str]


def seed(sim: Simulator, size: int, template: dict[str, Any]) -> Fleet:
    store = sim.store
    namespace, instance = f"bench-{size}", f"bench-{size}"
    ns_rt = store.resource("v1", "Namespace")
    store.create(ns_rt, {"metadata": {"name": namespace}})
    rt = store.resource("ray.io/v1", "RayJob")
    rb = store.resource("work.karmada.io/v1alpha2", "ResourceBinding")
    admit = store._admit
    store._admit = lambda rt, obj, *a, **k: obj  # type: ignore[method-assign]  # seeding only
    names = []
    try:
        for i in range(size):
            obj = copy.deepcopy(template)
            name = f"rbench-{size}-{i:05d}"
            obj["metadata"]["name"] = name
            obj["metadata"]["namespace"] = namespace
            obj["metadata"]["labels"]["ml-platform.io/instance"] = instance
            obj["status"] = running_status(0)
            store.create(rt, obj)
            store.create(rb, binding(namespace, name, 0))
            names.append(name)
        set_status(sim, namespace, names)  # templates carry status (create drops it)
    finally:
        store._admit = admit  # type: ignore[method-assign]
    return Fleet(namespace, instance, names)


def binding(namespace: str, name: str, generation: int) -> dict[str, Any]:
    return {
        "apiVersion": "work.karmada.io/v1alpha2",
        "kind": "ResourceBinding",
        "metadata": {"name": binding_name_for(name, RAYJOB), "namespace": namespace},
        "spec": {
            "resource": {
                "apiVersion": "ray.io/v1",
                "kind": "RayJob",
                "namespace": namespace,
                "name": name,
            },
            "clusters": [{"name": "member1"}],
        },
        "status": {
            "aggregatedStatus": [
                {
                    "clusterName": "member1",
                    "applied": True,
                    "health": "Healthy",
                    "status": running_status(generation),
                }
            ]
        },
    }


def set_status(sim: Simulator, namespace: str, names: list[str], generation: int = 0) -> None:
    store = sim.store
    rt = store.resource("ray.io/v1", "RayJob")
    rb = store.resource("work.karmada.io/v1alpha2", "ResourceBinding")
    for name in names:
        obj = store.get(rt, namespace, name)
        assert obj is not None
        obj["status"] = running_status(generation)
        store.update(rt, obj, subresource="status")
        b = store.get(rb, namespace, binding_name_for(name, RAYJOB))
        assert b is not None
        b["status"] = binding(namespace, name, generation)["status"]
        store.update(rb, b, subresource="status")


async def old_way_tick(client: KarmadaClient, fleet: Fleet, sample: int) -> int:
    resource = resource_of_kind("RayJob")
    for name in fleet.names[:sample]:
        template = await client.get(resource, fleet.namespace, name)
        bound = await client.get(RESOURCE_BINDINGS, fleet.namespace, binding_name_for(name, RAYJOB))
        interpret_status(RAYJOB, template, bound)
    return sample


async def source_tick(source: Any, fleet: Fleet) -> int:
    await source.sync({"RayJob"}, {fleet.namespace})
    changed = source.drain_changed()
    keys = [("RayJob", fleet.namespace, n) for n in fleet.names]
    if changed is not None:
        keys = [k for k in keys if k in changed]
    for key in keys:
        interpret_status(RAYJOB, source.template(key), source.binding(key))
    return len(keys)


@dataclass
class Row:
    size: int
    mode: str
    requests: float
    kib: float
    cpu_ms: float
    interpreted: float
    scaled: bool = False


async def measure(
    sim: EmbeddedSimulator, kubeconfig: Path, fleet: Fleet, ticks: int, generation: list[int]
) -> list[Row]:
    size = len(fleet.names)
    client = await CountingClient.from_kubeconfig(kubeconfig, timeout=60)
    assert isinstance(client, CountingClient)
    rows: list[Row] = []
    step = max(1, int(size * CHANGE_FRACTION))
    selector = instance_selector(fleet.instance)

    async def change() -> None:
        generation[0] += 1
        start = (generation[0] * step) % size
        chosen = (fleet.names + fleet.names)[start : start + step]
        await asyncio.to_thread(
            sim.call, lambda s: set_status(s, fleet.namespace, chosen, generation[0])
        )

    try:
        sources: dict[str, Any] = {
            "list-all": ListStatusSource(client, selector, 500, compact=False),
            "list": ListStatusSource(client, selector, 500),
            "watch": WatchStatusSource(
                client, selector, page_size=500, relist_seconds=3600, sync_timeout_seconds=900
            ),
        }
        for mode in ("old", "list-all", "list", "watch"):
            source = sources.get(mode)
            if source is not None:
                await source_tick(source, fleet)  # warm up: first LIST, watches open
            totals = [0.0, 0.0, 0.0, 0.0]
            sample = min(size, 2000)
            for _ in range(ticks):
                # One window per tick: the 1% change, the events it causes (watch mode parses
                # them here, in this thread, as they arrive), then the tick itself.
                requests, received = client.request_count, client.bytes_received
                cpu = time.thread_time()
                await change()
                if mode == "watch":
                    await wait_caught_up(source, sim)
                if mode == "old":
                    interpreted = await old_way_tick(client, fleet, sample)
                else:
                    interpreted = await source_tick(source, fleet)
                cpu_ms = (time.thread_time() - cpu) * 1000
                scale = size / sample if mode == "old" else 1.0
                totals[0] += (client.request_count - requests) * scale
                totals[1] += (client.bytes_received - received) * scale
                totals[2] += cpu_ms * scale
                totals[3] += interpreted * scale
            rows.append(
                Row(
                    size,
                    mode,
                    totals[0] / ticks,
                    totals[1] / ticks / 1024,
                    totals[2] / ticks,
                    totals[3] / ticks,
                    mode == "old" and sample < size,
                )
            )
        await sources["watch"].close()
    finally:
        await client.close()
    return rows


async def wait_caught_up(source: Any, sim: EmbeddedSimulator) -> None:
    """Until the watchers have the newest writes (in steady state events land between ticks).

    ``set_status`` writes each template, then its binding, so the last binding write holds
    the store's newest resourceVersion and the last template write the one before it.
    """
    target = sim.call(lambda s: s.store.resource_version)
    (template,) = source.template_watchers.values()
    (bound,) = source.binding_watchers.values()
    deadline = time.monotonic() + 60
    while (
        int(bound.cache.resource_version or 0) < target
        or int(template.cache.resource_version or 0) < target - 1
    ):
        if time.monotonic() > deadline:
            raise TimeoutError("watch caches did not catch up")
        await asyncio.sleep(0.002)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000,20000")
    parser.add_argument("--ticks", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    template = rayjob_template()
    print(f"template JSON size: {len(json.dumps(template))} bytes (+ status)")
    rows: list[Row] = []
    for size in sizes:  # a fresh simulator per size: lists hold only that fleet
        with EmbeddedSimulator(install=False) as sim, tempfile.TemporaryDirectory() as tmp:
            kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
            started = time.monotonic()
            fleet = sim.call(lambda s, size=size: seed(s, size, template), timeout=1800)
            print(
                f"seeded {size} RayJobs + bindings in {time.monotonic() - started:.1f}s", flush=True
            )
            rows.extend(asyncio.run(measure(sim, kubeconfig, fleet, args.ticks, [0])))
            print_table([r for r in rows if r.size == size])
    print()
    print(f"Poll cost per tick ({CHANGE_FRACTION:.0%} of active jobs change per tick)")
    print_table(rows)


def print_table(rows: list[Row]) -> None:
    print(
        "| active jobs | mode | requests/tick | KiB/tick | CPU ms/tick | % of a core at 1 s"
        " | jobs interpreted |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        star = "*" if r.scaled else ""
        print(
            f"| {r.size} | {r.mode} | {r.requests:.0f}{star} | {r.kib:.0f}{star} | "
            f"{r.cpu_ms:.1f}{star} | {r.cpu_ms / 10:.1f}% | {r.interpreted:.0f} |"
        )


if __name__ == "__main__":
    main()
