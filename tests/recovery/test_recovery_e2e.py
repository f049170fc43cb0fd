"""The recovery loop end to end (issue 19): a real server, PostgreSQL and the simulator over
sockets. Each failure kind, for each workload kind the simulator runs: the job recovers on
the other member, its history shows each attempt with its cause, its final phase is right,
and two attempts never run at once on members that answer (tests/recovery/support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.workloads import kind_by_name, object_name_for
from tests.recovery.support import (
    KINDS,
    AttemptWatch,
    create,
    job,
    job_body,
    recovery_platform,
    running_on,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e

#: Fast recovery for tests: members are failed over after 0.5 s.
POLICY = {"memberGraceSeconds": 0.5}


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with recovery_platform(make_platform, "rec-") as running:
        yield running


def watch_of(platform: Platform, job_id: str, kind: str) -> AttemptWatch:
    return AttemptWatch(platform, {job_id: object_name_for(job_id, kind_by_name(kind))})


def other(cluster: str) -> str:
    return "member2" if cluster == "member1" else "member1"


def disrupt(platform: Platform, fault: str, cluster: str, name: str, **extra: Any) -> None:
    answer = platform.sim_request("POST", "/_sim/disruptions", json={
        "type": fault, "cluster": cluster, "namespace": "default", "name": name, **extra})
    assert answer.status_code == 201, answer.text


def fail_member(platform: Platform, fault: str, cluster: str) -> None:
    body = {"ready": False} if fault == "NotReady" else {"reachable": False}
    answer = platform.sim_request("POST", f"/_sim/clusters/{cluster}", json=body)
    assert answer.status_code == 200, answer.text


def delete_behind_our_back(platform: Platform, kind: str, name: str) -> None:
    workload = kind_by_name(kind)
    group = f"/apis/{workload.group}/{workload.version}" if workload.group else "/api/v1"
    answer = platform.sim_request(
        "DELETE", f"{group}/namespaces/default/{workload.plural}/{name}")
    assert answer.status_code in (200, 202), answer.text


#: fault -> the cause the first attempt must end with.
FAULTS = {
    "Evict": "PodEvicted",
    "Preempt": "Preempted",
    "NodeLost": "NodeLost",
    "WorkloadDeleted": "WorkloadDeleted",
    "NotReady": "MemberNotReady",
    "Unreachable": "MemberUnreachable",
}


def inflict(platform: Platform, fault: str, kind: str, cluster: str, name: str) -> None:
    if fault in ("NotReady", "Unreachable"):
        fail_member(platform, fault, cluster)
    elif fault == "WorkloadDeleted":
        delete_behind_our_back(platform, kind, name)
    elif fault == "NodeLost":
        workloads = platform.sim_request("GET", f"/_sim/clusters/{cluster}/workloads").json()
        assert any(w["name"] == name for w in workloads["workloads"]), workloads
        disrupt(platform, "NodeLost", cluster, name)
    else:
        disrupt(platform, fault, cluster, name)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("algorithm", list(KINDS))
def test_an_infrastructure_failure_recovers_on_the_other_member(
    platform: Platform, algorithm: str, fault: str
) -> None:
    kind = KINDS[algorithm]
    job_id = create(platform, job_body(algorithm, f"rec-{fault.lower()}", recoveryPolicy={
        **POLICY, "checkpointUri": "s3://ckpt/run-1"}))
    with watch_of(platform, job_id, kind).watching() as watch:
        first = running_on(platform, job_id)
        name = job(platform, job_id)["objectName"]
        inflict(platform, fault, kind, first, name)
        second = running_on(platform, job_id, attempt=2)
        assert second == other(first)
        state = job(platform, job_id)
        assert state["objectName"] == f"{name}-a2"
        assert [(a["number"], a["cluster"], a["phase"], a["reason"])
                for a in state["attempts"]] == [
            (1, first, "FAILED", FAULTS[fault]),
            (2, second, "RUNNING", "Running"),
        ], state["attempts"]
        assert state["attempts"][0]["endedAt"] is not None
        recovering = [e for e in state["events"] if e["reason"] == "RECOVERING"]
        assert len(recovering) == 1, state["events"]
        assert FAULTS[fault] in recovering[0]["message"]
        assert (recovering[0]["actor"], recovering[0]["cluster"]) == ("recovery", first)
        sequences = [e["sequence"] for e in state["events"]]
        assert sequences == list(range(1, len(sequences) + 1))
        # The new attempt is told which attempt it is and where to resume from.
        env = attempt_env(platform, kind, f"{name}-a2")
        assert (env.get("ATTEMPT"), env.get("CHECKPOINT_URI")) == ("2", "s3://ckpt/run-1")
    assert (job_id, f"{name}-a2", second) in watch.seen


def attempt_env(platform: Platform, kind: str, name: str) -> dict[str, str]:
    workload = kind_by_name(kind)
    group = f"/apis/{workload.group}/{workload.version}" if workload.group else "/api/v1"
    answer = platform.sim_request("GET", f"{group}/namespaces/default/{workload.plural}/{name}")
    assert answer.status_code == 200, answer.text
    env: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("env"), list):
                for item in node["env"]:
                    if "value" in item:
                        env.setdefault(item["name"], item["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer.json()["spec"])
    return env


@pytest.mark.parametrize("retry_application", [True, False])
@pytest.mark.parametrize("algorithm", list(KINDS))
def test_an_application_failure_is_retried_only_when_asked(
    platform: Platform, algorithm: str, retry_application: bool
) -> None:
    kind = KINDS[algorithm]
    job_id = create(platform, job_body(algorithm, "rec-app", recoveryPolicy={
        **POLICY, "retryApplication": retry_application}))
    with watch_of(platform, job_id, kind).watching():
        first = running_on(platform, job_id)
        name = job(platform, job_id)["objectName"]
        # Exit code 3: no operator retries it (training-operator's retryable codes are 130+).
        disrupt(platform, "AppFailure", first, name, exitCode=3)
        if retry_application:
            second = running_on(platform, job_id, attempt=2)
            assert second == other(first)
            attempts = job(platform, job_id)["attempts"]
            assert [(a["number"], a["phase"]) for a in attempts] == [
                (1, "FAILED"), (2, "RUNNING")]
            assert attempts[0]["reason"] in ("ExitCode", "FrameworkFailed"), attempts
        else:
            state = wait_for(lambda: (s := job(platform, job_id))["phase"] == "FAILED" and s,
                             timeout=60, what="the job to fail")
            assert state["attempt"] == 1
            assert [(a["number"], a["phase"]) for a in state["attempts"]] == [(1, "FAILED")]
            assert not [e for e in state["events"] if e["reason"] == "RECOVERING"]
