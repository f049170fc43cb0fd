"""k8s/deploy.sh and k8s/build-image.sh, driven against a recording stand-in for kubectl/docker
(no cluster here). `kubectl kustomize` is passed through to the real kubectl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.manifests import K8S_DIR, KUBECTL

DEPLOY = K8S_DIR / "deploy.sh"
BUILD = K8S_DIR / "build-image.sh"

FAKE_KUBECTL = """#!{python}
import json, os, subprocess, sys
args = sys.argv[1:]
record = {{"args": args}}
if "-f" in args and args[args.index("-f") + 1] == "-":
    record["stdin"] = sys.stdin.read()
elif "-f" in args and os.path.isfile(args[args.index("-f") + 1]):
    record["file"] = open(args[args.index("-f") + 1]).read()
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(record) + "\\n")
if args and args[0] == "kustomize":
    os.execv({real!r}, [{real!r}, *args])
rest = args
if "--namespace" in args:
    i = args.index("--namespace")
    rest = args[:i] + args[i + 2:]
if rest[:2] == ["get", "secret"]:
    sys.exit(0 if rest[2] in os.environ.get("FAKE_SECRETS", "").split(",") else 1)
if rest[:2] == ["get", "statefulset"]:
    sys.exit(0)
if rest[:3] == ["get", "job", "ml-platform-migrate"]:
    outcome = os.environ.get("FAKE_MIGRATION", "Complete")
    print("True" if '"' + outcome + '"' in rest[-1] else "", end="")
    sys.exit(0)
if "--dry-run=client" in rest:
    print("kind: Secret\\nargs: " + json.dumps(rest))
sys.exit(0)
"""


def fake_kubectl(tmp_path: Path) -> Path:
    path = tmp_path / "kubectl"
    path.write_text(FAKE_KUBECTL.format(python=sys.executable, real=KUBECTL))
    path.chmod(0o755)
    return path


def run_deploy(
    tmp_path: Path, *args: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    log = tmp_path / "calls.jsonl"
    log.touch()
    karmada = tmp_path / "karmada.kubeconfig"
    mgmt = tmp_path / "mgmt.kubeconfig"
    karmada.write_text("apiVersion: v1\nkind: Config\n")
    mgmt.write_text("apiVersion: v1\nkind: Config\n")
    base = {
        "PATH": os.environ["PATH"],
        "KUBECTL": str(fake_kubectl(tmp_path)),
        "FAKE_LOG": str(log),
        "KARMADA_KUBECONFIG": str(karmada),
        "MGMT_KUBECONFIG": str(mgmt),
        "DOCKER_REGISTRY": "registry.example.com/ml",
        "VERSION": "1.2.3",
        "TIMEOUT": "30",
    }
    result = subprocess.run(
        ["bash", str(DEPLOY), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return result, [c for c in calls if c["args"][0] != "kustomize"]


def call_index(calls: list[dict[str, Any]], *fragments: str) -> int:
    """Index of the first call whose argv contains every fragment, in order of appearance."""
    for i, call in enumerate(calls):
        joined = " ".join(call["args"])
        if all(f in joined for f in fragments):
            return i
    raise AssertionError(f"no kubectl call with {fragments}: {[c['args'] for c in calls]}")


def kinds(text: str) -> list[str]:
    return [d["kind"] for d in yaml.safe_load_all(text) if d]


def test_first_deploy_runs_the_migration_before_the_rollout(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    order = [
        call_index(calls, "create namespace ml-platform"),
        call_index(calls, "create", "secret generic backend-kubeconfig"),
        call_index(calls, "create", "secret generic postgres-credentials"),
        call_index(calls, "apply", "-l", "app.kubernetes.io/component!=backend"),
        call_index(calls, "rollout status statefulset/postgres"),
        call_index(calls, "delete job ml-platform-migrate"),
        next(i for i, c in enumerate(calls) if "Job" in kinds(c.get("file", ""))),
        call_index(calls, "get job ml-platform-migrate"),
        next(
            i
            for i, c in enumerate(calls)
            if "Deployment" in kinds(c.get("file", "")) and "-l" not in c["args"]
        ),
        call_index(calls, "rollout status deployment/ml-platform-backend"),
        call_index(calls, "--kubeconfig", "apply -f", "k8s/karmada"),
    ]
    assert order == sorted(order), [calls[i]["args"] for i in order]

    kubeconfig_secret = calls[call_index(calls, "secret generic backend-kubeconfig")]["args"]
    assert any(a.startswith("--from-file=karmada-kubeconfig=") for a in kubeconfig_secret)
    assert any(a.startswith("--from-file=mgmt-kubeconfig=") for a in kubeconfig_secret)

    # the password is random, and the backend's DATABASE_URL carries the same one
    pg = calls[call_index(calls, "secret generic postgres-credentials")]["args"]
    db = calls[call_index(calls, "secret generic backend-database")]["args"]
    (password,) = [a.split("=", 2)[2] for a in pg if "=POSTGRES_PASSWORD=" in a]
    (url,) = [a.split("=", 2)[2] for a in db if "=DATABASE_URL=" in a]
    assert len(password) >= 32
    assert url == f"postgres://mlplatform:{password}@postgres.ml-platform.svc:5432/mlplatform"

    job_file = next(c["file"] for c in calls if "Job" in kinds(c.get("file", "")))
    assert "image: registry.example.com/ml/ml-platform-backend:1.2.3" in job_file
    app_file = next(c["file"] for c in calls if "Deployment" in kinds(c.get("file", "")))
    assert "image: registry.example.com/ml/ml-platform-backend:1.2.3" in app_file
    assert "nodePort: 30180" in app_file  # default overlay: as the old deploy.sh


def test_existing_secrets_are_kept(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, FAKE_SECRETS="postgres-credentials,backend-database")
    assert result.returncode == 0, result.stderr
    joined = [" ".join(c["args"]) for c in calls]
    assert not any("postgres-credentials --from-literal" in j for j in joined)
    assert not any("generic backend-database" in j for j in joined)


def test_a_failed_migration_leaves_the_backend_alone(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, FAKE_MIGRATION="Failed")
    assert result.returncode != 0
    assert "the migration did not complete" in result.stderr
    assert call_index(calls, "logs job/ml-platform-migrate") >= 0
    assert not any(
        "Deployment" in kinds(c.get("file", "")) and "-l" not in c["args"] for c in calls
    )
    assert not any("rollout status deployment" in " ".join(c["args"]) for c in calls)


def test_external_db_needs_a_database_url(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, OVERLAY="external-db")
    assert result.returncode != 0
    assert "set DATABASE_URL" in result.stderr
    assert not any(c.get("file") for c in calls)  # nothing applied


def test_external_db_writes_the_database_url_secret(tmp_path: Path) -> None:
    url = "postgres://app:pw@db.example.com:5432/mlplatform"
    result, calls = run_deploy(tmp_path, OVERLAY="external-db", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    db = calls[call_index(calls, "secret generic backend-database")]["args"]
    assert f"--from-literal=DATABASE_URL={url}" in db
    joined = [" ".join(c["args"]) for c in calls]
    assert not any("postgres-credentials" in j for j in joined)
    assert not any("rollout status statefulset" in j for j in joined)


def test_kubeconfigs_are_required(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, KARMADA_KUBECONFIG=str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "KARMADA_KUBECONFIG" in result.stderr
    assert calls == []


def test_latest_is_refused(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, VERSION="latest")
    assert result.returncode != 0
    assert "latest" in result.stderr
    assert calls == []


def test_render_sets_namespace_and_image(tmp_path: Path) -> None:
    result, _ = run_deploy(tmp_path, "--render", OVERLAY="prod", K8S_NAMESPACE="mlp-test")
    assert result.returncode == 0, result.stderr
    objs = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert {o["metadata"].get("namespace") for o in objs if o["kind"] != "Namespace"} == {
        "mlp-test"
    }
    (namespace,) = [o for o in objs if o["kind"] == "Namespace"]
    assert namespace["metadata"]["name"] == "mlp-test"
    images = {
        c["image"]
        for o in objs
        if o["kind"] in {"Deployment", "Job"}
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"registry.example.com/ml/ml-platform-backend:1.2.3"}
    # the checked-in overlay is untouched (no `kustomize edit` on the repository)
    assert "1.2.3" not in (K8S_DIR / "overlays" / "prod" / "kustomization.yaml").read_text()


def test_unknown_overlay(tmp_path: Path) -> None:
    result, _ = run_deploy(tmp_path, "--render", OVERLAY="nope")
    assert result.returncode != 0
    assert "no overlay" in result.stderr


# ---- build-image.sh ------------------------------------------------------------------------


def run_build(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = tmp_path / "docker.log"
    docker = tmp_path / "docker"
    docker.write_text(f'#!/usr/bin/env bash\necho "$*" >> {log}\n')
    docker.chmod(0o755)
    result = subprocess.run(
        ["bash", str(BUILD)],
        env={"PATH": os.environ["PATH"], "DOCKER": str(docker), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result, log.read_text().splitlines() if log.exists() else []


def test_build_tags_and_pushes_to_the_registry(tmp_path: Path) -> None:
    result, calls = run_build(tmp_path, DOCKER_REGISTRY="reg.example/ml/", VERSION="2.0.0")
    assert result.returncode == 0, result.stderr
    build, push = calls
    assert build.startswith("build ")
    assert "-t reg.example/ml/ml-platform-backend:2.0.0" in build
    assert build.endswith(str(K8S_DIR.parent))
    assert push == "push reg.example/ml/ml-platform-backend:2.0.0"


def test_build_without_registry_does_not_push(tmp_path: Path) -> None:
    result, calls = run_build(tmp_path, BACKEND_IMAGE="backend", VERSION="2.0.0")
    assert result.returncode == 0, result.stderr
    assert len(calls) == 1
    assert "-t backend:2.0.0" in calls[0]


def test_build_refuses_latest(tmp_path: Path) -> None:
    result, calls = run_build(tmp_path, VERSION="latest")
    assert result.returncode != 0
    assert calls == []


@pytest.mark.parametrize("script", [DEPLOY, BUILD], ids=lambda p: Path(p).name)
def test_scripts_are_strict_and_shellcheck_clean(script: Path) -> None:
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(script, os.X_OK)
    shellcheck = shutil.which("shellcheck")
    if shellcheck is not None:  # optional tool (apt-get install shellcheck)
        result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
