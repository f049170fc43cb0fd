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

from karmada_sim.config import SimulatorConfig
from karmada_sim.runtime import EmbeddedSimulator, Simulator

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


# ---- SIM-KARMADA fixtures: the simulator WITH Karmada controllers and members -------------------


@pytest.fixture(scope="session")
def karmada_sim() -> Iterator[EmbeddedSimulator]:
    """A simulator with Karmada installed, fast timing and three members.

    member1 (us-east-1, every operator), member2 (eu-west-1, 8 GPUs per node), member3
    (ap-south-1, no workload operators: only core kinds and batch/v1 Job).
    """
    from karmada_sim.config import MemberConfig, TimingConfig

    config = SimulatorConfig(
        allow_anonymous_reads=True,
        members=[
            MemberConfig(name="member1", region="us-east-1", zones=["us-east-1a"],
                         labels={"tier": "cpu"}),
            MemberConfig(name="member2", region="eu-west-1", zones=["eu-west-1b"],
                         gpus_per_node=8, labels={"tier": "gpu"}),
            MemberConfig(name="member3", region="ap-south-1", zones=["ap-south-1a"],
                         operators=()),
        ],
        timing=TimingConfig(initializing_seconds=0.2, running_seconds=0.5,
                            log_line_interval_seconds=0.1, status_sync_seconds=0.05),
    )
    sim = EmbeddedSimulator(config)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="session")
def karmada_kubeconfig(
    karmada_sim: EmbeddedSimulator, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return karmada_sim.write_kubeconfig(tmp_path_factory.mktemp("karmada") / "config")


@pytest.fixture
async def karmada_client(karmada_kubeconfig: Path) -> AsyncIterator[client.ApiClient]:
    api = await config.new_client_from_config(config_file=str(karmada_kubeconfig))
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture
def karmada_ns(karmada_sim: EmbeddedSimulator) -> str:
    """A fresh namespace on `karmada_sim` for one test."""
    name = f"k{next(_names)}"

    def create(sim: Simulator) -> Any:
        return sim.store.create(sim.store.resource("v1", "Namespace"), {"metadata": {"name": name}})

    karmada_sim.call(create)
    return name
