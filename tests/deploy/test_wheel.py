"""The wheel carries everything: installed with [simulator] into a fresh venv outside the
checkout, `mlplatform serve` runs on the embedded default from an empty folder and a job
succeeds (the simulator finds no reference data there and uses its built-in model).

The wheel is built from a clone of the committed HEAD, so files only present in this working
tree cannot make it pass.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.eventually import wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    git = shutil.which("git")
    assert git, "git is required to build the wheel from the committed tree"
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    subprocess.run([git, "clone", "--quiet", str(REPO), str(source)], check=True, timeout=300)
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", str(source), "--no-deps",
                    "-w", str(dist)], check=True, timeout=600)
    (built,) = dist.glob("ml_platform-*.whl")
    return built


def test_the_wheel_holds_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("karmada_sim/reference_manifest.json", "schema/schema.graphql",
                   "karmada_sim/builtin/__init__.py", "app/server/openapi.json"):
        assert needed in names, f"{needed} missing from {wheel.name}"
    # Data the source tree keeps beside the code must be in it too (YAML, JSON, Lua).
    data = {p for p in (REPO / "karmada_sim").rglob("*")
            if p.suffix in (".json", ".yaml", ".lua") and "__pycache__" not in p.parts}
    tracked = set(subprocess.run(["git", "ls-files", "karmada_sim"], cwd=REPO, check=True,
                                 capture_output=True, text=True).stdout.split())
    for path in data:
        relative = str(path.relative_to(REPO))
        if relative in tracked:
            assert relative in names, f"{relative} missing from {wheel.name}"


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(target, with_pip=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    subprocess.run([str(target / "bin/python"), "-m", "pip", "install", "--quiet",
                    f"{wheel}[simulator]"], check=True, timeout=900, env=env)
    return target


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "K8S_REFERENCE_DIR", "KARMADA_KUBECONFIG",
                        "DATABASE_URL")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "empty-cache")  # no fetched reference data either
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(installed / "bin/mlplatform"), "serve", "--port", str(port)],
                                cwd=run_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-4000:]
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
            time.sleep(0.2)
        yield base, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_installed_wheel_serves_and_runs_a_job(served: tuple[str, Path]) -> None:
    base, log = served
    assert httpx.get(f"{base}/health", timeout=10).json() == {"status": "healthy"}
    assert "k8s reference: built-in model" in log.read_text(errors="replace")
    created = httpx.post(f"{base}/api/v1/jobs", timeout=30, json={
        "jobName": "wheel-job",
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 2}, "instanceCount": 1},
        "namespace": "default"})
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]

    def succeeded() -> bool:
        status = httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30).json()["status"]
        assert status not in ("Failed", "Stopped"), status
        return bool(status == "Succeeded")

    wait_for(succeeded, timeout=120, interval=0.2, what="the wheel's job Succeeded")


def test_installed_wheel_has_the_reference_command(installed: Path) -> None:
    done = subprocess.run([str(installed / "bin/mlplatform"), "reference", "fetch", "--help"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "--base-url" in done.stdout
