"""Websocket protocol guards (issue 16, #5 and #8): per-operation credential re-check over
both protocols with a real client (gql), garbage frames close 4400, the legacy protocol's
connection_init deadline (4408), and the cap on connections awaiting connection_init."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect
from websockets.typing import Subprotocol

from app.graphql.ws_guard import CredentialGate, PendingConnections, message_problem
from app.settings import AuthSettings
from karmada_sim.runtime import EmbeddedSimulator
from tests.security.conftest import secure_platform
from tests.security.support import SecurePlatform
from tests.support.postgres import PostgresServer


def connect(url: str, subprotocols: list[str]) -> ClientConnection:
    return ws_connect(url, subprotocols=[Subprotocol(p) for p in subprotocols], open_timeout=10)


PROTOCOLS = [("graphql-transport-ws", "subscribe"), ("graphql-ws", "start")]


@pytest.fixture(scope="module")
def guarded(
    pg_server: PostgresServer, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[SecurePlatform]:
    with secure_platform(
        pg_server, platform_sim, sim_kubeconfig, AuthSettings(auth_mode="token"),
        graphql={"graphql_connection_init_timeout_seconds": 0.5,
                 "graphql_max_pending_connections": 6,
                 "graphql_max_pending_connections_per_client": 4},
    ) as running:
        yield running


async def _until_refused(url: str, protocol: str, token: str, revoke: Any) -> BaseException:
    transport = WebsocketsTransport(url=url, subprotocols=[protocol],
                                    init_payload={"Authorization": f"Bearer {token}"})
    query = gql("{ __typename }")
    async with Client(transport=transport) as session:
        assert await session.execute(query) == {"__typename": "Query"}
        await asyncio.to_thread(revoke)
        # Poll with a deadline: within one re-check interval every operation is refused.
        for _ in range(200):
            try:
                await session.execute(query)
            except (TransportError, TransportQueryError) as refused:
                return refused
            await asyncio.sleep(0.05)
    raise AssertionError("operations still answered after the token was revoked")


@pytest.mark.parametrize(("protocol", "_start"), PROTOCOLS)
def test_a_revoked_token_stops_working_on_an_open_connection(
    guarded: SecurePlatform, protocol: str, _start: str
) -> None:
    token = guarded.token(f"revoked-{protocol}", "admin", ["*"])
    refused = asyncio.run(_until_refused(guarded.platform.ws_url, protocol, token,
                                         lambda: guarded.revoke(token)))
    assert isinstance(refused, TransportError | TransportQueryError)
    # The same connection cannot run a mutation afterwards: the server closed it 4403.
    with connect(guarded.platform.ws_url, subprotocols=[protocol]) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                json.loads(ws.recv(timeout=10))
    assert closed.value.rcvd is not None and closed.value.rcvd.code in (4403, 1011)


def test_the_gate_checks_at_most_once_per_interval_and_stays_denied() -> None:
    answers = [True, False]
    calls: list[int] = []

    async def check() -> bool:
        calls.append(1)
        return answers[len(calls) - 1]

    async def run() -> list[bool]:
        gate = CredentialGate(ttl_seconds=3600)
        first = [await gate.allows(check) for _ in range(5)]
        gate.valid_until = 0.0  # the interval is over
        return [*first, await gate.allows(check), await gate.allows(check)]

    assert asyncio.run(run()) == [True] * 5 + [False, False]
    assert len(calls) == 2  # five operations, one check; then one that fails, then none


@pytest.mark.parametrize(
    "frame",
    ["[1]", '"str"', "7", '{"type": 5}', '{"type": "%s", "payload": {"query": "{ a }"}}',
     '{"type": "%s", "id": "1", "payload": "x"}', '{"type": "%s", "id": "1", "payload": {}}',
     '{"type": "%s", "id": "1", "payload": {"query": ""}}',
     '{"type": "%s", "id": 5, "payload": {"query": "{ a }"}}',
     '{"type": "%s", "id": "1", "payload": {"query": "{ a }", "variables": [1]}}',
     '{"type": "%s", "id": "1", "payload": {"query": "{ a }", "variables": {"v": '
     + "[" * 500 + "]" * 500 + "}}}",
     "not json"],
)
@pytest.mark.parametrize(("protocol", "start"), PROTOCOLS)
def test_garbage_frames_close_4400_with_a_log_line(
    guarded: SecurePlatform, protocol: str, start: str, frame: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = guarded.token("garbage", "viewer", ["default"])
    with connect(guarded.platform.ws_url, subprotocols=[protocol]) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        ws.send(frame.replace("%s", start))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    assert closed.value.rcvd.reason


def test_message_shapes() -> None:
    assert message_problem({"type": "ping"}, "graphql-transport-ws") is None
    assert message_problem({"type": "subscribe", "id": "1", "payload": {"query": "{a}"}},
                           "graphql-transport-ws") is None
    assert message_problem([], "graphql-ws") == "a message must be a JSON object"
    assert message_problem({"type": "start", "id": "x" * 129,
                            "payload": {"query": "{a}"}}, "graphql-ws")


def test_the_legacy_protocol_enforces_the_connection_init_deadline(
    guarded: SecurePlatform,
) -> None:
    with (
        connect(guarded.platform.ws_url, subprotocols=["graphql-ws"]) as ws,
        pytest.raises(ConnectionClosed) as closed,
    ):
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_connections_awaiting_init_are_capped_per_client(
    guarded: SecurePlatform, protocol: str
) -> None:
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(connect(guarded.platform.ws_url,
                                            subprotocols=[protocol])) for _ in range(4)]
        extra = stack.enter_context(connect(guarded.platform.ws_url,
                                            subprotocols=[protocol]))
        with pytest.raises(ConnectionClosed) as closed:
            extra.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert len(held) == 4
    pending = guarded.platform.app.state.graphql_pending
    assert isinstance(pending, PendingConnections)


def test_pending_connections_count_in_all_and_per_client() -> None:
    pending = PendingConnections(max_total=3, max_per_client=2)
    assert [pending.admit("a"), pending.admit("a"), pending.admit("a")] == [True, True, False]
    assert [pending.admit("b"), pending.admit("c")] == [True, False]
    for client in ("a", "a", "b"):
        pending.release(client)
    assert pending.total == 0 and dict(pending.per_client) == {}
