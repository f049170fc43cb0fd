"""Idle HTTP connections outlive the old UI's 5 s polls (HTTP_KEEP_ALIVE_SECONDS).

With uvicorn's own 5 s keep-alive a tab polling every 5 s reused a connection just as the
server closed it (docs/benchmarks.md, old-UI polling: the rare client disconnects). Real
uvicorn, with the options `mlplatform serve` gives it, over a raw socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from app.server.uvicorn_options import uvicorn_options
from app.settings import ServerSettings, Settings
from tests.server.serving import free_port

REQUEST = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@contextmanager
def serving(keep_alive: int) -> Iterator[int]:
    settings = Settings(server=ServerSettings(http_keep_alive_seconds=keep_alive))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        hello, host="127.0.0.1", port=port, lifespan="off", **uvicorn_options(settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def one_request(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(REQUEST)
    answer = b""
    while not answer.endswith(b"ok"):
        chunk = sock.recv(4096)
        assert chunk, answer
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer
    return sock


def test_the_default_keeps_a_connection_past_a_5_second_poll() -> None:
    assert Settings().server.http_keep_alive_seconds > 5
    with serving(Settings().server.http_keep_alive_seconds) as port:
        sock = one_request(port)
        # Idle for longer than the old UI's poll period (and uvicorn's own default)...
        sock.settimeout(6.0)
        try:
            closed = sock.recv(1) == b""
        except TimeoutError:
            closed = False
        assert not closed, "the server closed an idle connection before the next poll"
        # ...and the next poll still goes over it.
        sock.settimeout(10)
        sock.sendall(REQUEST)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.close()


def test_the_setting_reaches_uvicorn() -> None:
    with serving(1) as port:
        sock = one_request(port)
        sock.settimeout(10)
        assert sock.recv(1) == b"", "an idle connection outlived HTTP_KEEP_ALIVE_SECONDS=1"
        sock.close()
