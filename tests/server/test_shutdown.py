"""Graceful shutdown: websockets close with 1012, and an npm graphql-ws client that reconnects
to the restarted server gets the job's current state first, then the rest of its transitions."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.server.serving import ServerThread, free_port
from tests.server.test_rest_contract import FRONTEND_BODY
from tests.support.node_client import NODE_DIR, ensure_node_deps
from tests.support.platform import platform_settings

RECONNECT_SCRIPT = Path(__file__).with_name("node") / "reconnect.mjs"
QUERY = "subscription ($id: ID!) { jobStatus(id: $id) { phase reason sequence } }"
DEADLINE_SECONDS = 60.0


class Lines:
    """The Node client's stdout lines, read as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen: list[dict[str, Any]] = []

    async def until(self, predicate: Any, what: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(DEADLINE_SECONDS):
            while True:
                line = await self.process.stdout.readline()
                assert line, f"node exited before {what}; seen {self.seen}"
                event: dict[str, Any] = json.loads(line)
                self.seen.append(event)
                assert "error" not in event, event
                if predicate(event):
                    return event


async def test_subscriber_gets_1012_reconnects_and_receives_current_state_first(
    pg_url: str, platform_sim: Any, sim_kubeconfig: Path
) -> None:
    await asyncio.to_thread(ensure_node_deps)
    node = shutil.which("node")
    assert node is not None, "node is required for this test"
    settings = platform_settings(pg_url, sim_kubeconfig)
    port = free_port()
    ws_url = f"ws://127.0.0.1:{port}/graphql"

    # Long enough that the job is still running when the server shuts down, however slow
    # the machine (the simulator's scenario rule matches the job's object name).
    async with httpx.AsyncClient(base_url=platform_sim.url) as sim:
        rule = await sim.post(
            "/_sim/scenarios",
            json={"match": {"nameContains": "shutdown-slow"}, "scenario": {"runSeconds": 10}},
        )
        assert rule.status_code == 201, rule.text
    first = await asyncio.to_thread(ServerThread(settings, port).start)
    async with httpx.AsyncClient(base_url=first.base_url) as client:
        created = await client.post(
            "/api/v1/jobs", json={**FRONTEND_BODY, "jobName": "shutdown-slow"}
        )
    job_id = created.json()["id"]
    process = await asyncio.create_subprocess_exec(
        node,
        str(RECONNECT_SCRIPT),
        str(NODE_DIR / "node_modules"),
        ws_url,
        QUERY,
        json.dumps({"id": job_id}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    lines = Lines(process)
    try:
        # Past sequence 1, so a stream replayed from the start would be told apart.
        await lines.until(
            lambda e: "data" in e and e["data"]["jobStatus"]["sequence"] >= 2, "a second state"
        )
        await asyncio.to_thread(first.stop)  # graceful shutdown
        closed = await lines.until(lambda e: "closed" in e, "the close")
        assert closed == {"closed": 1012}
        before = [e["data"]["jobStatus"] for e in lines.seen if "data" in e]

        second = await asyncio.to_thread(ServerThread(settings, port).start)
        try:
            await lines.until(lambda e: e.get("connected") == 2, "the reconnection")
            reconnected_at = len(lines.seen)
            await lines.until(lambda e: e.get("complete"), "completion")
        finally:
            await asyncio.to_thread(second.stop)
        after = [e["data"]["jobStatus"] for e in lines.seen[reconnected_at:] if "data" in e]
        assert after, lines.seen
        # Current state first: never a replay from the start, never older than what was seen.
        assert after[0]["sequence"] >= before[-1]["sequence"]
        sequences = [s["sequence"] for s in after]
        assert sequences == sorted(set(sequences))
        assert after[-1]["phase"] == "SUCCEEDED"
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


def test_shutdown_stops_accepting_and_finishes_in_flight_requests(
    pg_url: str, platform_sim: Any, sim_kubeconfig: Path
) -> None:
    server = ServerThread(platform_settings(pg_url, sim_kubeconfig), free_port()).start()
    sim_headers = {"Authorization": f"Bearer {platform_sim.simulator.config.token}"}
    with httpx.Client(base_url=platform_sim.url, headers=sim_headers) as sim:
        # Karmada answers this one GET slowly, so the GraphQL request is in flight for a while.
        fault = sim.post(
            "/_sim/faults",
            json={
                "pathRegex": "/clusters/member1$",
                "methods": ["GET"],
                "latencyMs": 2500,
                "durationSeconds": 20,
            },
        ).json()
        try:
            outcome: dict[str, httpx.Response] = {}
            slow = threading.Thread(
                target=lambda: outcome.update(
                    answer=httpx.post(
                        f"{server.base_url}/graphql",
                        timeout=30,
                        json={"query": '{ cluster(name: "member1") { name } }'},
                    )
                )
            )
            slow.start()

            def in_flight() -> bool:
                counts = sim.get("/_sim/requests").json()["counts"]
                return any(
                    k.startswith("get cluster.karmada.io") and "clusters" in k and v > 0
                    for k, v in counts.items()
                )

            sim.post("/_sim/requests/reset")
            deadline = time.monotonic() + 10
            while not in_flight():
                assert time.monotonic() < deadline, "the slow request never reached Karmada"
                time.sleep(0.02)
            server.begin_shutdown()

            refused = False
            deadline = time.monotonic() + 2  # well inside the slow request's 2.5 s
            while time.monotonic() < deadline and not refused:
                try:
                    httpx.get(f"{server.base_url}/health/live", timeout=1)
                    time.sleep(0.02)
                except httpx.ConnectError:
                    refused = True
            assert slow.is_alive(), "the in-flight request ended before the listener closed"
            assert refused, "new connections were still accepted during shutdown"
            slow.join(30)
        finally:
            sim.delete(f"/_sim/faults/{fault['id']}")
    server.join()
    answer = outcome["answer"]
    assert answer.status_code == 200
    assert answer.json() == {"data": {"cluster": {"name": "member1"}}}
