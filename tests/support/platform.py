"""The whole product for end-to-end tests: a real uvicorn server, PostgreSQL and the simulator.

One simulated Karmada serves the test session; each platform gets its own installation id
(``ML_PLATFORM_INSTANCE``), so its poller only sees its own jobs, and its own database.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.server.main import create_app
from app.server.uvicorn_options import uvicorn_options
from app.settings import (
    DatabaseSettings,
    GraphQLSettings,
    KarmadaSettings,
    PollerSettings,
    ServerSettings,
    Settings,
    WorkloadDefaultSettings,
)
from karmada_sim.config import MemberConfig, SimulatorConfig, TimingConfig
from karmada_sim.runtime import EmbeddedSimulator
from tests.support.server import serve_in_thread, websocket_url

T = TypeVar("T")
_instances = itertools.count(1)


def fast_simulator_config() -> SimulatorConfig:
    """Two roomy members with short lifecycles, so hundreds of jobs fit and finish quickly."""
    return SimulatorConfig(
        members=[
            MemberConfig(
                name="member1",
                region="us-east-1",
                zones=["us-east-1a"],
                nodes=64,
                cpu_per_node=64,
                memory_gib_per_node=512,
            ),
            MemberConfig(
                name="member2",
                region="eu-west-1",
                zones=["eu-west-1b"],
                nodes=64,
                cpu_per_node=64,
                memory_gib_per_node=512,
                gpus_per_node=8,
            ),
        ],
        timing=TimingConfig(
            initializing_seconds=0.5,
            running_seconds=1.5,
            log_line_interval_seconds=0.2,
            status_sync_seconds=0.1,
        ),
    )


@dataclass
class Platform:
    base_url: str
    settings: Settings
    sim: EmbeddedSimulator
    app: Any

    @property
    def instance_id(self) -> str:
        return self.settings.karmada.ml_platform_instance

    @property
    def ws_url(self) -> str:
        return websocket_url(self.base_url)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.graphql_response(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    def graphql_response(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The whole response body (``data`` and ``errors``) of a POST answered 200."""
        with self.http() as client:
            answer = client.post("/graphql", json={"query": query, "variables": variables or {}})
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body

    def sim_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Talk to the simulator directly (its control API, or to inspect objects)."""
        headers = {"Authorization": f"Bearer {self.sim.simulator.config.token}"}
        with httpx.Client(base_url=self.sim.url, headers=headers, timeout=30) as client:
            return client.request(method, path, **kwargs)


def platform_settings(database_url: str, kubeconfig: Path, **poller: Any) -> Settings:
    return Settings(
        db=DatabaseSettings(database_url=database_url),
        karmada=KarmadaSettings(
            karmada_kubeconfig=str(kubeconfig), ml_platform_instance=f"test-{next(_instances)}"
        ),
        server=ServerSettings(),
        poller=PollerSettings(
            poll_interval_seconds=poller.pop("poll_interval_seconds", 0.25),
            workload_lost_grace_seconds=poller.pop("workload_lost_grace_seconds", 5.0),
            **poller,
        ),
        graphql=GraphQLSettings(),
        workloads=WorkloadDefaultSettings(),
    )


@contextlib.contextmanager
def run_platform(settings: Settings, sim: EmbeddedSimulator) -> Iterator[Platform]:
    app = create_app(settings)
    # The server's websocket bounds (uvicorn_options), with faster pings.
    max_size = uvicorn_options(settings)["ws_max_size"]
    with serve_in_thread(
        app, ws_ping_interval=5, ws_ping_timeout=5, ws_max_size=max_size
    ) as base_url:
        yield Platform(base_url, settings, sim, app)


#: Background loops fast enough for a test to watch them act.
FAST_LOOPS: dict[str, Any] = {
    "reconcile_interval_seconds": 0.3,
    "orphan_grace_seconds": 0.0,
    "submission_retry_initial_seconds": 0.2,
    "submission_retry_max_seconds": 1.0,
}

PlatformFactory = Callable[..., contextlib.AbstractContextManager[Platform]]
