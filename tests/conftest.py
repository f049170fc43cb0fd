"""Root conftest. PostgreSQL fixtures (pg_server, pg_url, throwaway_postgres) live in a plugin."""

pytest_plugins = ["tests.support.postgres"]

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from karmada_sim.runtime import EmbeddedSimulator  # noqa: E402
from tests.support.platform import (  # noqa: E402
    Platform,
    fast_simulator_config,
    platform_settings,
    run_platform,
)


@pytest.fixture(scope="session")
def platform_sim() -> Iterator[EmbeddedSimulator]:
    """The session's simulated Karmada (fast lifecycles, roomy members)."""
    sim = EmbeddedSimulator(fast_simulator_config())
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="session")
def sim_kubeconfig(
    platform_sim: EmbeddedSimulator, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return platform_sim.write_kubeconfig(tmp_path_factory.mktemp("karmada") / "kubeconfig")


@pytest.fixture
def platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    """The server on uvicorn, its own PostgreSQL database, the shared simulator."""
    with run_platform(platform_settings(pg_url, sim_kubeconfig), platform_sim) as running:
        yield running
