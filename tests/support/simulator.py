"""Driving the simulated Karmada from tests through its control API."""

from __future__ import annotations

from typing import Any

import httpx

from karmada_sim.runtime import EmbeddedSimulator


def sim_control(sim: EmbeddedSimulator, method: str, path: str, **kwargs: Any) -> Any:
    """Call the simulator's control API (``/_sim/...``)."""
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        answer = client.request(method, path, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None
