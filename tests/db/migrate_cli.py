"""Running `mlplatform migrate` as separate processes (tests only)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MIGRATE_TIMEOUT_SECONDS = 120


def run_migrate_processes(database_url: str, count: int) -> list[subprocess.CompletedProcess[str]]:
    """Start ``count`` `mlplatform migrate` processes at once and wait for all of them."""
    env = {**os.environ, "DATABASE_URL": database_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "app.server.cli", "migrate"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=MIGRATE_TIMEOUT_SECONDS)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    return results
