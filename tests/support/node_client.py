"""Drive GraphQL subscriptions with the npm `graphql-ws` client under Node (a client we did not
write), through tests/e2e/node/subscribe.mjs, which prints one JSON line per event."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

NODE_DIR = Path(__file__).resolve().parent.parent / "e2e" / "node"
SUBSCRIBE_SCRIPT = NODE_DIR / "subscribe.mjs"
NPM_TIMEOUT_SECONDS = 300
MAX_LINE_BYTES = 16 * 1024 * 1024

NODE_PACKAGES = ("graphql-ws", "ws", "@apollo/client", "graphql-http")

_install_lock = threading.Lock()


class NodeSubscriptionError(RuntimeError):
    """The Node client reported an error or exited before the subscription completed."""

    def __init__(self, message: str, *, error: Any = None, stderr: str = "") -> None:
        super().__init__(f"{message}\n--- node stderr ---\n{stderr}" if stderr else message)
        self.error = error
        self.stderr = stderr


def ensure_node_deps(node_dir: Path = NODE_DIR) -> None:
    """Install `node_dir`'s packages (`npm ci`) unless node_modules already has them."""
    # Every package the scripts import: a node_modules from before one was added is stale.
    wanted = [node_dir / "node_modules" / name for name in NODE_PACKAGES]
    if all(path.is_dir() for path in wanted):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise NodeSubscriptionError("npm is not installed; the Node e2e client needs node + npm")
    # Several test processes may start at once: one installs, the others wait for it.
    lock_path = Path(tempfile.gettempdir()) / "ml-platform-e2e-node-npm.lock"
    with _install_lock, lock_path.open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if all(path.is_dir() for path in wanted):
            return
        verb = "ci" if (node_dir / "package-lock.json").exists() else "install"
        result = subprocess.run(
            [npm, verb, "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=node_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0:
            raise NodeSubscriptionError(
                f"`npm {verb}` in {node_dir} failed (exit {result.returncode})",
                stderr=result.stdout + result.stderr,
            )


# Every wait takes a `timeout` (ruff ASYNC109 prefers caller-side asyncio.timeout): a harness
# that waits on another process must never hang a test run, so the deadline is built in.


class NodeSubscription:
    """One running `subscribe.mjs` process; use as `async with open_node_subscription(...)`.

    `wait_connected()` returns once the server sent connection_ack (the subscribe message
    follows on the same socket); `next_payload()` returns the next `next` payload, or None
    once the server completed the subscription.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._stderr = bytearray()
        self._stderr_task = asyncio.create_task(self._drain_stderr())
        self._connected = False
        self._completed = False

    async def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        while chunk := await self._process.stderr.read(65536):
            self._stderr.extend(chunk)

    @property
    def returncode(self) -> int | None:
        """The Node process's exit code, None while it runs."""
        return self._process.returncode

    @property
    def stderr(self) -> str:
        """Everything the Node process wrote to stderr so far."""
        return self._stderr.decode(errors="replace")

    async def _read_event(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            returncode = await self._process.wait()
            await self._stderr_task
            raise NodeSubscriptionError(
                f"node exited (code {returncode}) before the subscription completed",
                stderr=self.stderr,
            )
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NodeSubscriptionError(f"node printed a non-JSON line: {line!r}") from exc
        if not isinstance(event, dict):
            raise NodeSubscriptionError(f"node printed a non-object line: {line!r}")
        if "error" in event:
            await self._process.wait()
            await self._stderr_task
            raise NodeSubscriptionError(
                f"subscription failed: {json.dumps(event['error'])}",
                error=event["error"],
                stderr=self.stderr,
            )
        return event

    async def wait_connected(self, timeout: float = 30) -> None:
        """Wait for the server's connection_ack."""
        if self._connected:
            return
        async with asyncio.timeout(timeout):
            event = await self._read_event()
        if event != {"connected": True}:
            raise NodeSubscriptionError(f"expected the connected line first, got {event!r}")
        self._connected = True

    async def next_payload(self, timeout: float = 30) -> dict[str, Any] | None:
        """The next `next` payload ({"data": ...}), or None once the subscription completed."""
        if self._completed:
            return None
        await self.wait_connected(timeout)
        async with asyncio.timeout(timeout):
            event = await self._read_event()
        if event == {"complete": True}:
            self._completed = True
            await self._process.wait()
            return None
        return event

    async def collect(self, timeout: float = 30) -> list[dict[str, Any]]:
        """All remaining payloads until completion, within one overall deadline."""
        payloads: list[dict[str, Any]] = []
        async with asyncio.timeout(timeout):
            while (payload := await self.next_payload(timeout)) is not None:
                payloads.append(payload)
        return payloads

    async def close(self) -> None:
        """Stop the Node process if it still runs and reap it."""
        if self._process.returncode is None:
            self._process.kill()
        await self._process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await self._stderr_task

    async def __aenter__(self) -> NodeSubscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def open_node_subscription(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    connection_params: dict[str, Any] | None = None,
) -> NodeSubscription:
    """Start `node subscribe.mjs` for one subscription on `url` (ws://...)."""
    ensure_node_deps()
    node = shutil.which("node")
    if node is None:
        raise NodeSubscriptionError("node is not installed; the Node e2e client needs it")
    process = await asyncio.create_subprocess_exec(
        node,
        str(SUBSCRIBE_SCRIPT),
        url,
        query,
        json.dumps(variables or {}),
        json.dumps(connection_params) if connection_params is not None else "",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=NODE_DIR,
        limit=MAX_LINE_BYTES,
    )
    return NodeSubscription(process)


async def run_node_subscription(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    connection_params: dict[str, Any] | None = None,
    timeout: float = 30,
) -> list[dict[str, Any]]:
    """Subscribe with the npm graphql-ws client and return every `next` payload once the
    server completes the subscription. Raises NodeSubscriptionError (with Node's stderr) on
    an error or early exit, TimeoutError if it does not complete within `timeout` seconds."""
    subscription = await open_node_subscription(url, query, variables, connection_params)
    async with subscription:
        return await subscription.collect(timeout)


async def run_node_script(script: str, *args: str, timeout: float = 120) -> list[Any]:
    """Run ``tests/e2e/node/<script>`` to its end; its stdout's JSON lines, in order.

    A non-zero exit raises NodeSubscriptionError with what the script printed.
    """
    ensure_node_deps()
    node = shutil.which("node")
    if node is None:
        raise NodeSubscriptionError("node is not installed")
    process = await asyncio.create_subprocess_exec(
        node, str(NODE_DIR / script), *args, cwd=NODE_DIR,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    lines = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    if process.returncode != 0:
        raise NodeSubscriptionError(
            f"node {script} exited {process.returncode}: {lines}", stderr=err.decode()
        )
    return lines
