"""Simulated container logs: a pure function of the run's timeline (no per-pod tasks)."""

from __future__ import annotations

import math

from karmada_sim.members.scenario import Scenario

MAX_LINES = 20_000


def pod_log_lines(
    pod: str,
    role: str,
    running_at: float | None,
    ends_at: float | None,
    now: float,
    interval: float,
    *,
    succeeded: bool,
    scenario: Scenario,
    outlives_job: bool = False,
) -> list[tuple[float, str]]:
    """The lines written so far, each with the (loop-clock) time it was written.

    Nothing is written after `ends_at`: a finished container's log is final, and a pod that
    outlives the job (a Ray head or worker, `outlives_job`) says once that the job ended and
    then stays quiet, since the training steps were the job's.
    """
    if running_at is None or now < running_at:
        return []
    until = min(now, ends_at) if ends_at is not None else now
    lines: list[tuple[float, str]] = [(running_at, f"[{role}] {pod}: starting")]
    steps = max(0, math.floor((until - running_at) / interval)) if interval > 0 else 0
    first = max(1, steps - MAX_LINES + 1)
    for i in range(first, steps + 1):
        at = running_at + i * interval
        if ends_at is not None and at >= ends_at:
            break
        loss = 1.0 / (1 + 0.1 * i)
        lines.append((at, f"[{role}] step={i} loss={loss:.4f}"))
    if ends_at is not None and now >= ends_at:
        if outlives_job:
            outcome = "succeeded" if succeeded else "failed"
            lines.append((ends_at, f"[{role}] {pod}: job {outcome}; idle until teardown"))
        elif succeeded:
            lines.append((ends_at, f"[{role}] training finished successfully"))
        else:
            reason = scenario.failure_message or scenario.failure_reason or "simulated failure"
            lines.append((ends_at, f"[{role}] ERROR: {reason}"))
    return lines
