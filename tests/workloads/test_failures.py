"""Failure classification (app/workloads/failures.py) with plain status dicts, plus every
RayJob / Kubeflow status in Karmada's third-party interpreter testdata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from app.workloads.failures import (
    Cause,
    Failure,
    FailureKind,
    MemberHealth,
    classify,
    classify_member,
    pod_disruption,
)
from tests.support.crd import reference_path

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
GRACE = timedelta(seconds=60)
INFRA, APP, DEADLINE, NONE = (
    FailureKind.INFRASTRUCTURE,
    FailureKind.APPLICATION,
    FailureKind.DEADLINE,
    FailureKind.NONE,
)


def cond(kind: str, reason: str = "", message: str = "", status: str = "True") -> dict[str, Any]:
    return {"type": kind, "status": status, "reason": reason, "message": message}


def pod(
    *,
    disruption: str | None = None,
    exit_code: int | None = None,
    term_reason: str = "Error",
    pod_reason: str | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {"phase": "Failed", "conditions": []}
    if disruption is not None:
        status["conditions"].append(cond("DisruptionTarget", disruption, f"by {disruption}"))
    if pod_reason is not None:
        status["reason"] = pod_reason
    if exit_code is not None:
        status["containerStatuses"] = [
            {
                "name": "main",
                "state": {"terminated": {"exitCode": exit_code, "reason": term_reason}},
            }
        ]
    return {"metadata": {"name": "p-0"}, "status": status}


# --- RayJob (ray-operator/apis/ray/v1/rayjob_types.go) ------------------------------------------

RAYJOB_CASES = [
    ("running", {"jobDeploymentStatus": "Running", "jobStatus": "RUNNING"}, NONE, Cause.NONE),
    ("retrying", {"jobDeploymentStatus": "Retrying"}, NONE, Cause.NONE),
    ("complete", {"jobDeploymentStatus": "Complete", "jobStatus": "SUCCEEDED"}, NONE, Cause.NONE),
    (
        "deadline",
        {"jobDeploymentStatus": "Failed", "jobStatus": "RUNNING", "reason": "DeadlineExceeded"},
        DEADLINE,
        Cause.DEADLINE_EXCEEDED,
    ),
    (
        "app failed with exit code",
        {
            "jobDeploymentStatus": "Failed",
            "jobStatus": "FAILED",
            "reason": "AppFailed",
            "message": "Job entrypoint command failed with exit code 3",
        },
        APP,
        Cause.EXIT_CODE,
    ),
    (
        "app failed without code",
        {"jobDeploymentStatus": "Failed", "jobStatus": "FAILED", "reason": "AppFailed"},
        APP,
        Cause.FRAMEWORK_FAILED,
    ),
    (
        "submission failed",
        {"jobDeploymentStatus": "Failed", "reason": "SubmissionFailed"},
        APP,
        Cause.FRAMEWORK_FAILED,
    ),
    (
        "validation failed",
        {"jobDeploymentStatus": "ValidationFailed", "reason": "ValidationFailed"},
        APP,
        Cause.VALIDATION_FAILED,
    ),
    (
        "job status failed before the deployment status (kuberay#2314)",
        {"jobDeploymentStatus": "Running", "jobStatus": "FAILED"},
        APP,
        Cause.FRAMEWORK_FAILED,
    ),
]


@pytest.mark.parametrize(
    ("status", "kind", "cause"),
    [pytest.param(s, k, c, id=name) for name, s, k, c in RAYJOB_CASES],
)
def test_rayjob(status: dict[str, Any], kind: FailureKind, cause: Cause) -> None:
    failure = classify("RayJob", status)
    assert (failure.kind, failure.cause) == (kind, cause)


# --- Kubeflow (training-operator common_types.go, mpi-operator v2beta1) --------------------------

KUBEFLOW_CASES = [
    ("running", [cond("Created"), cond("Running")], NONE, Cause.NONE),
    ("restarting", [cond("Running"), cond("Restarting", "PyTorchJobRestarting")], NONE, Cause.NONE),
    ("succeeded", [cond("Succeeded", "PyTorchJobSucceeded")], NONE, Cause.NONE),
    (
        "failed",
        [cond("Failed", "PyTorchJobFailed", "1 Worker replica(s) failed.")],
        APP,
        Cause.FRAMEWORK_FAILED,
    ),
    (
        "training-operator deadline",
        [
            cond(
                "Failed",
                "PyTorchJobFailed",
                "Job j has failed because it was active longer than specified deadline",
            )
        ],
        DEADLINE,
        Cause.DEADLINE_EXCEEDED,
    ),
    (
        "mpi-operator deadline",
        [cond("Failed", "DeadlineExceeded")],
        DEADLINE,
        Cause.DEADLINE_EXCEEDED,
    ),
    ("failed condition False", [cond("Failed", "x", status="False")], NONE, Cause.NONE),
]


@pytest.mark.parametrize("kind_name", ["PyTorchJob", "TFJob", "JAXJob", "MPIJob"])
@pytest.mark.parametrize(
    ("conditions", "kind", "cause"),
    [pytest.param(c, k, ca, id=name) for name, c, k, ca in KUBEFLOW_CASES],
)
def test_kubeflow(
    kind_name: str, conditions: list[dict[str, Any]], kind: FailureKind, cause: Cause
) -> None:
    status = {"conditions": conditions, "replicaStatuses": {"Worker": {"failed": 1}}}
    failure = classify(kind_name, status)
    assert (failure.kind, failure.cause) == (kind, cause)
    if kind is APP:
        assert "Worker 1 failed" in failure.detail


# --- batch/v1 Job (k8s.io/api batch/v1/types.go) ------------------------------------------------

BATCH_CASES = [
    ("active", {"active": 1}, NONE, Cause.NONE),
    ("complete", {"conditions": [cond("SuccessCriteriaMet"), cond("Complete")]}, NONE, Cause.NONE),
    (
        "deadline",
        {
            "conditions": [
                cond("FailureTarget", "DeadlineExceeded"),
                cond("Failed", "DeadlineExceeded"),
            ]
        },
        DEADLINE,
        Cause.DEADLINE_EXCEEDED,
    ),
    (
        "backoff limit",
        {"conditions": [cond("Failed", "BackoffLimitExceeded")]},
        APP,
        Cause.EXIT_CODE,
    ),
    (
        "only FailureTarget, as on the binding (karmada#7844)",
        {"conditions": [cond("FailureTarget", "BackoffLimitExceeded")]},
        APP,
        Cause.EXIT_CODE,
    ),
    ("failed indexes", {"conditions": [cond("Failed", "FailedIndexes")]}, APP, Cause.EXIT_CODE),
    (
        "pod failure policy on exit code",
        {
            "conditions": [
                cond(
                    "Failed",
                    "PodFailurePolicy",
                    "Container main for pod default/j-x failed with exit code 42 matching "
                    "FailJob rule at index 0",
                )
            ]
        },
        APP,
        Cause.EXIT_CODE,
    ),
    (
        "pod failure policy on DisruptionTarget",
        {
            "conditions": [
                cond(
                    "Failed",
                    "PodFailurePolicy",
                    "Pod default/j-x has condition DisruptionTarget matching FailJob rule at "
                    "index 0",
                )
            ]
        },
        INFRA,
        Cause.POD_DISRUPTED,
    ),
]


@pytest.mark.parametrize(
    ("status", "kind", "cause"),
    [pytest.param(s, k, c, id=name) for name, s, k, c in BATCH_CASES],
)
def test_batchjob(status: dict[str, Any], kind: FailureKind, cause: Cause) -> None:
    failure = classify("Job", status)
    assert (failure.kind, failure.cause) == (kind, cause)


# --- pods: DisruptionTarget vs exit codes (k8s.io/api core/v1) -----------------------------------

FAILED_STATUS: dict[str, dict[str, Any]] = {
    "RayJob": {"jobDeploymentStatus": "Failed", "jobStatus": "FAILED", "reason": "AppFailed"},
    "PyTorchJob": {"conditions": [cond("Failed", "PyTorchJobFailed")]},
    "MPIJob": {"conditions": [cond("Failed", "MPIJobFailed")]},
    "Job": {"conditions": [cond("Failed", "BackoffLimitExceeded")]},
}

POD_CASES = [
    ("preempted", pod(disruption="PreemptionByScheduler", exit_code=143), INFRA, Cause.PREEMPTED),
    ("evicted", pod(disruption="EvictionByEvictionAPI", exit_code=143), INFRA, Cause.POD_EVICTED),
    ("kubelet", pod(disruption="TerminationByKubelet", exit_code=137), INFRA, Cause.POD_EVICTED),
    ("taint manager", pod(disruption="DeletionByTaintManager"), INFRA, Cause.NODE_LOST),
    ("pod gc", pod(disruption="DeletionByPodGC"), INFRA, Cause.NODE_LOST),
    ("unknown disruption", pod(disruption="SomethingNew"), INFRA, Cause.POD_DISRUPTED),
    ("old kubelet eviction", pod(pod_reason="Evicted", exit_code=137), INFRA, Cause.POD_EVICTED),
    ("exit code", pod(exit_code=2), APP, Cause.EXIT_CODE),
    ("oom", pod(exit_code=137, term_reason="OOMKilled"), APP, Cause.OOM_KILLED),
]


@pytest.mark.parametrize("kind_name", sorted(FAILED_STATUS))
@pytest.mark.parametrize(
    ("the_pod", "kind", "cause"),
    [pytest.param(p, k, c, id=name) for name, p, k, c in POD_CASES],
)
def test_pods_decide_a_failed_workload(
    kind_name: str, the_pod: dict[str, Any], kind: FailureKind, cause: Cause
) -> None:
    failure = classify(kind_name, FAILED_STATUS[kind_name], pods=[pod(), the_pod])
    assert (failure.kind, failure.cause) == (kind, cause)
    assert "p-0" in failure.detail


def test_a_deadline_is_a_deadline_even_when_pods_were_disrupted() -> None:
    status = {"conditions": [cond("Failed", "DeadlineExceeded")]}
    failure = classify("Job", status, pods=[pod(disruption="PreemptionByScheduler")])
    assert failure.kind is DEADLINE


def test_a_disrupted_pod_of_a_running_workload_is_the_operators_to_retry() -> None:
    failure = classify("Job", {"active": 1}, pods=[pod(disruption="PreemptionByScheduler")])
    assert failure == Failure(NONE, Cause.NONE)


def test_a_missing_workload_was_deleted_behind_our_back() -> None:
    failure = classify("RayJob", None)
    assert (failure.kind, failure.cause) == (INFRA, Cause.WORKLOAD_DELETED)


def test_no_pods_no_disruption() -> None:
    assert pod_disruption([]) is None
    assert (
        pod_disruption([{"status": {"conditions": [cond("DisruptionTarget", status="False")]}}])
        is None
    )


# --- member health (Karmada Cluster Ready) ------------------------------------------------------


def cluster(status: str, reason: str, since: datetime) -> dict[str, Any]:
    return {
        "metadata": {"name": "member1"},
        "status": {
            "conditions": [
                {
                    "type": "Ready",
                    "status": status,
                    "reason": reason,
                    "lastTransitionTime": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            ]
        },
    }


MEMBER_CASES = [
    ("ready", MemberHealth.from_cluster(cluster("True", "ClusterReady", NOW)), NONE, Cause.NONE),
    (
        "not ready past grace",
        MemberHealth.from_cluster(cluster("False", "ClusterNotReady", NOW - 2 * GRACE)),
        INFRA,
        Cause.MEMBER_NOT_READY,
    ),
    (
        "not ready past grace, still sending heartbeats",
        MemberHealth.from_cluster(
            cluster("False", "ClusterNotReady", NOW - 2 * GRACE), last_heartbeat=NOW
        ),
        INFRA,
        Cause.MEMBER_NOT_READY,
    ),
    (
        "not ready within grace",
        MemberHealth.from_cluster(cluster("False", "ClusterNotReady", NOW - GRACE / 2)),
        NONE,
        Cause.NONE,
    ),
    (
        "not reachable past grace",
        MemberHealth.from_cluster(cluster("False", "ClusterNotReachable", NOW - 2 * GRACE)),
        INFRA,
        Cause.MEMBER_UNREACHABLE,
    ),
    (
        "unknown past grace",
        MemberHealth.from_cluster(cluster("Unknown", "", NOW - 2 * GRACE)),
        INFRA,
        Cause.MEMBER_UNREACHABLE,
    ),
    (
        "proxy fails, silent past grace, Karmada still says Ready",
        MemberHealth.from_cluster(
            cluster("True", "ClusterReady", NOW - 10 * GRACE),
            reachable=False,
            last_heartbeat=NOW - 2 * GRACE,
        ),
        INFRA,
        Cause.MEMBER_UNREACHABLE,
    ),
    (
        "proxy fails, heard from recently",
        MemberHealth.from_cluster(
            cluster("True", "ClusterReady", NOW), reachable=False, last_heartbeat=NOW - GRACE / 2
        ),
        NONE,
        Cause.NONE,
    ),
    (
        "proxy fails, never heard from",
        MemberHealth.from_cluster(cluster("True", "ClusterReady", NOW), reachable=False),
        NONE,
        Cause.NONE,
    ),
    (
        "Cluster object gone",
        MemberHealth.from_cluster(None, name="member9"),
        INFRA,
        Cause.MEMBER_UNREACHABLE,
    ),
    (
        "Cluster never probed",
        MemberHealth.from_cluster({"metadata": {"name": "m"}}),
        NONE,
        Cause.NONE,
    ),
]


@pytest.mark.parametrize(
    ("health", "kind", "cause"),
    [pytest.param(h, k, c, id=name) for name, h, k, c in MEMBER_CASES],
)
def test_member(health: MemberHealth, kind: FailureKind, cause: Cause) -> None:
    failure = classify_member(health, NOW, GRACE)
    assert (failure.kind, failure.cause) == (kind, cause)


def test_a_member_fails_a_running_workload_but_not_a_finished_one() -> None:
    down = MemberHealth.from_cluster(cluster("False", "ClusterNotReachable", NOW - 2 * GRACE))
    running = {"jobDeploymentStatus": "Running", "jobStatus": "RUNNING"}
    done = {"jobDeploymentStatus": "Complete", "jobStatus": "SUCCEEDED"}
    assert classify("RayJob", running, member=down, now=NOW, grace=GRACE).cause is (
        Cause.MEMBER_UNREACHABLE
    )
    assert classify("RayJob", done, member=down, now=NOW, grace=GRACE).kind is NONE


# --- upstream: Karmada's third-party interpreter testdata ----------------------------------------

TESTDATA = {
    "RayJob": "karmada-thirdparty/ray.io/v1/RayJob/testdata",
    "PyTorchJob": "karmada-thirdparty/kubeflow.org/v1/PyTorchJob/testdata",
    "TFJob": "karmada-thirdparty/kubeflow.org/v1/TFJob/testdata",
    "MPIJob": "karmada-thirdparty/kubeflow.org/v2beta1/MPIJob/testdata",
}


def _statuses() -> list[Any]:
    """Every status object in the testdata: observed objects, status items, outputs."""
    out = []
    for kind, folder in TESTDATA.items():
        for path in sorted(reference_path(folder).glob("*.yaml")):
            for doc in yaml.safe_load_all(path.read_text()):
                if not doc:
                    continue
                found = [(doc.get("observedObj") or {}).get("status")]
                found += [i.get("status") for i in doc.get("statusItems") or []]
                found.append(
                    ((doc.get("output") or {}).get("aggregatedStatus") or {}).get("status")
                )
                for n, status in enumerate(s for s in found if isinstance(s, dict)):
                    out.append(
                        pytest.param(kind, status, id=f"{kind}/{path.name}::{doc['name']}#{n}")
                    )
    return out


def _upstream_failed(kind: str, status: dict[str, Any]) -> bool:
    """An oracle independent of the classifier: the fields the upstream types call failure."""
    if kind == "RayJob":
        return status.get("jobStatus") == "FAILED" or status.get("jobDeploymentStatus") in (
            "Failed",
            "ValidationFailed",
        )
    return any(
        c.get("type") == "Failed" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )


@pytest.mark.parametrize(("kind", "status"), _statuses())
def test_upstream_testdata_statuses(kind: str, status: dict[str, Any]) -> None:
    failure = classify(kind, status)
    # Without pods or member health nothing points at the infrastructure, and no testdata
    # status carries a deadline.
    expected = APP if _upstream_failed(kind, status) else NONE
    assert failure.kind is expected, failure


RAYJOB_HEALTH_CASES = {
    "RayJob is unhealthy - failed deployment": Cause.FRAMEWORK_FAILED,
    "RayJob is unhealthy - validation failed": Cause.VALIDATION_FAILED,
    "RayJob is unhealthy - job failed": Cause.EXIT_CODE,
    "RayJob is unhealthy - job stopped": Cause.NONE,
    "RayJob is unhealthy - retrying": Cause.NONE,
    "RayJob is healthy - completed successfully": Cause.NONE,
}


def test_upstream_rayjob_health_cases_by_name() -> None:
    path = reference_path(TESTDATA["RayJob"]) / "interprethealth-test.yaml"
    docs = {d["name"]: d for d in yaml.safe_load_all(path.read_text()) if d}
    for name, cause in RAYJOB_HEALTH_CASES.items():
        status = docs[name]["observedObj"]["status"]
        assert classify("RayJob", status).cause is cause, name
