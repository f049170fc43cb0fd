"""Root conftest. PostgreSQL fixtures (pg_server, pg_url, throwaway_postgres) live in a plugin.

Every test is marked by what it needs, from the fixtures it uses (so no marker can be
forgotten): ``postgres`` (a PostgreSQL database), ``simulator`` (a running simulated Karmada).
``scripts/test --quick`` runs the rest — pure functions and in-process units — in seconds.
"""

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
