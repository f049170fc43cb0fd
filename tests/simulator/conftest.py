"""Fixtures for simulator tests: an embedded simulated Karmada API server and clients.

`api_sim` is the bare API server (no Karmada controllers: `install=False`), shared by the
session for speed; tests isolate themselves with the function-scoped `namespace` fixture.
SIM-KARMADA fixtures may be appended at the end of this file.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes_asyncio import client, config

from app.simulator.config import SimulatorConfig
from app.simulator.runtime import EmbeddedSimulator, Simulator

_names = itertools.count(1)


@pytest.fixture(scope="session")
def api_sim() -> Iterator[EmbeddedSimulator]:
    """A running simulator without Karmada controllers; anonymous reads allowed (kubectl)."""
    sim = EmbeddedSimulator(SimulatorConfig(allow_anonymous_reads=True), install=False)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="session")
def api_kubeconfig(api_sim: EmbeddedSimulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kubeconfig for `api_sim` (bearer token, context karmada-sim)."""
    return api_sim.write_kubeconfig(tmp_path_factory.mktemp("kube") / "config")


@pytest.fixture
async def api_client(api_kubeconfig: Path) -> AsyncIterator[client.ApiClient]:
    """A kubernetes-asyncio ApiClient for `api_sim`."""
    api = await config.new_client_from_config(config_file=str(api_kubeconfig))
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture
def namespace(api_sim: EmbeddedSimulator) -> str:
    """A fresh namespace on `api_sim` for one test."""
    name = f"t{next(_names)}"

    def create(sim: Simulator) -> Any:
        return sim.store.create(sim.store.resource("v1", "Namespace"), {"metadata": {"name": name}})

    api_sim.call(create)
    return name
