"""Liveness and readiness: ready, degraded (Karmada down) and not ready until migrated."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import yaml

from app.db.session import migrate
from app.server.health import migrations_on_disk
from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import wait_for
from tests.support.platform import Platform, platform_settings, run_platform


def test_live_and_ready_when_everything_answers(platform: Platform) -> None:
    with platform.http() as client:
        live = client.get("/health/live")
        ready = client.get("/health/ready")
        compatible = client.get("/health")
    assert (live.status_code, live.json()) == (200, {"status": "alive"})
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": {"ok": True}, "karmada": {"ok": True}},
        "leader": True,  # the only replica on its own database
    }
    assert compatible.json() == {"status": "healthy"}


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: nothing listens there


def _unreachable_kubeconfig(sim_kubeconfig: Path, tmp_path: Path) -> Path:
    config = yaml.safe_load(sim_kubeconfig.read_text())
    for cluster in config["clusters"]:
        cluster["cluster"]["server"] = f"http://127.0.0.1:{_dead_port()}"
    path = tmp_path / "unreachable.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def test_ready_but_degraded_with_the_reason_when_karmada_is_unreachable(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path, tmp_path: Path
) -> None:
    settings = platform_settings(pg_url, _unreachable_kubeconfig(sim_kubeconfig, tmp_path))
    with run_platform(settings, platform_sim) as running, running.http() as client:
        ready = client.get("/health/ready")
        live = client.get("/health/live")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert "Karmada unreachable" in body["reason"]
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["karmada"]["ok"] is False
    assert live.status_code == 200


def test_not_ready_until_the_schema_is_at_head(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    settings = platform_settings(pg_url, sim_kubeconfig)
    settings.db.auto_migrate = False  # a pre-deploy Job migrates, not the server
    with run_platform(settings, platform_sim) as running, running.http() as client:
        before = client.get("/health/ready")
        assert before.status_code == 503
        body = before.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["database"]["ok"] is False
        for name in migrations_on_disk():
            assert name in body["reason"]
        assert client.get("/health/live").status_code == 200

        asyncio.run(migrate(pg_url))  # what `mlplatform migrate` does

        def ready() -> httpx.Response | None:
            answer = client.get("/health/ready")
            return answer if answer.status_code == 200 else None

        after = wait_for(ready, timeout=10, what="readiness after migrating")
    assert after.json()["status"] == "ready"
