"""``mlplatform serve --workers 2`` as a real process on PostgreSQL and the simulator: one
leader among the workers, subscribers on both workers each get their job's whole history,
/metrics aggregates both; SQLite refuses several workers with exit code 2."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from karmada_sim.runtime import EmbeddedSimulator
from tests.live.test_two_replicas import advisory_locks
from tests.observability.metrics_text import sample, sum_samples
from tests.support.eventually import eventually, wait_for
from tests.support.throwaway_postgres import find_free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
STATUS = (
    "subscription($id: ID!) { jobStatus(id: $id, afterSequence: 0) "
    "{ jobId phase reason sequence } }"
)
BODY: dict[str, Any] = {
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
                  "instanceCount": 1, "volumeSizeGB": 0},
    "namespace": "default",
}


@contextlib.contextmanager
def serve_workers(env: dict[str, str], log_path: Path) -> Iterator[str]:
    port = find_free_port()
    full_env = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1"}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "serve", "--workers", "2"],
            cwd=REPO_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, log_path.read_text()[-3000:]
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{base_url}/health", timeout=2).status_code == 200
        return False

    try:
        wait_for(healthy, timeout=60, what="serve --workers 2 answers /health")
        yield base_url
    finally:
        process.terminate()  # the supervisor stops its workers
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


class Subscriber:
    """One websocket: which worker accepted it, then one job's jobStatus payloads."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.pid = ws.response.headers["x-worker-pid"] if ws.response else ""
        self.states: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, url: str) -> Subscriber:
        ws = await websockets.connect(
            url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=30
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        while json.loads(await ws.recv())["type"] != "connection_ack":
            pass
        return cls(ws)

    async def follow(self, job_id: str) -> list[dict[str, Any]]:
        await self.ws.send(json.dumps({
            "id": "1", "type": "subscribe",
            "payload": {"query": STATUS, "variables": {"id": job_id}},
        }))
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next":
                assert not message["payload"].get("errors"), message
                self.states.append(message["payload"]["data"]["jobStatus"])
            elif message["type"] in ("complete", "error"):
                assert message["type"] == "complete", message
                break
        await self.ws.close()
        return self.states


async def test_two_workers_one_leader_and_every_subscriber_gets_everything(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": pg_url,
        "KARMADA_KUBECONFIG": str(sim_kubeconfig),
        "ML_PLATFORM_INSTANCE": f"workers-{uuid.uuid4().hex[:6]}",
        "POLL_INTERVAL_SECONDS": "0.25",
        "LEADER_RETRY_SECONDS": "0.5",
        "LOG_LEVEL": "WARNING",
    }
    with serve_workers(env, tmp_path / "serve.log") as base_url:
        ws_url = base_url.replace("http://", "ws://") + "/graphql"
        # The kernel spreads connections over the workers' shared socket (and /health may
        # answer before the second worker accepts): open until both workers hold some.
        opened: list[Subscriber] = []

        async def both_workers_hold_some() -> bool:
            opened.append(await Subscriber.connect(ws_url))
            return len({s.pid for s in opened}) == 2 and len(opened) >= 4

        await eventually(both_workers_hold_some, timeout=60, interval=0.05,
                         what="websockets on both workers")
        subscribers: list[Subscriber] = []
        for sub in opened:  # at most 3 per worker follow a job; the rest just close
            if sum(s.pid == sub.pid for s in subscribers) < 3:
                subscribers.append(sub)
            else:
                await sub.ws.close()
        pids = {s.pid for s in subscribers}

        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            # One leader: one advisory lock held, and the workers' leader gauges sum to 1.
            await eventually(lambda: advisory_locks(pg_url) == 1, timeout=30,
                             what="one worker holds the leader lock")

            async def leaders() -> float | None:
                text = (await http.get("/metrics")).text
                return sample(text, "mlplatform_leader")

            assert await eventually(leaders, timeout=30, what="a leader in /metrics") == 1.0

            ids = []
            for i, _sub in enumerate(subscribers):
                answer = await http.post("/api/v1/jobs", json={**BODY, "jobName": f"w-{i}"})
                assert answer.status_code == 201, answer.text
                ids.append(answer.json()["id"])
            results = await asyncio.wait_for(
                asyncio.gather(*(s.follow(j) for s, j in zip(subscribers, ids, strict=True))),
                timeout=120,
            )
            for job_id, states in zip(ids, results, strict=True):
                answer = await http.post("/graphql", json={
                    "query": "query($id: ID!) { job(id: $id) { events { sequence toPhase } } }",
                    "variables": {"id": job_id},
                })
                events = answer.json()["data"]["job"]["events"]
                # The whole history, in order, exactly once, ending where the job ended.
                assert [s["sequence"] for s in states] == [e["sequence"] for e in events]
                assert [s["phase"] for s in states] == [e["toPhase"] for e in events]
                assert states[-1]["phase"] == "SUCCEEDED", states
            text = (await http.get("/metrics")).text
            assert sample(text, "mlplatform_leader") == 1.0
            # The leader's watch state (an Enum in one process) survives the aggregation.
            assert sum_samples(text, "mlplatform_watch_state", mlplatform_watch_state="watching")
            assert sum_samples(text, "mlplatform_job_transitions_total", phase="SUCCEEDED") == len(
                ids
            )
        assert advisory_locks(pg_url) == 1
    assert len(pids) == 2


@pytest.mark.parametrize("how", [["--workers", "2"], []])
def test_sqlite_refuses_several_workers_with_exit_code_2(tmp_path: Path, how: list[str]) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3",
           "PORT": str(find_free_port())}
    if not how:
        env["WEB_CONCURRENCY"] = "2"
    done = subprocess.run(
        [sys.executable, "-m", "app.server.cli", "serve", *how],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "needs PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_embedded_simulator_refuses_several_workers_with_exit_code_2(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/never-reached",
           "PORT": str(find_free_port())}
    env.pop("KARMADA_KUBECONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "app.server.cli", "serve", "--workers", "3"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "needs KARMADA_KUBECONFIG" in done.stderr
    assert "Traceback" not in done.stderr
