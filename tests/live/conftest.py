"""Fixtures for the live-status tests: a Karmada client on the session's simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
