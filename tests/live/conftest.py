"""Fixtures for the live-status tests: a Karmada client on the session's simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.karmada import KarmadaClient
from karmada_sim.runtime import EmbeddedSimulator


@pytest.fixture
async def karmada(sim_kubeconfig: Path) -> AsyncIterator[KarmadaClient]:
    client = await KarmadaClient.from_kubeconfig(sim_kubeconfig, timeout=5.0)
    try:
        yield client
    finally:
        await client.close()


def sim_control(sim: EmbeddedSimulator, method: str, path: str, **kwargs: Any) -> Any:
    """Call the simulator's control API (``/_sim/...``)."""
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        answer = client.request(method, path, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


async def eventually(probe: Callable[[], Any], *, timeout: float = 15.0, what: str = "") -> Any:
    """Poll ``probe`` (sync or async) until truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or probe}; last={last!r}")
