"""Shared pieces of the recovery tests: jobs of each workload kind, faults, and the invariant
"never two attempts of one job running at once on members that answer", checked on the
simulator's own state (``/_sim/clusters/{name}/workloads``) for the whole test."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

#: algorithm -> the workload kind the platform runs it as (one per kind the simulator runs).
#: There is no XGBoostJob kind: xgboost runs as a RayJob (app/workloads/kinds.py).
KINDS = {
    "xgboost": "RayJob",
    "pytorch": "PyTorchJob",
    "tensorflow": "TFJob",
    "horovod-mpi": "MPIJob",
    "jax-pjit": "JAXJob",
    "container": "Job",
}

ATTEMPTS_QUERY = """query($id: ID!) { job(id: $id) {
  phase reason attempt objectName clusters
  attempts { number cluster phase reason message startedAt endedAt }
  events { sequence toPhase reason message cluster actor } } }"""


def job_body(algorithm: str, name: str, **extra: Any) -> dict[str, Any]:
    if algorithm == "container":
        source: dict[str, Any] = {"source": "container", "imageUri": "python:3.11-slim"}
    else:
        source = {"source": "builtin", "algorithmName": algorithm}
    return {
        "jobName": name,
        "algorithm": source,
        "resources": {
            "instanceResources": {"cpuCores": 1, "memoryGiB": 2, "gpuCount": 0},
            "instanceCount": 1,
        },
        "namespace": "default",
        **extra,
    }


def create(platform: Platform, body: dict[str, Any]) -> str:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def job(platform: Platform, job_id: str) -> dict[str, Any]:
    return dict(platform.graphql(ATTEMPTS_QUERY, {"id": job_id})["job"])


def running_on(platform: Platform, job_id: str, attempt: int = 1) -> str:
    """Wait until the job's attempt ``attempt`` runs (as the platform reports); its cluster."""

    def probe() -> str | None:
        state = job(platform, job_id)
        if state["attempt"] == attempt and state["phase"] == "RUNNING" and state["clusters"]:
            return str(state["clusters"][0])
        return None

    return wait_for(probe, timeout=60, what=f"attempt {attempt} of {job_id} running")


def member_states(sim: httpx.Client) -> list[dict[str, Any]]:
    answer = sim.get("/_sim/clusters")
    answer.raise_for_status()
    body = answer.json()
    items = body.get("clusters", body) if isinstance(body, dict) else body
    return [dict(i) for i in items]


class AttemptWatch:
    """Polls every member's workloads in a thread; records each moment two attempts of one
    job ran at once on members that answer (Ready and reachable: writes reach them)."""

    def __init__(self, platform: Platform, prefixes: dict[str, str]) -> None:
        self.platform = platform
        #: job id -> its object-name base (attempt names are ``<base>`` and ``<base>-a<n>``).
        self.prefixes = prefixes
        self.violations: list[dict[str, list[str]]] = []
        #: Every (job id, object name, cluster) seen running.
        self.seen: set[tuple[str, str, str]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def owner(self, name: str) -> str | None:
        for job_id, base in self.prefixes.items():
            if name == base or name.startswith(f"{base}-a"):
                return job_id
        return None

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.platform.sim.simulator.config.token}"}
        with httpx.Client(base_url=self.platform.sim.url, headers=headers, timeout=10) as sim:
            while not self._stop.is_set():
                self.sample(sim)
                self._stop.wait(0.02)

    def sample(self, sim: httpx.Client) -> None:
        running: dict[str, list[str]] = {}
        for member in member_states(sim):
            name = member["name"]
            workloads = sim.get(f"/_sim/clusters/{name}/workloads").json()["workloads"]
            for w in workloads:
                owner = self.owner(w["name"])
                if owner is None or w["phase"] not in ("Running", "Starting"):
                    continue
                self.seen.add((owner, w["name"], name))
                if member["ready"] and member["reachable"]:
                    running.setdefault(owner, []).append(f"{w['name']}@{name}")
        for owner, where in running.items():
            if len({w.split("@")[0] for w in where}) > 1:
                self.violations.append({owner: where})

    @contextlib.contextmanager
    def watching(self) -> Iterator[AttemptWatch]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=10)
        assert not self.violations, self.violations[:5]


def running_on_rest(base_url: str, job_id: str, attempt: int) -> str:
    """Wait (REST) until attempt ``attempt`` of the job runs; its cluster."""

    def probe() -> str | None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            body = client.get(f"/api/v1/jobs/{job_id}/status").json()
        if body["attempt"] == attempt and body["phase"] == "Running" and body[
            "clusterDistribution"
        ]:
            return str(sorted(body["clusterDistribution"])[0])
        return None

    return wait_for(probe, timeout=60, what=f"attempt {attempt} of {job_id} running")


@contextlib.contextmanager
def recovery_platform(make_platform: PlatformFactory, name_prefix: str) -> Iterator[Platform]:
    """A platform whose jobs named ``name_prefix...`` run long; members healed afterwards."""
    with make_platform(cluster_health_check_seconds=0.2) as running:
        rule = running.sim_request("POST", "/_sim/scenarios", json={
            "match": {"nameContains": name_prefix}, "scenario": {"runSeconds": 600}})
        assert rule.status_code == 201, rule.text
        try:
            yield running
        finally:
            for member in ("member1", "member2"):
                running.sim_request("POST", f"/_sim/clusters/{member}",
                                    json={"ready": True, "reachable": True})
            running.sim_request("DELETE", "/_sim/disruptions")
            running.sim_request("DELETE", "/_sim/scenarios")


def metric(platform: Platform, name: str, **labels: str) -> float:
    """The sum of the server's ``/metrics`` samples ``name`` whose labels include ``labels``."""
    with platform.http() as client:
        text = client.get("/metrics").text
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def poll_ticks(platform: Platform) -> float:
    """Status-poller ticks that completed (``mlplatform_poll_ticks_total{outcome="ok"}``)."""
    return metric(platform, "mlplatform_poll_ticks_total", outcome="ok")


def after_ticks(platform: Platform, ticks: int, seconds: float, what: str) -> None:
    """Wait until ``seconds`` have passed and the poller completed ``ticks`` more ticks: the
    observable moment by which the server has had every chance to act on what it saw."""
    start, until = poll_ticks(platform), time.monotonic() + seconds
    wait_for(lambda: time.monotonic() >= until and poll_ticks(platform) >= start + ticks,
             timeout=seconds + 60, interval=0.1, what=what)


def objects_of(platform: Platform, base: str) -> set[tuple[str, str]]:
    """(workload name, member) of every attempt of the job whose object base is ``base`` that
    the simulator's members hold now, whatever its phase."""
    found: set[tuple[str, str]] = set()
    headers = {"Authorization": f"Bearer {platform.sim.simulator.config.token}"}
    with httpx.Client(base_url=platform.sim.url, headers=headers, timeout=30) as sim:
        for member in member_states(sim):
            answer = sim.get(f"/_sim/clusters/{member['name']}/workloads")
            answer.raise_for_status()
            for w in answer.json()["workloads"]:
                if w["name"] == base or w["name"].startswith(f"{base}-a"):
                    found.add((w["name"], member["name"]))
    return found
