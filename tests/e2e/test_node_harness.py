"""The Node graphql-ws harness and serve_in_thread, against a tiny Strawberry app of our own."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from strawberry.asgi import GraphQL

from tests.support.node_client import (
    NODE_DIR,
    NodeSubscriptionError,
    ensure_node_deps,
    open_node_subscription,
    run_node_subscription,
)
from tests.support.server import serve_in_thread, websocket_url
from tests.support.throwaway_postgres import find_free_port

pytestmark = pytest.mark.e2e


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def count(self, to: int = 3) -> AsyncGenerator[int, None]:
        for number in range(1, to + 1):
            yield number

    @strawberry.subscription
    async def token(self, info: strawberry.Info) -> AsyncGenerator[str, None]:
        params: dict[str, Any] = info.context["connection_params"] or {}
        yield str(params.get("token"))

    @strawberry.subscription
    async def forever(self) -> AsyncGenerator[int, None]:
        yield 0
        await asyncio.Event().wait()  # never completes: only a close ends it
        yield 1


SCHEMA = strawberry.Schema(query=Query, subscription=Subscription)


@pytest.fixture
def ws_url() -> Iterator[str]:
    with serve_in_thread(GraphQL(SCHEMA)) as base_url:
        yield websocket_url(base_url)


async def test_collects_every_next_payload_until_complete(ws_url: str) -> None:
    payloads = await run_node_subscription(ws_url, "subscription { count }")
    assert payloads == [{"data": {"count": n}} for n in (1, 2, 3)]


async def test_variables_are_sent(ws_url: str) -> None:
    payloads = await run_node_subscription(
        ws_url, "subscription Count($to: Int!) { count(to: $to) }", variables={"to": 2}
    )
    assert payloads == [{"data": {"count": 1}}, {"data": {"count": 2}}]


async def test_connection_params_reach_the_server(ws_url: str) -> None:
    payloads = await run_node_subscription(
        ws_url, "subscription { token }", connection_params={"token": "s3cret"}
    )
    assert payloads == [{"data": {"token": "s3cret"}}]


async def test_graphql_error_message_raises_with_the_errors(ws_url: str) -> None:
    with pytest.raises(NodeSubscriptionError) as caught:
        await run_node_subscription(ws_url, "subscription { noSuchField }")
    assert isinstance(caught.value.error, list)
    assert "noSuchField" in caught.value.error[0]["message"]


async def test_unreachable_server_raises_instead_of_retrying() -> None:
    dead_url = f"ws://127.0.0.1:{find_free_port()}/graphql"
    with pytest.raises(NodeSubscriptionError, match="subscription failed"):
        await run_node_subscription(dead_url, "subscription { count }", timeout=20)


async def test_incomplete_subscription_times_out_and_the_process_is_reaped(ws_url: str) -> None:
    subscription = await open_node_subscription(ws_url, "subscription { forever }")
    async with subscription:
        await subscription.wait_connected()
        assert await subscription.next_payload() == {"data": {"forever": 0}}
        with pytest.raises(TimeoutError):
            await subscription.next_payload(timeout=0.5)
    assert subscription.returncode is not None


async def test_server_shutdown_ends_the_subscription_with_close_1012() -> None:
    # uvicorn closes websockets with 1012 on shutdown; graphql-ws would retry, our client fails.
    with serve_in_thread(GraphQL(SCHEMA)) as base_url:
        subscription = await open_node_subscription(
            websocket_url(base_url), "subscription { forever }"
        )
        await subscription.next_payload()
    async with subscription:
        with pytest.raises(NodeSubscriptionError) as caught:
            await subscription.next_payload(timeout=20)
    assert caught.value.error["closeCode"] == 1012


def test_serve_in_thread_frees_the_port_after_exit() -> None:
    with serve_in_thread(GraphQL(SCHEMA)) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_ensure_node_deps_installs_from_the_committed_lock(tmp_path: Path) -> None:
    for name in ("package.json", "package-lock.json"):
        shutil.copy(NODE_DIR / name, tmp_path / name)
    ensure_node_deps(tmp_path)
    assert (tmp_path / "node_modules" / "graphql-ws" / "package.json").is_file()
    assert (tmp_path / "node_modules" / "ws" / "package.json").is_file()
