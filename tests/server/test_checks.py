"""`mlplatform check`: pure member/CRD checks, then against a private simulated Karmada."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.db.session import migrate
from app.server.checks import (
    DEFAULT_KARMADA_MANIFESTS,
    Finding,
    Severity,
    check_configuration,
    check_karmada_setup,
    check_members,
    expected_customizations,
    has_failures,
    render_findings,
    run_checks,
)
from app.settings import (
    AuthSettings,
    DatabaseSettings,
    KarmadaSettings,
    ServerSettings,
    Settings,
    WorkloadDefaultSettings,
)
from app.workloads import RAYJOB, TFJOB
from karmada_sim.config import SimulatorConfig
from karmada_sim.runtime import EmbeddedSimulator

REPO = Path(__file__).resolve().parents[2]


def _cluster(name: str, ready: bool, apis: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "apiEnablements": [
                {
                    "groupVersion": gv,
                    "resources": [{"name": k.lower() + "s", "kind": k} for k in kinds],
                }
                for gv, kinds in apis.items()
            ],
        },
    }


def _by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def test_members_must_serve_every_workload_kind_somewhere() -> None:
    clusters = [
        _cluster("m1", True, {"ray.io/v1": ["RayJob", "RayCluster"]}),
        _cluster("m2", False, {"kubeflow.org/v1": ["PyTorchJob"]}),
    ]
    found = _by_check(check_members(clusters, kinds=[RAYJOB, TFJOB]))
    assert found["member m1"].severity is Severity.OK
    assert found["member m2"].severity is Severity.WARN
    assert found["CRD RayJob"].severity is Severity.OK and "m1" in found["CRD RayJob"].detail
    assert found["CRD TFJob"].severity is Severity.FAIL
    assert "tfjobs.kubeflow.org" in found["CRD TFJob"].fix


def test_no_members_is_a_failure_with_a_fix() -> None:
    [finding] = check_members([])
    assert finding.severity is Severity.FAIL and "karmadactl join" in finding.fix


def test_expected_customizations_come_from_k8s_karmada() -> None:
    assert expected_customizations(DEFAULT_KARMADA_MANIFESTS) == [
        "ml-platform-jaxjob-v1-dependencies",
        "ml-platform-mpijob-v2beta1-dependencies",
    ]


def test_render_lists_fixes_and_counts() -> None:
    text = render_findings(
        [
            Finding("a", Severity.OK, "fine", "unused"),
            Finding("b", Severity.FAIL, "broken", "do this"),
            Finding("c", Severity.WARN, "odd"),
        ]
    )
    assert "[FAIL] b: broken\n       fix: do this" in text
    assert "unused" not in text
    assert text.endswith("1 problem(s), 1 warning(s)\n")


@pytest.fixture
def private_sim(tmp_path: Path) -> Iterator[tuple[EmbeddedSimulator, Path]]:
    """A simulator of our own: this test adds cluster-wide objects the session's must not see."""
    sim = EmbeddedSimulator(SimulatorConfig())
    sim.start()
    try:
        yield sim, sim.write_kubeconfig(tmp_path / "kubeconfig")
    finally:
        sim.stop()


def _settings(pg_url: str, kubeconfig: Path) -> Settings:
    return Settings(
        db=DatabaseSettings(database_url=pg_url),
        karmada=KarmadaSettings(karmada_kubeconfig=str(kubeconfig)),
        workloads=WorkloadDefaultSettings(priority_classes={"ml-high": 800}),
    )


def _apply(sim: EmbeddedSimulator, path: str, body: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {sim.simulator.config.token}"}
    with httpx.Client(base_url=sim.url, headers=headers, timeout=30) as client:
        answer = client.post(path, json=body)
    assert answer.status_code == 201, answer.text


def _run_cli(pg_url: str, kubeconfig: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "KARMADA_KUBECONFIG": str(kubeconfig),
        "PRIORITY_CLASSES": '{"ml-high": 800}',
    }
    return subprocess.run(
        [sys.executable, "-m", "app.server.cli", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_reports_what_is_missing_then_passes_once_fixed(
    pg_url: str, private_sim: tuple[EmbeddedSimulator, Path]
) -> None:
    sim, kubeconfig = private_sim
    settings = _settings(pg_url, kubeconfig)
    first = _by_check(asyncio.run(run_checks(settings)))
    assert first["database"].severity is Severity.FAIL
    assert "mlplatform migrate" in first["database"].fix
    assert first["karmada"].severity is Severity.OK
    assert first["CRD RayJob"].severity is Severity.OK
    assert first["storage Secret default/ml-platform-storage"].severity is Severity.OK
    assert first["PriorityClass ml-high"].severity is Severity.FAIL
    customization = "ResourceInterpreterCustomization ml-platform-mpijob-v2beta1-dependencies"
    assert first[customization].severity is Severity.FAIL
    assert "apply -f" in first[customization].fix

    cli = _run_cli(pg_url, kubeconfig)
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "[FAIL] PriorityClass ml-high: missing" in cli.stdout
    assert "fix: run `mlplatform migrate`" in cli.stdout

    asyncio.run(migrate(pg_url))
    _apply(
        sim,
        "/apis/scheduling.k8s.io/v1/priorityclasses",
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": "ml-high"},
            "value": 1000,
        },
    )
    for path in sorted(DEFAULT_KARMADA_MANIFESTS.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            _apply(sim, "/apis/config.karmada.io/v1alpha1/resourceinterpretercustomizations", doc)
    second = asyncio.run(run_checks(settings))
    assert not has_failures(second), render_findings(second)
    assert _run_cli(pg_url, kubeconfig).returncode == 0


def test_unreachable_karmada_fails_with_a_fix(pg_url: str, tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "x",
                "clusters": [{"name": "x", "cluster": {"server": "http://127.0.0.1:9"}}],
                "users": [{"name": "x", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "x", "user": "x"}}],
            }
        )
    )
    found = _by_check(asyncio.run(run_checks(_settings(pg_url, kubeconfig))))
    assert found["karmada"].severity is Severity.FAIL
    assert "KARMADA_KUBECONFIG" in found["karmada"].fix


def test_configuration_refused_by_serve_is_a_failure_and_console_logs_a_warning() -> None:
    exposed = Settings(server=ServerSettings(host="0.0.0.0"), auth=AuthSettings(auth_mode="none"))
    [refused] = check_configuration(exposed)
    assert refused.severity is Severity.FAIL and "AUTH_MODE" in refused.detail
    tokens = Settings(
        server=ServerSettings(host="0.0.0.0", log_format="console"),
        auth=AuthSettings(auth_mode="token"),
    )
    found = _by_check(check_configuration(tokens))
    assert found["configuration"].severity is Severity.OK
    assert found["logging"].severity is Severity.WARN
    assert "LOG_FORMAT=json" in found["logging"].fix
    quiet = Settings(
        server=ServerSettings(host="0.0.0.0", log_format="json"),
        auth=AuthSettings(auth_mode="token"),
    )
    assert [f.check for f in check_configuration(quiet)] == ["configuration"]


def test_check_reports_the_simulators_reference_source(
    private_sim: tuple[EmbeddedSimulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, kubeconfig = private_sim
    settings = _settings("sqlite://:memory:", kubeconfig)
    found = _by_check(asyncio.run(check_karmada_setup(
        settings, namespaces=["default"], manifests_dir=DEFAULT_KARMADA_MANIFESTS)))
    reference = found["simulator reference"]
    assert reference.severity is Severity.OK
    assert str(sim.simulator.reference_dir) in reference.detail
    assert "karmada-io/karmada f8fdd02df376" in reference.detail

    monkeypatch.setenv("K8S_REFERENCE_DIR", "builtin")
    embedded = _by_check(asyncio.run(check_karmada_setup(
        Settings(), namespaces=["default"], manifests_dir=DEFAULT_KARMADA_MANIFESTS)))
    assert embedded["simulator reference"].severity is Severity.WARN
    assert "built-in model" in embedded["simulator reference"].detail
    assert "mlplatform reference fetch" in embedded["simulator reference"].fix
