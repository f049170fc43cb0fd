"""The generic lifecycle every simulated workload goes through (a pure state machine).

Pending (pods wait for cpu/memory/nvidia.com/gpu) -> Starting (containers creating; image
pull backoff stays here) -> Running -> Succeeded | Failed, with retries up to a backoff
limit, ``activeDeadlineSeconds`` (-> Failed, DeadlineExceeded), ``suspend`` (-> Suspended,
pods deleted; resume starts over) and a TTL after finishing that tears the pods down.
Kind-specific status and pods are rendered from a ``Run`` by karmada_sim.members.kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from karmada_sim.members.disruption import Disruption
from karmada_sim.members.scenario import Scenario


class Phase(StrEnum):
    PENDING = "Pending"
    STARTING = "Starting"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    SUSPENDED = "Suspended"


TERMINAL = (Phase.SUCCEEDED, Phase.FAILED)
# How long "Suspending" (deleting pods) lasts before "Suspended".
SUSPEND_SECONDS = 0.1


@dataclass(frozen=True)
class RunPolicy:
    """The job's own knobs (runPolicy / spec fields), normalised across kinds."""

    active_deadline_seconds: float | None = None
    backoff_limit: int = 0  # retries after the first failed attempt
    suspend: bool = False
    ttl_seconds_after_finished: float | None = None
    # Kubeflow runPolicy.cleanPodPolicy "All": every pod is deleted when the job finishes
    # ("Running" only deletes running ones, and ours have all terminated by then).
    clean_pods_on_finish: bool = False


@dataclass(frozen=True)
class Timing:
    initializing_seconds: float = 1.0
    running_seconds: float = 3.0


@dataclass
class Run:
    """Where one workload is in its life. Times are loop-clock seconds."""

    created_at: float
    phase: Phase = Phase.PENDING
    start_time: float | None = None  # job start (deadline counts from here)
    scheduled_at: float | None = None  # pods got their resources (this attempt)
    running_at: float | None = None
    finished_at: float | None = None
    attempt: int = 0
    failed_attempts: int = 0
    deadline_exceeded: bool = False
    suspended_at: float | None = None
    suspend_complete: bool = False  # Suspending (pods being deleted) -> Suspended
    cleaned_up: bool = False  # pods torn down after the TTL
    changed: bool = True  # status must be re-rendered
    # A fault injected through /_sim/disruptions (members/disruption.py): the last one, and
    # the reason/message/exit code the failed job reports when a fault ended it.
    disruption: Disruption | None = None
    failure_reason: str | None = None
    failure_message: str | None = None
    exit_code: int | None = None
    failed_replica: str | None = None  # Kubeflow replica type whose pod failed

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL


def _set(run: Run, phase: Phase) -> None:
    if run.phase != phase:
        run.phase = phase
        run.changed = True


def advance(
    run: Run, policy: RunPolicy, scenario: Scenario, timing: Timing, now: float, fits: bool
) -> float | None:
    """Move ``run`` forward to ``now``; return when it next needs a look (None: never).

    ``fits``: whether the member has room for this attempt's pods right now.
    """
    if run.start_time is None and not policy.suspend:
        run.start_time = run.created_at
        run.changed = True
    if run.terminal:
        if policy.ttl_seconds_after_finished is not None and not run.cleaned_up:
            assert run.finished_at is not None
            due = run.finished_at + policy.ttl_seconds_after_finished
            if now >= due:
                run.cleaned_up = True
                run.changed = True
                return None
            return due
        return None
    if policy.suspend:
        if run.phase != Phase.SUSPENDED:
            _set(run, Phase.SUSPENDED)
            run.suspended_at = now
            run.suspend_complete = False
            run.scheduled_at = run.running_at = None
            run.start_time = None
            return now + SUSPEND_SECONDS
        if not run.suspend_complete:
            assert run.suspended_at is not None
            if now < run.suspended_at + SUSPEND_SECONDS:
                return run.suspended_at + SUSPEND_SECONDS
            run.suspend_complete = True
            run.changed = True
        return None
    if run.phase == Phase.SUSPENDED:
        _set(run, Phase.PENDING)
        run.start_time = now
    deadline = None
    if policy.active_deadline_seconds is not None and run.start_time is not None:
        deadline = run.start_time + policy.active_deadline_seconds
        if now >= deadline:
            run.deadline_exceeded = True
            run.finished_at = now
            _set(run, Phase.FAILED)
            return advance(run, policy, scenario, timing, now, fits)

    def soonest(t: float | None) -> float | None:
        candidates = [x for x in (t, deadline) if x is not None]
        return min(candidates) if candidates else None

    if run.phase == Phase.PENDING:
        if scenario.stuck_pending or not fits:
            return soonest(None)
        run.scheduled_at = now
        _set(run, Phase.STARTING)
    if run.phase == Phase.STARTING:
        assert run.scheduled_at is not None
        if scenario.image_pull_backoff:
            return soonest(None)
        ready = run.scheduled_at + timing.initializing_seconds
        if now < ready:
            return soonest(ready)
        run.running_at = ready
        _set(run, Phase.RUNNING)
    if run.phase == Phase.RUNNING:
        assert run.running_at is not None
        length = scenario.run_seconds if scenario.run_seconds is not None else (
            timing.running_seconds)
        done = run.running_at + length
        if now < done:
            return soonest(done)
        if scenario.outcome == "Succeeded":
            run.finished_at = done
            _set(run, Phase.SUCCEEDED)
        else:
            run.failed_attempts += 1
            run.changed = True
            if run.failed_attempts <= policy.backoff_limit:  # attempts that failed, not started
                run.attempt += 1
                run.scheduled_at = run.running_at = None
                _set(run, Phase.PENDING)
                return advance(run, policy, scenario, timing, now, fits)
            run.finished_at = done
            _set(run, Phase.FAILED)
        return advance(run, policy, scenario, timing, now, fits)
    return soonest(None)


def fail_attempt(run: Run, policy: RunPolicy, now: float, *, retry: bool, counts: bool = True,
                 fail_now: bool = False) -> None:
    """The current attempt's pods failed now (a fault, not the scenario's timeline).

    ``retry``: the controller would start another attempt (within ``backoffLimit`` when
    ``counts``); ``fail_now``: the job fails at once (a podFailurePolicy FailJob rule).
    """
    if counts:
        run.failed_attempts += 1
    run.changed = True
    budget = run.failed_attempts <= policy.backoff_limit if counts else True
    if retry and budget and not fail_now:
        run.attempt += 1
        run.scheduled_at = run.running_at = None
        _set(run, Phase.PENDING)
        return
    run.finished_at = now
    _set(run, Phase.FAILED)
