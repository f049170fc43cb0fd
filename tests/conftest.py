"""Root conftest. PostgreSQL fixtures (pg_server, pg_url, throwaway_postgres) live in a plugin.

Every test is marked by what it needs, from the fixtures it uses (so no marker can be
forgotten): ``postgres`` (a PostgreSQL database), ``simulator`` (a running simulated Karmada).
``scripts/test --quick`` runs the rest — pure functions and in-process units — in seconds.
"""

pytest_plugins = ["tests.support.postgres"]

import contextlib  # noqa: E402
from collections.abc import AsyncIterator, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from app.karmada import KarmadaClient  # noqa: E402
from karmada_sim.runtime import EmbeddedSimulator  # noqa: E402
from tests.support.platform import (  # noqa: E402
    FAST_LOOPS,
    Platform,
    PlatformFactory,
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


@pytest.fixture
async def karmada(sim_kubeconfig: Path) -> AsyncIterator[KarmadaClient]:
    """Our Karmada client on the session's simulator."""
    client = await KarmadaClient.from_kubeconfig(sim_kubeconfig, timeout=5.0)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def make_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> PlatformFactory:
    """``with make_platform(**poller_overrides) as platform:`` on this test's database, with
    fast background loops."""

    @contextlib.contextmanager
    def make(**overrides: Any) -> Iterator[Platform]:
        settings = platform_settings(pg_url, sim_kubeconfig, **{**FAST_LOOPS, **overrides})
        with run_platform(settings, platform_sim) as running:
            yield running

    return make


@pytest.fixture
def fast_platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with make_platform() as platform:
        yield platform


_NEEDS = {
    "postgres": {"pg_server", "pg_url"},
    "simulator": {"platform_sim", "api_sim", "karmada_sim", "sim_kubeconfig"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, needs in _NEEDS.items():
            if fixtures & needs:
                item.add_marker(marker)
