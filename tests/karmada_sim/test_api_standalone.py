"""`run_standalone`: a blocking simulator process with a kubeconfig, stopped by SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from karmada_sim.reference import REPO_ROOT
from karmada_sim.standalone import standalone_config


def test_standalone_config_spreads_gpus_over_members() -> None:
    config = standalone_config(3, [0, 8, 2])
    assert [m.name for m in config.members] == ["member1", "member2", "member3"]
    assert [m.nodes * m.gpus_per_node for m in config.members] == [0, 8, 2]
    # Anonymous reads only over plain http (kubectl sends its token over TLS only).
    assert config.allow_anonymous_reads is False
    assert standalone_config(1, None, insecure_http=True).allow_anonymous_reads is True
    with pytest.raises(ValueError):
        standalone_config(1, [1, 2])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_run_standalone_serves_until_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    kubeconfig = tmp_path / "kubeconfig"
    code = (
        "from karmada_sim.standalone import run_standalone; "
        f"run_standalone({port}, 2, [0, 8], {str(kubeconfig)!r}, insecure_http=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                healthy = httpx.get(f"http://127.0.0.1:{port}/_sim/healthz").status_code == 200
            except httpx.TransportError:
                healthy = False
            # The kubeconfig is written right after the port is bound.
            if healthy and kubeconfig.exists():
                break
            assert time.monotonic() < deadline, "standalone simulator did not come up"
            time.sleep(0.05)
        config = yaml.safe_load(kubeconfig.read_text())
        assert config["clusters"][0]["cluster"]["server"] == f"http://127.0.0.1:{port}"
        assert config["current-context"] == "karmada-sim"
        # --insecure-http: anonymous reads are allowed, so kubectl (no token over http) reads.
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/namespaces").status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
