"""A peer that leaves while a frame is on its way ends the operation quietly (issue 17: 282 of
406 subscription closes logged an ERROR traceback). Strawberry's handlers run on a real schema;
only the websocket adapter is a stand-in whose peer is already gone, which is the one state
that a real socket reaches only by a race."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import strawberry
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

from app._compat.strawberry_ws import HandoffTransportWSHandler, StrictLegacyWSHandler


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncIterator[int]:
        for tick in range(3):
            yield tick


SCHEMA = strawberry.Schema(query=Query, subscription=Subscription)


class GonePeer:
    """A websocket adapter whose every send fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.sends = 0

    async def send_json(self, message: Any) -> None:
        self.sends += 1
        raise self.error


def transport_handler(peer: GonePeer) -> HandoffTransportWSHandler[Any, None]:
    return HandoffTransportWSHandler(
        None, peer, {}, None, SCHEMA, timedelta(seconds=1)  # type: ignore[arg-type]
    )


async def run_transport(peer: GonePeer) -> None:
    handler = transport_handler(peer)
    operation = Operation(handler, "1", "subscription { ticks }", None, None)
    handler.operations["1"] = operation
    # Strawberry re-raises into the operation's task, whose done-callback retrieves it
    # (asyncio logs nothing); what is logged is handle_task_exception's choice.
    with pytest.raises(type(peer.error)):
        await handler.run_operation(operation)
    assert "1" not in handler.operations


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_transport_ws_peer_gone_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    peer = GonePeer(WebSocketDisconnected())
    with caplog.at_level(logging.DEBUG):
        await run_transport(peer)
    assert peer.sends >= 1  # a frame was attempted and found the peer gone
    assert errors(caplog) == []


async def test_transport_ws_other_failures_are_still_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The same path with a real fault: the quiet case above is not a silenced logger.
    with caplog.at_level(logging.DEBUG):
        await run_transport(GonePeer(RuntimeError("encoder broke")))
    assert [r.getMessage() for r in errors(caplog)] == ["Exception in worker task"]


async def test_legacy_ws_peer_gone_ends_the_operation_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    peer = GonePeer(WebSocketDisconnected())
    handler = StrictLegacyWSHandler(
        None, peer, {}, None, SCHEMA, False, None  # type: ignore[arg-type]
    )
    handler.tasks["1"] = None  # type: ignore[assignment]  # as handle_start registers it
    with caplog.at_level(logging.DEBUG):
        # Before, WebSocketDisconnected escaped the task: asyncio logged it at ERROR.
        await handler.run_any_operation("1", "subscription { ticks }", None, None)
    assert peer.sends >= 1
    assert "1" not in handler.tasks and "1" not in handler.subscriptions
    assert errors(caplog) == []
