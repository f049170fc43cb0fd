"""1,500 websocket connections, each with a live subscription and a query, open at once and
then closed, leave nothing behind in the server: no protocol handler, no websocket, no hub
subscription, no live-delivery member (issue 16, #9).

Counted as objects reachable in the server's process after a collection, not as RSS: the
allocator keeps freed arenas for reuse (docs/security.md, "Websocket connections"), so RSS
after a peak says nothing about a leak, while a surviving handler is one.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import websockets
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import wait_for
from tests.support.platform import Platform, platform_settings, run_platform

CONNECTIONS = 1_500
PROTOCOLS = ("graphql-transport-ws", "graphql-ws")


@pytest.fixture
def churn_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    settings = platform_settings(pg_url, sim_kubeconfig)
    # One client address opens them all: admit it (the caps are tested in test_ws_guard.py).
    settings.graphql.graphql_max_pending_connections = 4000
    settings.graphql.graphql_max_pending_connections_per_client = 4000
    with run_platform(settings, platform_sim) as platform:
        yield platform


def live_objects() -> dict[str, int]:
    gc.collect()
    counts = {"transport handlers": 0, "legacy handlers": 0, "websockets": 0}
    for item in gc.get_objects():
        if isinstance(item, BaseGraphQLTransportWSHandler):
            counts["transport handlers"] += 1
        elif isinstance(item, BaseGraphQLWSHandler):
            counts["legacy handlers"] += 1
        elif isinstance(item, WebSocket):
            counts["websockets"] += 1
    return counts


async def open_subscribed(url: str, protocol: str) -> websockets.ClientConnection:
    ws = await websockets.connect(url, subprotocols=[websockets.Subprotocol(protocol)],
                                  open_timeout=60, max_queue=None)
    await ws.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    start = "subscribe" if protocol == "graphql-transport-ws" else "start"
    await ws.send(json.dumps({"type": start, "id": "live", "payload": {
        "query": "subscription { jobUpdates { jobId phase } }"}}))
    await ws.send(json.dumps({"type": start, "id": "q", "payload": {
        "query": "{ jobs(first: 5) { totalCount } }"}}))
    while True:
        message = json.loads(await ws.recv())
        if message.get("id") == "q" and message["type"] == "complete":
            return ws


async def churn(url: str, hub_count: Callable[[], int]) -> int:
    sockets: list[websockets.ClientConnection] = []
    for start in range(0, CONNECTIONS, 50):
        sockets += await asyncio.gather(*(
            open_subscribed(url, PROTOCOLS[n % 2]) for n in range(start, start + 50)))
    assert len(sockets) == CONNECTIONS
    # Every subscription is registered before the close: the clean-up has work to do.
    await asyncio.to_thread(wait_for, lambda: hub_count() >= CONNECTIONS, timeout=60)
    peak = hub_count()
    await asyncio.gather(*(ws.close() for ws in sockets))
    return peak


@pytest.fixture
def enough_file_descriptors() -> Iterator[None]:
    # Both ends of every connection live in this process: two descriptors each, and more.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 4 * CONNECTIONS + 1024
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.fail(f"this test needs {needed} open files; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("enough_file_descriptors")
def test_closed_connections_leave_nothing_behind(churn_platform: Platform) -> None:
    services = churn_platform.app.state.services
    hub = services.hub
    before = live_objects()
    peak = asyncio.run(churn(churn_platform.ws_url, lambda: int(hub.subscriber_count)))
    assert peak >= CONNECTIONS
    wait_for(lambda: hub.subscriber_count == 0, timeout=60, what="hub subscriptions gone")
    after: dict[str, int] = {}

    def back_to_before() -> bool:
        after.update(live_objects())
        return after == before

    wait_for(back_to_before, timeout=60, what="handlers and websockets gone")
    assert after == before
