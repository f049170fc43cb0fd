"""Crash injection between the steps of a use-case, for the crash-safety tests.

``MLPLATFORM_CRASH_AT="create:after-row"`` makes the process die (``os._exit(137)``, the exit
status of a SIGKILL: no ``finally`` blocks, no lifespan shutdown, no flushed buffers) when it
reaches that point. Several points may be listed, comma-separated. Unset (production), every
``crash_point`` call is a dictionary-free string comparison and returns.

Points (see docs/reliability.md): ``create:after-row``, ``submit:after-pvc``,
``submit:after-workload``, ``submit:after-policy``, ``delete:after-mark``,
``delete:after-objects``, ``stop:after-mark``, ``stop:after-objects``; recovery (issue 19):
``recover:after-attempt-row``, ``recover:after-delete-old`` (then ``submit:after-*`` for the
new attempt's objects).
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "MLPLATFORM_CRASH_AT"
#: The exit status a SIGKILLed process reports (128 + 9).
CRASH_EXIT_STATUS = 137


def armed_points() -> frozenset[str]:
    """The points named in the environment (read on every call so tests can set it)."""
    raw = os.environ.get(ENV_VAR, "")
    return frozenset(p.strip() for p in raw.split(",") if p.strip())


def crash_point(name: str) -> None:
    """Die here, abruptly, if ``name`` is armed; otherwise do nothing."""
    if ENV_VAR not in os.environ or name not in armed_points():
        return
    sys.stderr.write(f"{ENV_VAR}: crashing at {name}\n")
    sys.stderr.flush()
    os._exit(CRASH_EXIT_STATUS)  # public stdlib API (exit without clean-up), not a private name
