"""Helpers for multi-replica tests: a server in a child process, and a subscriber in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.live.gql_ws import JOB_STATUS, subscribe
from tests.support.throwaway_postgres import find_free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def server_process(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m app.server.cli serve`` with ``env``; yields once /health answers; killed."""
    port = find_free_port()
    full_env = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "serve"],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.base_url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{process.base_url}/health", timeout=2).status_code == 200:  # type: ignore[attr-defined]
                    break
            assert time.monotonic() < deadline, "server process did not start"
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(30)


class StatusSubscriber:
    """Runs one jobStatus subscription in a background thread and records every payload."""

    def __init__(self, ws_url: str, job_id: str) -> None:
        self.states: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ws_url, job_id), daemon=True)
        self._thread.start()

    def _run(self, ws_url: str, job_id: str) -> None:
        async def consume() -> None:
            async for data in subscribe(ws_url, JOB_STATUS, {"id": job_id}):
                self.states.append(data["jobStatus"])

        try:
            asyncio.run(consume())
        except BaseException as exc:  # recorded for the test to report
            self.error = exc
        finally:
            self.done.set()

    def wait(self, timeout: float) -> list[dict[str, Any]]:
        assert self.done.wait(timeout), f"subscription still open; got {self.states}"
        assert self.error is None, self.error
        return self.states
