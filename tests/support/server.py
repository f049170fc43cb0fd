"""Serve an ASGI app with a real uvicorn server on 127.0.0.1 in a background thread."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 15.0
SHUTDOWN_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.01


def _bound_port(server: uvicorn.Server) -> int:
    # port=0 lets the kernel pick; the real port is only known from the listening socket.
    port: int = server.servers[0].sockets[0].getsockname()[1]
    return port


@contextlib.contextmanager
def serve_in_thread(app: Any, **config: Any) -> Iterator[str]:
    """Run `app` under uvicorn on 127.0.0.1 (a free port) and yield its base URL.

    `config` is passed to `uvicorn.Config` (e.g. `ws_ping_interval=...`). On exit the server
    shuts down gracefully (lifespan shutdown runs; open websockets are closed with 1012), and
    is forced down if that takes longer than SHUTDOWN_TIMEOUT_SECONDS.
    """
    config.setdefault("log_level", "warning")
    config.setdefault("timeout_graceful_shutdown", 5)
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=0, **config))
    thread = threading.Thread(target=server.run, name="uvicorn-test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited during startup (see the log above)")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {STARTUP_TIMEOUT_SECONDS} s")
            time.sleep(POLL_SECONDS)
        yield f"http://{HOST}:{_bound_port(server)}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        if thread.is_alive():
            raise RuntimeError("uvicorn test server did not shut down")


def websocket_url(base_url: str, path: str = "/graphql") -> str:
    """`ws://host:port/path` for a base URL yielded by `serve_in_thread`."""
    return "ws" + base_url.removeprefix("http") + path
