"""The API server as a child process (``python -m app.server.cli serve``), killed mid-request."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.support.throwaway_postgres import find_free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0

# Fast background loops so a restarted server finishes half-done work within seconds.
FAST_ENV = {
    "POLL_INTERVAL_SECONDS": "0.25",
    "RECONCILE_INTERVAL_SECONDS": "0.5",
    "ORPHAN_GRACE_SECONDS": "0",
    "WORKLOAD_LOST_GRACE_SECONDS": "1",
    "SUBMISSION_RETRY_INITIAL_SECONDS": "0.2",
    "OPERATIONS_INTERVAL_SECONDS": "0.5",
    "LEADER_RETRY_SECONDS": "0.5",
    "LOG_LEVEL": "WARNING",
}


class ServerProcess:
    """One server process; ``start`` waits for /health, ``wait_exit`` for its death."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = find_free_port()
        self.env = {**os.environ, **FAST_ENV, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def start(self) -> ServerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "serve"], cwd=REPO_ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited at start-up; log:\n{self.log()}")
            try:
                with self.http() as client:
                    if client.get("/health").status_code == 200:
                        return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server did not answer /health in time; log:\n{self.log()}")

    def wait_exit(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
