"""How each simulated controller reacts to a failed pod (karmada_sim/members/disruption.py)."""

from __future__ import annotations

from typing import Any

import pytest

from karmada_sim.members.disruption import (
    Disruption,
    batch_outcome,
    kubeflow_outcome,
    rayjob_outcome,
)


def fault(type_: str, exit_code: int | None = None) -> Disruption:
    return Disruption.make(type_, 0, frozenset({"p"}), 0.0, exit_code=exit_code)


def job(*rules: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"backoffLimit": 2}
    if rules:
        spec["podFailurePolicy"] = {"rules": list(rules)}
    return {"metadata": {"name": "j", "namespace": "ns"}, "spec": spec}


ON_DISRUPTION = {"onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}


@pytest.mark.parametrize(
    ("obj", "the_fault", "retry", "counts", "fail_now", "reason"),
    [
        (job(), fault("Evict"), True, True, False, None),
        (job({"action": "FailJob", **ON_DISRUPTION}), fault("Preempt"), False, True, True,
         "PodFailurePolicy"),
        (job({"action": "Ignore", **ON_DISRUPTION}), fault("NodeLost"), True, False, False, None),
        # A condition rule does not match an app failure (no DisruptionTarget) ...
        (job({"action": "FailJob", **ON_DISRUPTION}), fault("AppFailure", 3), True, True, False,
         None),
        # ... an exit-code rule does, first match wins.
        (job({"action": "Count", "onExitCodes": {"operator": "In", "values": [1]}},
             {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [3]}}),
         fault("AppFailure", 3), False, True, True, "PodFailurePolicy"),
        (job({"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [143]}}),
         fault("Evict"), True, True, False, None),
    ],
)
def test_job_controller(obj: dict[str, Any], the_fault: Disruption, retry: bool, counts: bool,
                        fail_now: bool, reason: str | None) -> None:
    outcome = batch_outcome(obj, the_fault, "p", "main")
    assert (outcome.retry, outcome.counts, outcome.fail_now, outcome.reason) == (
        retry, counts, fail_now, reason)
    if reason:
        assert outcome.message is not None and outcome.message.endswith("rule at index " + (
            "1" if len(obj["spec"]["podFailurePolicy"]["rules"]) == 2 else "0"))


@pytest.mark.parametrize(
    ("restart", "the_fault", "retry"),
    [
        ("Never", fault("Evict"), False),
        ("OnFailure", fault("AppFailure", 1), True),
        ("Always", fault("Preempt"), True),
        ("ExitCode", fault("Evict"), True),  # 143 is retryable
        ("ExitCode", fault("AppFailure", 2), False),
        ("ExitCode", fault("AppFailure", 130), True),
        ("ExitCode", fault("AppFailure", 139), False),  # SIGSEGV is permanent
    ],
)
def test_training_operator(restart: str, the_fault: Disruption, retry: bool) -> None:
    obj = {"spec": {"pytorchReplicaSpecs": {"Worker": {"restartPolicy": restart}}}}
    assert kubeflow_outcome(obj, "pytorchReplicaSpecs", "Worker", the_fault).retry is retry


def test_kuberay_reasons() -> None:
    assert rayjob_outcome(fault("AppFailure", 4)).reason == "AppFailed"
    assert "exit code 4" in (rayjob_outcome(fault("AppFailure", 4)).message or "")
    assert rayjob_outcome(fault("NodeLost")).reason == "SubmissionFailed"
