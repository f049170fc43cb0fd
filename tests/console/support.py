"""The console in real Chromium: the built console (web/dist), a platform whose websockets the
test can cut from the server side, and the node driver (web/e2e/console.mjs)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.main import create_app
from app.server.uvicorn_options import uvicorn_options
from app.settings import Settings
from karmada_sim.runtime import EmbeddedSimulator
from tests.support.platform import Platform
from tests.support.server import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DRIVER = WEB / "e2e" / "console.mjs"
CHROMIUM = "/usr/bin/chromium"
#: Screenshots of every page, written by every run: an artifacts directory, never a tracked
#: file ($CONSOLE_SCREENSHOTS_DIR, default build/console-screenshots/, ignored by git).
SHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS_DIR") or ROOT / "build" / "console-screenshots")
#: The README's screenshots: refreshed from SHOTS only when asked (UPDATE_SCREENSHOTS=1).
README_SHOTS = ROOT / "docs" / "console"
#: When this pytest run started (screenshots older than this are from another run).
RUN_STARTED = time.time()
#: The scenarios driven in this pytest run (so the summary speaks of this run's screenshots).
DROVE: list[str] = []


def update_readme_screenshots() -> list[Path]:
    """With UPDATE_SCREENSHOTS=1, copy the screenshots this run wrote (not older ones left in
    SHOTS) over the README's ones (only those the README already shows: docs/console/*.png).
    Returns what was copied."""
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return []
    copied = []
    for committed in sorted(README_SHOTS.glob("*.png")):
        fresh = SHOTS / committed.name
        if fresh.is_file() and fresh.stat().st_mtime >= RUN_STARTED:
            shutil.copyfile(fresh, committed)
            copied.append(committed)
    return copied


def ensure_console_built() -> None:
    """web/dist and web/node_modules (playwright-core), built once per machine if missing."""
    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    npm = shutil.which("npm")
    assert npm, "npm is needed for the console tests"
    lock_path = Path(tempfile.gettempdir()) / "ml-platform-web-npm.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (WEB / "node_modules" / "playwright-core").is_dir():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=WEB,
                check=True,
                timeout=600,
            )
        if not (WEB / "dist" / "index.html").is_file():
            subprocess.run([npm, "run", "build"], cwd=WEB, check=True, timeout=600)


class WebsocketCutter:
    """ASGI wrapper: `cut()` closes every open websocket from the server side (code 1012,
    as a restarting server does) and `hold` refuses new ones until released."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.open: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event]] = {}
        self.hold = False
        self.cuts = 0
        self.refused = 0

    def __getattr__(self, name: str) -> Any:  # lifespan state etc. of the wrapped app
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if self.hold:
            self.refused += 1
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1013})
            return
        cut = asyncio.Event()
        key = id(cut)
        self.open[key] = (asyncio.get_running_loop(), cut)
        closed = False

        async def guarded_receive() -> Message:
            receiving = asyncio.ensure_future(receive())
            cutting = asyncio.ensure_future(cut.wait())
            done, _ = await asyncio.wait({receiving, cutting}, return_when=asyncio.FIRST_COMPLETED)
            if receiving in done:
                cutting.cancel()
                return receiving.result()
            receiving.cancel()
            return {"type": "websocket.disconnect", "code": 1012}

        async def guarded_send(message: Message) -> None:
            nonlocal closed
            if closed:
                return
            if cut.is_set():
                closed = True
                await send({"type": "websocket.close", "code": 1012})
                return
            await send(message)

        async def closer() -> None:
            nonlocal closed
            await cut.wait()
            if not closed:
                closed = True
                await send({"type": "websocket.close", "code": 1012})

        watcher = asyncio.ensure_future(closer())
        try:
            await self.app(scope, guarded_receive, guarded_send)
        finally:
            watcher.cancel()
            self.open.pop(key, None)

    def cut(self) -> int:
        """Close every open websocket now; returns how many."""
        conns = list(self.open.values())
        for loop, event in conns:
            loop.call_soon_threadsafe(event.set)
        self.cuts += len(conns)
        return len(conns)


@contextlib.contextmanager
def console_platform(
    settings: Settings, sim: EmbeddedSimulator
) -> Iterator[tuple[Platform, WebsocketCutter]]:
    ensure_console_built()
    app = create_app(settings)
    cutter = WebsocketCutter(app)
    max_size = uvicorn_options(settings)["ws_max_size"]
    with serve_in_thread(
        cutter, ws_ping_interval=5, ws_ping_timeout=5, ws_max_size=max_size
    ) as base_url:
        yield Platform(base_url, settings, sim, app), cutter


def drive(
    scenario: str,
    base_url: str,
    on_ready: Callable[[str], str | None] | None = None,
    **config: Any,
) -> dict[str, Any]:
    """Run one scenario of web/e2e/console.mjs; `on_ready(what)` runs at each "READY what"
    line, after which the driver goes on (it receives what `on_ready` returned, or "GO").
    Returns its final JSON report."""
    node = shutil.which("node")
    assert node, "node is needed for the console tests"
    SHOTS.mkdir(parents=True, exist_ok=True)
    DROVE.append(scenario)
    payload = {"scenario": scenario, "baseUrl": base_url, "shots": str(SHOTS), **config}
    proc = subprocess.Popen(
        [node, str(DRIVER), json.dumps(payload)],
        cwd=WEB,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    last = ""
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("READY "):
                command = on_ready(line.removeprefix("READY ")) if on_ready is not None else None
                proc.stdin.write(f"{command or 'GO'}\n")
                proc.stdin.flush()
            elif line:
                last = line
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert last, f"console.mjs printed no report; stderr:\n{stderr}"
    report: dict[str, Any] = json.loads(last)
    assert report["ok"], f"{report.get('error')}\nconsole errors: {report.get('consoleErrors')}"
    assert report["blocked"] == [], report["blocked"]  # nothing outside 127.0.0.1: air-gapped
    return report
