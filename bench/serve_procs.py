"""Processes for the createJob-cost and workers benchmarks: a throwaway PostgreSQL database,
the simulated Karmada in a process of its own, ``mlplatform serve`` (with ``--workers``), and
CPU time read from ``/proc/<pid>/stat`` (a process and its live children, e.g. uvicorn's
workers).

Run as a script only in its child mode (``--serve-simulator KUBECONFIG``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and of its live child processes, seconds."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            # fields[11], fields[12]: utime, stime (the 14th and 15th of the whole line)
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found + [g for c in found for g in _children(c)]


def own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[0]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def database() -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Child:
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wait_until(probe: Any, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError, OSError):
            if probe():
                return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def source_at(rev: str, tmp: Path) -> Path:
    """The product and the simulator as they were at git revision ``rev``, extracted under
    ``tmp`` (a baseline in the same run; the repository is only read)."""
    dest = tmp / f"src-{rev}"
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", rev, "app", "schema", "resolvers", "karmada_sim"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


@contextlib.contextmanager
def simulator(tmp: Path, log: Any, source: Path | None = None) -> Iterator[tuple[Child, Path]]:
    """The simulator in a child process; ``source``: a directory holding another
    ``karmada_sim`` package to run instead of this checkout's."""
    kubeconfig = tmp / f"kubeconfig-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "BENCH_SIMULATOR_SOURCE": str(source or "")}
    child = Child(
        subprocess.Popen(
            [sys.executable, __file__, "--serve-simulator", str(kubeconfig)],
            cwd=REPO, stdout=log, stderr=log, env=env,
        )
    )
    try:
        wait_until(kubeconfig.exists, "the simulator")
        yield child, kubeconfig
    finally:
        child.stop()


@contextlib.contextmanager
def server(
    env: dict[str, str], log: Any, workers: int = 1, source: Path | None = None
) -> Iterator[tuple[Child, str]]:
    """``mlplatform serve``; ``source``: a directory holding another version of the product
    (``source_at``), run instead of this checkout (it may predate ``--workers``)."""
    port = free_port()
    full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "WARNING",
                **env}
    command = [sys.executable, "-m", "app.server.cli", "serve"]
    if source is not None:
        full_env["PYTHONPATH"] = str(source)
    else:
        command += ["--workers", str(workers)]
    child = Child(
        subprocess.Popen(command, cwd=source or REPO, env=full_env, stdout=log, stderr=log)
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base_url}/health").status_code == 200, "the server")
        if workers > 1:  # /health answers as soon as one worker does
            wait_until(lambda: len(_children(child.pid)) >= workers, "the workers")
        yield child, base_url
    finally:
        child.stop()


def serve_simulator(kubeconfig: str) -> None:
    """Child mode: a roomy simulator with short lifecycles, until terminated."""
    import signal
    import threading

    from karmada_sim.config import MemberConfig, SimulatorConfig, TimingConfig
    from karmada_sim.runtime import EmbeddedSimulator

    members = [
        MemberConfig(name=f"member{i}", nodes=256, cpu_per_node=64, memory_gib_per_node=512)
        for i in (1, 2)
    ]
    timing = TimingConfig(
        initializing_seconds=0.5,
        running_seconds=1.5,
        log_line_interval_seconds=1.0,
        status_sync_seconds=0.2,
    )
    sim = EmbeddedSimulator(SimulatorConfig(members=members, timing=timing))
    sim.start()
    sim.write_kubeconfig(kubeconfig)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    sim.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    if os.environ.get("BENCH_SIMULATOR_SOURCE"):
        sys.path.insert(0, os.environ["BENCH_SIMULATOR_SOURCE"])
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-simulator":
        serve_simulator(sys.argv[2])
    else:
        raise SystemExit(__doc__)
