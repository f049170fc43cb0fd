"""The shared fan-out end to end: real uvicorn, PostgreSQL, the simulator, raw websockets.

Subscribers of one job over both protocols, several per connection, with two different
documents: each gets every transition in order under its own operation id and in its own
protocol's message type, while the server renders each transition once per document.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import asyncpg
import websockets
from websockets.typing import Subprotocol

from app.live.pg_bridge import asyncpg_dsn
from tests.live.gql_ws import JOB_STATUS
from tests.poller.test_watch_poller import create_jobs, history
from tests.support.eventually import eventually
from tests.support.platform import Platform
from tests.support.simulator import sim_control

ALIASED = "subscription($id: ID!) { s: jobStatus(id: $id) { p: phase sequence } }"


class Subscriptions:
    """One websocket holding several subscriptions; collects each one's payloads."""

    def __init__(self, url: str, protocol: str) -> None:
        self.url, self.protocol = url, protocol
        self.legacy = protocol == "graphql-ws"
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.completed: set[str] = set()
        self.ws: Any = None

    async def open(self, subscriptions: dict[str, str], job_id: str) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=[Subprotocol(self.protocol)])
        await self.ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        while json.loads(await self.ws.recv())["type"] != "connection_ack":
            pass
        for op_id, query in subscriptions.items():
            self.received[op_id] = []
            message = {
                "id": op_id,
                "type": "start" if self.legacy else "subscribe",
                "payload": {"query": query, "variables": {"id": job_id}},
            }
            await self.ws.send(json.dumps(message))

    async def read(self) -> None:
        data_type = "data" if self.legacy else "next"
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "complete":
                self.completed.add(message["id"])
                if self.completed == set(self.received):
                    return
            elif message["type"] in ("ka", "ping", "pong"):
                continue
            else:
                assert message["type"] == data_type, message
                assert "errors" not in message["payload"], message
                self.received[message["id"]].append(message["payload"]["data"])


async def _open_held_job(platform: Platform, prefix: str) -> tuple[str, dict[str, Any]]:
    """A job held before submission (a 503 fault on RayJob creation) and the fault rule."""
    sim_control(
        platform.sim,
        "POST",
        "/_sim/scenarios",
        json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 1}},
    )
    rule = sim_control(
        platform.sim,
        "POST",
        "/_sim/faults",
        json={"pathRegex": "/rayjobs", "methods": ["POST"], "status": 503},
    )
    job_id = (await asyncio.to_thread(create_jobs, platform, prefix, 1))[0]
    return job_id, rule


async def _release_and_read_to_the_end(
    platform: Platform,
    job_id: str,
    rule: dict[str, Any],
    connections: list[Subscriptions],
    readers: list[asyncio.Task[None]],
) -> dict[str, Any]:
    """Lift the hold; read every subscription to its completion; the job's last event."""
    sim_control(platform.sim, "DELETE", f"/_sim/faults/{rule['id']}")
    await asyncio.wait_for(asyncio.gather(*readers), timeout=60)
    for c in connections:
        await c.ws.close()
    final: dict[str, Any] = history(platform, job_id)[-1]
    assert final["toPhase"] == "SUCCEEDED"
    return final


def _assert_every_transition_once(connections: list[Subscriptions], final: dict[str, Any]) -> int:
    """Each subscription: contiguous sequences ending on the final one. Returns live count."""
    live = 0
    for c in connections:
        for op_id, payloads in c.received.items():
            states = [p["s"] if op_id.startswith("b") else p["jobStatus"] for p in payloads]
            sequences = [s["sequence"] for s in states]
            assert sequences == list(range(sequences[0], final["sequence"] + 1)), (op_id, states)
            phase = states[-1]["p"] if op_id.startswith("b") else states[-1]["phase"]
            assert phase == "SUCCEEDED"
            live += len(states) - 1
    return live


def _counter(metrics: str, name: str) -> float:
    return sum(
        float(line.rpartition(" ")[2])
        for line in metrics.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


def _shared_counters(platform: Platform) -> tuple[float, float, float]:
    with platform.http() as client:
        text = client.get("/metrics").text
    return (
        _counter(text, "mlplatform_shared_fanout_renders_total"),
        _counter(text, "mlplatform_shared_fanout_frames_total"),
        _counter(text, "mlplatform_shared_fanout_releases_total"),
    )


async def test_subscribers_of_one_job_share_each_render_across_protocols(
    platform: Platform,
) -> None:
    job_id, rule = await _open_held_job(platform, f"shr{uuid.uuid4().hex[:6]}")
    modern = Subscriptions(platform.ws_url, "graphql-transport-ws")
    legacy = Subscriptions(platform.ws_url, "graphql-ws")
    await modern.open(
        {**{f"a{n}": JOB_STATUS for n in range(10)}, **{f"b{n}": ALIASED for n in range(5)}},
        job_id,
    )
    await legacy.open({f"l{n}": JOB_STATUS for n in range(10)}, job_id)
    readers = [asyncio.create_task(c.read()) for c in (modern, legacy)]
    fanout = platform.app.state.services.fanout
    await eventually(lambda: fanout.members_of(job_id) == 25, timeout=30, what="25 members")
    renders, frames, releases = await asyncio.to_thread(_shared_counters, platform)
    final = await _release_and_read_to_the_end(platform, job_id, rule, [modern, legacy], readers)
    live = _assert_every_transition_once([modern, legacy], final)
    transitions = final["sequence"] - modern.received["a0"][0]["jobStatus"]["sequence"]
    assert transitions >= 2 and live == 25 * transitions

    renders_after, frames_after, releases_after = await asyncio.to_thread(
        _shared_counters, platform
    )
    assert releases_after == releases  # nobody needed the per-subscriber path
    assert frames_after - frames == live  # every live message went out as a shared frame
    # One render per transition and document: two documents, not 25 subscribers.
    assert renders_after - renders == 2 * transitions


async def _terminate_listener(platform: Platform) -> None:
    """Kill the replica's LISTEN connection (its bridge reconnects and resyncs the hub)."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.settings.db.database_url))
    try:
        pid = await conn.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
        )
        assert pid is not None, "no LISTEN connection"
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


async def test_a_resync_hands_grouped_subscribers_back_and_they_lose_nothing(
    platform: Platform,
) -> None:
    # The listener connection dies: the hub wakes everyone to re-read the database. Grouped
    # subscribers are handed back, their streams restart from what they had delivered, back-
    # fill, and join again; then every transition still arrives once, in order.
    job_id, rule = await _open_held_job(platform, f"rsy{uuid.uuid4().hex[:6]}")
    modern = Subscriptions(platform.ws_url, "graphql-transport-ws")
    legacy = Subscriptions(platform.ws_url, "graphql-ws")
    await modern.open({f"a{n}": JOB_STATUS for n in range(8)}, job_id)
    await legacy.open({f"l{n}": JOB_STATUS for n in range(4)}, job_id)
    readers = [asyncio.create_task(c.read()) for c in (modern, legacy)]
    fanout = platform.app.state.services.fanout
    await eventually(lambda: fanout.members_of(job_id) == 12, timeout=30, what="12 members")
    _, _, releases = await asyncio.to_thread(_shared_counters, platform)
    await _terminate_listener(platform)

    async def handed_back() -> bool:
        return (await asyncio.to_thread(_shared_counters, platform))[2] >= releases + 12

    await eventually(handed_back, timeout=30, what="the resync to hand all 12 back")
    await eventually(lambda: fanout.members_of(job_id) == 12, timeout=30, what="12 rejoined")
    final = await _release_and_read_to_the_end(platform, job_id, rule, [modern, legacy], readers)
    _assert_every_transition_once([modern, legacy], final)
