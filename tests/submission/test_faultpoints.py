"""app.submission.faultpoints: a no-op unless armed; armed, the process dies with status 137."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.submission.faultpoints import CRASH_EXIT_STATUS, ENV_VAR, armed_points, crash_point


def test_unarmed_point_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    crash_point("create:after-row")  # still alive
    monkeypatch.setenv(ENV_VAR, "delete:after-mark")
    crash_point("create:after-row")
    assert armed_points() == {"delete:after-mark"}


def test_armed_points_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, " create:after-row, submit:after-workload ,")
    assert armed_points() == {"create:after-row", "submit:after-workload"}


def test_armed_point_kills_the_process_abruptly() -> None:
    code = (
        "from app.submission.faultpoints import crash_point\n"
        "try:\n"
        "    crash_point('create:after-row')\n"
        "finally:\n"
        "    print('finally ran')\n"  # os._exit skips finally blocks, as SIGKILL would
    )
    env = {**os.environ, ENV_VAR: "create:after-row"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == CRASH_EXIT_STATUS
    assert "finally ran" not in result.stdout
    assert "crashing at create:after-row" in result.stderr
