"""uvicorn on a fixed port, started and stopped explicitly (tests only).

tests/support/server.py binds port 0 and stops on context exit; shutdown tests need to begin
the shutdown at a chosen moment and to restart a server where a client keeps retrying.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from app.server.main import create_app
from app.settings import Settings

STARTUP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class ServerThread:
    def __init__(self, settings: Settings, port: int, graceful_seconds: float = 5) -> None:
        self.port = port
        self.server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                timeout_graceful_shutdown=graceful_seconds,
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn exited during startup"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def begin_shutdown(self) -> None:
        """What SIGTERM does: stop accepting, close websockets (1012), drain, lifespan down."""
        self.server.should_exit = True

    def join(self, timeout: float = 30) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "uvicorn did not shut down"

    def stop(self) -> None:
        self.begin_shutdown()
        self.join()
