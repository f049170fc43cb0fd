"""Fixtures of the reliability tests: platforms whose background loops run fast."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.platform import Platform, platform_settings, run_platform

FAST_LOOPS: dict[str, Any] = {
    "reconcile_interval_seconds": 0.3,
    "orphan_grace_seconds": 0.0,
    "submission_retry_initial_seconds": 0.2,
    "submission_retry_max_seconds": 1.0,
}

PlatformFactory = Callable[..., contextlib.AbstractContextManager[Platform]]


@pytest.fixture
def make_platform(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> PlatformFactory:
    """``with make_platform(**poller_overrides) as platform:`` on this test's database."""

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
