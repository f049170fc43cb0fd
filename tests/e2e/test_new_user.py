"""A new user's first run: a bare `git clone`, nothing beside it, the README's commands.

The committed HEAD of this checkout is cloned into an empty temporary folder (so no
`../shared/k8s-reference`), with no `K8S_REFERENCE_DIR` and an empty `XDG_CACHE_HOME` (so no
fetched cache): the simulator must fall back to its built-in model. `bash scripts/serve` is run
for real (it creates the clone's own `.venv`; pip's cache and the machine's wheel mirror are
reused to keep it fast), then the README walkthrough is driven: REST `POST /api/v1/jobs` to
Succeeded, GraphQL `createJob` + `jobStatus` (gql over graphql-transport-ws) to SUCCEEDED,
and `mlplatform simulate` with `kubectl get clusters`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import yaml
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is required for the new-user test (install it; CI has it)"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def poll(check: Callable[[], T | None], what: str, within: float,
         proc: subprocess.Popen[bytes] | None = None, log: Path | None = None) -> T:
    """Poll `check` until it returns a value; fail with the process log if it dies."""
    deadline = time.monotonic() + within
    while True:
        if proc is not None and proc.poll() is not None:
            output = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"{what}: the process exited ({proc.returncode}):\n{output}")
        got = check()
        if got is not None:
            return got
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"{what}: not within {within} s\n{output}")
        time.sleep(0.2)


def user_env(tmp: Path) -> dict[str, str]:
    """A new user's environment: no reference directory, an empty cache, no venv active."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("K8S_REFERENCE_DIR", "VIRTUAL_ENV", "PYTHONPATH", "KARMADA_KUBECONFIG",
                        "DATABASE_URL")}
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or str(cache / "pip")
    env["XDG_CACHE_HOME"] = str(tmp / "empty-cache")
    # GraphiQL's assets come from npm; tests reach only 127.0.0.1, and that step is never fatal.
    env["NPM_REGISTRY"] = f"http://127.0.0.1:{free_port()}"
    return env


class Clone:
    def __init__(self, root: Path, env: dict[str, str], tmp: Path) -> None:
        self.root = root
        self.env = env
        self.tmp = tmp


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    git = _tool("git")
    tmp = tmp_path_factory.mktemp("new-user")
    folder = tmp / "work"
    folder.mkdir()
    subprocess.run([git, "clone", "--quiet", str(REPO), str(folder / "ml-platform")],
                   check=True, timeout=300)
    assert sorted(p.name for p in folder.iterdir()) == ["ml-platform"]  # nothing beside it
    return Clone(folder / "ml-platform", user_env(tmp), tmp)


def _start(clone: Clone, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(argv, cwd=clone.root, env=clone.env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def served(clone: Clone) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = clone.tmp / "serve.log"
    proc = _start(clone, [_tool("bash"), "scripts/serve", "--port", str(port)], log)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool | None:
        try:
            return True if httpx.get(f"{base}/health", timeout=5).status_code == 200 else None
        except httpx.TransportError:
            return None

    try:
        # Installing into the fresh .venv is most of this.
        poll(healthy, "scripts/serve answering /health", 900, proc, log)
        yield base, log
    finally:
        _stop(proc)


REST_JOB = {
    "jobName": "rest-job", "priority": 500,
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 4, "memoryGiB": 16, "gpuCount": 0},
                  "instanceCount": 1},
    "hyperparameters": {"xgboost": {"num_round": 300}}, "targetClusters": [],
    "namespace": "default",
}
CREATE = """
mutation Create($input: CreateJobInput!) {
  createJob(input: $input) {
    __typename
    ... on CreateJobSuccess { job { id phase } }
    ... on InvalidInputError { field message }
  }
}
"""
SUBSCRIBE = """
subscription Status($id: ID!) { jobStatus(id: $id, afterSequence: 0) { phase reason sequence } }
"""
GRAPHQL_JOB = {
    "jobName": "my-first-job",
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 2, "memoryGiB": 4}, "instanceCount": 2},
    "hyperparameters": {"xgboost": {"num_round": 100, "eta": 0.3, "max_depth": 6}},
    "inputDataConfig": [{"channelName": "train", "endpoint": "http://minio:9000",
                         "bucket": "datasets", "prefix": "train/"}],
}


def test_serve_from_a_bare_clone_runs_the_readme_walkthrough(served: tuple[str, Path]) -> None:
    base, log = served
    text = log.read_text(errors="replace")
    assert "k8s reference: built-in model (no reference directory found)" in text, text[-3000:]
    assert text.count("k8s reference:") == 1

    created = httpx.post(f"{base}/api/v1/jobs", json=REST_JOB, timeout=30)
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]

    def rest_done() -> str | None:
        status = httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30).json()["status"]
        assert status not in ("Failed", "Stopped"), status
        return status if status == "Succeeded" else None

    assert poll(rest_done, "the REST job reaching Succeeded", 120) == "Succeeded"

    answer = httpx.post(f"{base}/graphql", json={"query": CREATE,
                                                 "variables": {"input": GRAPHQL_JOB}}, timeout=30)
    result = answer.json()["data"]["createJob"]
    assert result["__typename"] == "CreateJobSuccess", result

    async def follow() -> list[dict[str, Any]]:
        ws = base.replace("http://", "ws://") + "/graphql"
        transport = WebsocketsTransport(url=ws, subprotocols=["graphql-transport-ws"])
        updates: list[dict[str, Any]] = []
        async with Client(transport=transport, fetch_schema_from_transport=False) as session:
            request = gql(SUBSCRIBE)
            request.variable_values = {"id": result["job"]["id"]}
            async with asyncio.timeout(120):
                async for item in session.subscribe(request):
                    updates.append(item["jobStatus"])
        return updates

    updates = asyncio.run(follow())
    phases = list(dict.fromkeys(u["phase"] for u in updates))
    assert phases == ["PENDING", "RUNNING", "SUCCEEDED"], updates


def test_simulate_from_the_bare_clone_answers_kubectl(
    clone: Clone, served: tuple[str, Path]
) -> None:
    # `served` ran scripts/serve, which created the clone's .venv.
    kubeconfig = clone.tmp / "sim.kubeconfig"
    log = clone.tmp / "simulate.log"
    proc = _start(clone, [str(clone.root / ".venv/bin/mlplatform"), "simulate", "--port", "0",
                          "--kubeconfig", str(kubeconfig)], log)
    try:
        poll(lambda: True if kubeconfig.exists() else None, "the simulator's kubeconfig", 120,
             proc, log)
        cluster = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]
        assert cluster["server"].startswith("https://127.0.0.1:")
        ca = clone.tmp / "sim-ca.crt"
        ca.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))
        got = subprocess.run(
            [_tool("kubectl"), "--kubeconfig", str(kubeconfig), "get", "clusters", "-o", "json"],
            capture_output=True, text=True, timeout=60, check=False, env=clone.env)
        assert got.returncode == 0, got.stderr
        names = [c["metadata"]["name"] for c in json.loads(got.stdout)["items"]]
        assert names == ["member1", "member2"]
        assert "k8s reference: built-in model" in log.read_text()
    finally:
        _stop(proc)
