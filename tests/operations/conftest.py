"""Fixtures for the OPERATE tests: a platform whose operations worker runs fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.platform import Platform, platform_settings, run_platform


def _operate_platform(
    pg_url: str,
    sim: EmbeddedSimulator,
    kubeconfig: Path,
    *,
    retention_seconds: float,
    purge_older_than_days: float | None = None,
) -> Iterator[Platform]:
    settings = platform_settings(pg_url, kubeconfig)
    settings.operations.purge_older_than_days = purge_older_than_days
    settings.operations.purge_interval_seconds = 0.2
    # KubeRay tears a finished RayJob's cluster down after this TTL (the archive test).
    settings.workloads.ray_ttl_seconds_after_finished = 3
    settings.operations.operations_interval_seconds = 0.2
    settings.operations.workload_retention_seconds = retention_seconds
    settings.operations.log_follow_drain_seconds = 0.5
    with run_platform(settings, sim) as running:
        yield running


@pytest.fixture
def operate_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    """The platform with a fast operations worker and long (default) retention."""
    yield from _operate_platform(pg_url, platform_sim, sim_kubeconfig, retention_seconds=3600)


@pytest.fixture
def retention_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    """The platform with WORKLOAD_RETENTION_SECONDS=0: workloads go once logs are archived."""
    yield from _operate_platform(pg_url, platform_sim, sim_kubeconfig, retention_seconds=0)


@pytest.fixture
def purging_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[Platform]:
    """Retention 0 and a periodic purge of jobs finished more than ~1 s ago."""
    yield from _operate_platform(
        pg_url, platform_sim, sim_kubeconfig, retention_seconds=0,
        purge_older_than_days=1 / 86400,
    )
