"""The real kubectl against `python -m karmada_sim` over HTTPS: it reads *and* writes.

kubectl sends its bearer token only over TLS; the standalone simulator serves HTTPS with a CA
written into its kubeconfig, so apply (client- and server-side), get -w, describe and delete
work as against a real API server.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from karmada_sim.reference import REPO_ROOT, reference_dir

KUBECTL = shutil.which("kubectl")


class Standalone:
    def __init__(self, proc: subprocess.Popen[str], kubeconfig: Path, ca: Path) -> None:
        self.proc = proc
        self.kubeconfig = kubeconfig
        config = yaml.safe_load(kubeconfig.read_text())
        cluster = config["clusters"][0]["cluster"]
        self.server: str = cluster["server"]
        ca.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))
        self.ca = ca
        self.token: str = config["users"][0]["user"]["token"]
        self.source = ""

    def kubectl(self, *args: str, stdin: str | None = None,
                check: bool = True) -> subprocess.CompletedProcess[str]:
        assert KUBECTL, "kubectl must be installed (see `which kubectl`)"
        done = subprocess.run(
            [KUBECTL, "--kubeconfig", str(self.kubeconfig), *args],
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )
        if check:
            assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
        return done


def start_standalone(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], Path]:
    kubeconfig = tmp_path / "kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "karmada_sim", "--port", "0", "--kubeconfig", str(kubeconfig),
         *extra],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not kubeconfig.exists():  # written once the port is bound
        if proc.poll() is not None:
            raise AssertionError(f"simulator exited: {proc.stderr.read() if proc.stderr else ''}")
        assert time.monotonic() < deadline, "the simulator did not write its kubeconfig"
        time.sleep(0.05)
    return proc, kubeconfig


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module", params=["directory", "builtin"])
def sim(tmp_path_factory: pytest.TempPathFactory,
        request: pytest.FixtureRequest) -> Iterator[Standalone]:
    """The standalone simulator on the real reference data, then on the built-in model."""
    tmp = tmp_path_factory.mktemp("kubectl")
    source = str(reference_dir()) if request.param == "directory" else "builtin"
    proc, kubeconfig = start_standalone(
        tmp, "--tls-dir", str(tmp / "tls"), "--reference-dir", source)
    try:
        standalone = Standalone(proc, kubeconfig, tmp / "ca.crt")
        standalone.source = request.param
        yield standalone
    finally:
        stop(proc)


CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: default
  labels:
    app: demo
data:
  greeting: {value}
"""

JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: ssa-job
  namespace: default
spec:
  parallelism: {parallelism}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["true"]
"""


def test_https_with_the_kubeconfig_ca_and_no_anonymous_access(sim: Standalone) -> None:
    assert sim.server.startswith("https://127.0.0.1:")
    trusted = ssl.create_default_context(cafile=str(sim.ca))
    with httpx.Client(base_url=sim.server, verify=trusted) as client:
        assert client.get("/api/v1/namespaces").status_code == 401  # no token, no reads
        authorized = client.get("/api/v1/namespaces",
                                headers={"Authorization": f"Bearer {sim.token}"})
        assert authorized.status_code == 200
        assert client.get("/_sim/reference").json()["source"] == sim.source
    with pytest.raises(httpx.ConnectError):  # the CA is not a public one
        httpx.get(f"{sim.server}/version")
    assert "member1" in sim.kubectl("get", "clusters").stdout


def test_client_side_apply_creates_then_configures(sim: Standalone) -> None:
    first = sim.kubectl("apply", "-f", "-", stdin=CONFIGMAP.format(value="hello"))
    assert "configmap/demo created" in first.stdout
    second = sim.kubectl("apply", "-f", "-", stdin=CONFIGMAP.format(value="again"))
    assert "configmap/demo configured" in second.stdout
    got = json.loads(sim.kubectl("get", "configmap", "demo", "-o", "json").stdout)
    assert got["data"] == {"greeting": "again"}
    assert "kubectl.kubernetes.io/last-applied-configuration" in got["metadata"]["annotations"]
    unchanged = sim.kubectl("apply", "-f", "-", stdin=CONFIGMAP.format(value="again"))
    assert "configmap/demo unchanged" in unchanged.stdout
    described = sim.kubectl("describe", "configmap", "demo").stdout
    assert "Name:" in described
    assert "greeting" in described
    assert "again" in described


def test_server_side_apply_records_the_field_manager(sim: Standalone) -> None:
    created = sim.kubectl("apply", "--server-side", "-f", "-", stdin=JOB.format(parallelism=1))
    assert "job.batch/ssa-job serverside-applied" in created.stdout
    again = sim.kubectl("apply", "--server-side", "-f", "-", stdin=JOB.format(parallelism=2))
    assert "job.batch/ssa-job serverside-applied" in again.stdout
    job = json.loads(sim.kubectl("get", "job", "ssa-job", "-o", "json",
                                 "--show-managed-fields").stdout)
    assert job["spec"]["parallelism"] == 2
    managers = [(m["manager"], m["operation"]) for m in job["metadata"]["managedFields"]]
    assert managers.count(("kubectl", "Apply")) == 1
    fields = job["metadata"]["managedFields"][-1]["fieldsV1"]
    assert "f:parallelism" in fields["f:spec"]
    # kubectl hides managedFields by default: it parsed them.
    plain = json.loads(sim.kubectl("get", "job", "ssa-job", "-o", "json").stdout)
    assert "managedFields" not in plain["metadata"]
    assert "Parallelism:" in sim.kubectl("describe", "job", "ssa-job").stdout


def test_get_watch_sees_a_change_then_delete(sim: Standalone) -> None:
    sim.kubectl("apply", "-f", "-", stdin=CONFIGMAP.format(value="watch-me").replace(
        "name: demo", "name: watched"))
    assert KUBECTL
    watcher = subprocess.Popen(
        [KUBECTL, "--kubeconfig", str(sim.kubeconfig), "get", "configmap", "watched", "-w",
         "-o", "custom-columns=NAME:.metadata.name,VALUE:.data.greeting", "--no-headers"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert watcher.stdout is not None
        for line in watcher.stdout:
            lines.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()

    def next_line() -> str:
        try:
            return lines.get(timeout=30)
        except queue.Empty:
            raise AssertionError("kubectl get -w printed nothing in 30 s") from None

    try:
        assert next_line().split() == ["watched", "watch-me"]
        sim.kubectl("patch", "configmap", "watched", "-p", '{"data":{"greeting":"changed"}}')
        assert next_line().split() == ["watched", "changed"]
    finally:
        os.killpg(watcher.pid, signal.SIGTERM)
        watcher.wait(timeout=30)
    deleted = sim.kubectl("delete", "configmap", "watched")
    assert 'configmap "watched" deleted' in deleted.stdout
    missing = sim.kubectl("get", "configmap", "watched", check=False)
    assert missing.returncode == 1
    assert "NotFound" in missing.stderr


def test_insecure_http_is_explicit_and_read_only_for_kubectl(tmp_path: Path) -> None:
    proc, kubeconfig = start_standalone(tmp_path, "--insecure-http")
    try:
        config = yaml.safe_load(kubeconfig.read_text())
        cluster = config["clusters"][0]["cluster"]
        assert cluster["server"].startswith("http://127.0.0.1:")
        assert "certificate-authority-data" not in cluster
        assert KUBECTL, "kubectl must be installed (see `which kubectl`)"
        base = [KUBECTL, "--kubeconfig", str(kubeconfig)]
        reads = subprocess.run([*base, "get", "namespaces"], capture_output=True, text=True,
                               timeout=60, check=False)
        assert reads.returncode == 0, reads.stderr
        writes = subprocess.run([*base, "apply", "-f", "-"], input=CONFIGMAP.format(value="x"),
                                capture_output=True, text=True, timeout=60, check=False)
        assert writes.returncode != 0
        assert "Unauthorized" in writes.stderr
    finally:
        stop(proc)
