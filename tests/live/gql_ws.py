"""A minimal graphql-transport-ws (and legacy graphql-ws) client on the ``websockets`` library.

Used by the live tests and the benchmarks to hold many subscriptions in one asyncio loop
without a heavyweight client per connection.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import websockets
from websockets.typing import Subprotocol

JOB_STATUS = (
    "subscription($id: ID!) { jobStatus(id: $id) "
    "{ jobId phase reason message sequence at deleted } }"
)
JOB_UPDATES = (
    "subscription($f: JobUpdatesFilterInput) { jobUpdates(filter: $f) "
    "{ jobId phase reason sequence deleted } }"
)


async def subscribe(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    protocol: str = "graphql-transport-ws",
    open_timeout: float = 30.0,
) -> AsyncIterator[dict[str, Any]]:
    """Open a websocket, run one subscription, yield each payload's ``data``; end on complete.

    GraphQL errors raise ``RuntimeError``.
    """
    legacy = protocol == "graphql-ws"
    async with websockets.connect(
        url,
        subprotocols=[Subprotocol(protocol)],
        open_timeout=open_timeout,
        max_queue=None,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        while True:
            ack = json.loads(await ws.recv())
            if ack["type"] == "connection_ack":
                break
            if ack["type"] not in ("ka", "ping", "pong"):
                raise RuntimeError(f"no connection_ack: {ack}")
        start = "start" if legacy else "subscribe"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": start,
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
        )
        data_type = "data" if legacy else "next"
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif kind == data_type:
                payload = message["payload"]
                if payload.get("errors"):
                    raise RuntimeError(str(payload["errors"]))
                yield payload["data"]
            elif kind == "error":
                raise RuntimeError(str(message.get("payload")))
            elif kind == "complete":
                return
