"""`mlplatform serve` with LOG_FORMAT=json: every line on stderr is JSON (uvicorn's included),
requests are logged with their id, SIGTERM exits cleanly, and the database password in
DATABASE_URL never appears."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from tests.server.serving import free_port

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "hunter2-not-logged"


def _with_password(url: str) -> str:
    # The test server trusts local connections, so any password is accepted (and ignored).
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    user = user.split(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{PASSWORD}@{host}"))


def test_serve_writes_json_lines_with_request_ids_and_no_secrets(
    pg_url: str, sim_kubeconfig: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _with_password(pg_url),
        "KARMADA_KUBECONFIG": str(sim_kubeconfig),
        "LOG_FORMAT": "json",
        "ML_PLATFORM_INSTANCE": f"ops-serve-{port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.server.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "server did not become ready"
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        answer = httpx.get(f"{base}/api/v1/jobs", headers={"X-Request-ID": "ops-serve-1"})
        assert answer.status_code == 200
        assert answer.headers["x-request-id"] == "ops-serve-1"
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    # uvicorn re-raises the captured SIGTERM once its graceful shutdown is complete.
    assert process.returncode in (0, -signal.SIGTERM), stderr
    assert "Application shutdown complete." in stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert lines, "no log output"
    request_lines = [e for e in lines if e.get("request_id") == "ops-serve-1"]
    assert any(
        e["logger"] == "mlplatform.request" and e["status"] == 200 and e["route"] == "/api/v1/jobs"
        for e in request_lines
    ), request_lines
    assert any(e["logger"].startswith("uvicorn") for e in lines)
    assert PASSWORD not in stdout + stderr
    assert not any("color_message" in e for e in lines)
