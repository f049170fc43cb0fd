"""Graceful shutdown: websockets close with 1012, and an npm graphql-ws client that reconnects
to the restarted server gets the job's current state first, then the rest of its transitions."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from app.main import create_app
from app.settings import Settings
from tests.api.test_rest_contract import FRONTEND_BODY
from tests.support.node_client import NODE_DIR, ensure_node_deps
from tests.support.platform import platform_settings

RECONNECT_SCRIPT = Path(__file__).with_name("node") / "reconnect.mjs"
QUERY = "subscription ($id: ID!) { jobStatus(id: $id) { phase reason sequence } }"
DEADLINE_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def _serve(settings: Settings, port: int) -> Iterator[str]:
    """uvicorn on a fixed port (the restarted server must answer where the client retries)."""
    server = uvicorn.Server(uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning",
        timeout_graceful_shutdown=5,
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn exited during startup"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True  # what SIGTERM does: stop accepting, close websockets, drain
        thread.join(30)
        assert not thread.is_alive(), "uvicorn did not shut down"


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
    port = _free_port()
    ws_url = f"ws://127.0.0.1:{port}/graphql"

    first = _serve(settings, port)
    base_url = await asyncio.to_thread(first.__enter__)
    async with httpx.AsyncClient(base_url=base_url) as client:
        created = await client.post("/api/v1/jobs", json=FRONTEND_BODY)
    job_id = created.json()["id"]
    process = await asyncio.create_subprocess_exec(
        node, str(RECONNECT_SCRIPT), str(NODE_DIR / "node_modules"), ws_url, QUERY,
        json.dumps({"id": job_id}), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, limit=1 << 20,
    )
    lines = Lines(process)
    try:
        # Past sequence 1, so a stream replayed from the start would be told apart.
        await lines.until(
            lambda e: "data" in e and e["data"]["jobStatus"]["sequence"] >= 2, "a second state"
        )
        await asyncio.to_thread(first.__exit__, None, None, None)  # graceful shutdown
        closed = await lines.until(lambda e: "closed" in e, "the close")
        assert closed == {"closed": 1012}
        before = [e["data"]["jobStatus"] for e in lines.seen if "data" in e]

        with _serve(settings, port):
            await lines.until(lambda e: e.get("connected") == 2, "the reconnection")
            reconnected_at = len(lines.seen)
            await lines.until(lambda e: e.get("complete"), "completion")
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
