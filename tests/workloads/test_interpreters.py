"""Status interpreters against Karmada's interpreter testdata, the composed RayJob example,
and the known traps (each named after its upstream issue)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from app.jobstate.phases import Phase, Reason
from app.workloads import (
    BATCHJOB,
    JAXJOB,
    MPIJOB,
    PYTORCHJOB,
    RAYJOB,
    TFJOB,
    WorkloadKind,
    interpret_batchjob_status,
    interpret_jaxjob_status,
    interpret_pytorchjob_status,
    interpret_rayjob_status,
    interpret_status,
)
from tests.support.crd import reference_path

THIRDPARTY = "karmada-thirdparty"


def load(relative: str) -> list[dict[str, Any]]:
    with reference_path(relative).open() as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def binding(
    items: list[dict[str, Any]],
    clusters: list[str] | None = None,
    scheduled: bool = True,
    message: str = "",
) -> dict[str, Any]:
    """A ResourceBinding in the shape Karmada writes (see the composed RB example)."""
    placed = clusters if clusters is not None else [i["clusterName"] for i in items]
    condition = {
        "type": "Scheduled",
        "status": "True" if scheduled else "False",
        "reason": "Success" if scheduled else "NoClusterFit",
        "message": message,
    }
    return {
        "apiVersion": "work.karmada.io/v1alpha2",
        "kind": "ResourceBinding",
        "spec": {"clusters": [{"name": c} for c in placed]},
        "status": {"conditions": [condition], "aggregatedStatus": items},
    }


def item(cluster: str, status: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"clusterName": cluster, "applied": True}
    if status is not None:
        out["status"] = status
    return out


# --- Karmada aggregatestatus testdata: template = Karmada's aggregated object, binding =
# --- the statusItems it was aggregated from ----------------------------------------------

AGGREGATE_EXPECTED: dict[tuple[str, str], tuple[Phase, Reason, dict[str, str]]] = {
    ("ray.io/v1/RayJob", "RayJob with two status items"): (
        Phase.RUNNING,
        Reason.RUNNING,
        {"member1": "RUNNING", "member2": "RUNNING"},
    ),
    ("ray.io/v1/RayJob", "RayJob with single status item"): (
        Phase.SUCCEEDED,
        Reason.COMPLETED,
        {"member1": "SUCCEEDED"},
    ),
    ("ray.io/v1/RayJob", "RayJob with mixed statuses"): (
        Phase.FAILED,
        Reason.APP_FAILED,
        {"member1": "FAILED", "member2": "RUNNING", "member3": "PENDING"},
    ),
    ("ray.io/v1/RayJob", "RayJob with retrying status"): (
        Phase.STOPPED,
        Reason.STOPPED_BY_USER,
        {"member1": "STOPPED", "member2": "RUNNING", "member3": "PENDING"},
    ),
    ("kubeflow.org/v1/PyTorchJob", "PyTorchJob with empty status items"): (
        Phase.PENDING,
        Reason.SCHEDULING,
        {},
    ),
    ("kubeflow.org/v1/PyTorchJob", "PyTorchJob with two status items"): (
        Phase.SUCCEEDED,
        Reason.COMPLETED,
        {"member1": "SUCCEEDED", "member2": "SUCCEEDED"},
    ),
    ("kubeflow.org/v1/PyTorchJob", "PyTorchJob with failed cluster"): (
        Phase.FAILED,
        Reason.APP_FAILED,
        {"member1": "SUCCEEDED", "member2": "FAILED"},
    ),
    ("kubeflow.org/v1/PyTorchJob", "PyTorchJob with partial success"): (
        Phase.RUNNING,
        Reason.RUNNING,
        {"member1": "SUCCEEDED", "member2": "RUNNING"},
    ),
    ("kubeflow.org/v1/TFJob", "TFJob with nil status items"): (
        Phase.PENDING,
        Reason.SCHEDULING,
        {},
    ),
    ("kubeflow.org/v1/TFJob", "TFJob with two status items (both succeeded)"): (
        Phase.SUCCEEDED,
        Reason.COMPLETED,
        {"member1": "SUCCEEDED", "member2": "SUCCEEDED"},
    ),
    ("kubeflow.org/v1/TFJob", "TFJob with failed cluster"): (
        Phase.FAILED,
        Reason.APP_FAILED,
        {"member1": "SUCCEEDED", "member2": "FAILED"},
    ),
    ("kubeflow.org/v1/TFJob", "TFJob with partial success"): (
        Phase.RUNNING,
        Reason.RUNNING,
        {"member1": "SUCCEEDED", "member2": "RUNNING"},
    ),
    ("kubeflow.org/v1/TFJob", "TFJob with multiple replica types"): (
        Phase.SUCCEEDED,
        Reason.COMPLETED,
        {"member1": "SUCCEEDED", "member2": "SUCCEEDED"},
    ),
    ("kubeflow.org/v2beta1/MPIJob", "MPIJob with empty status items"): (
        Phase.PENDING,
        Reason.SCHEDULING,
        {},
    ),
    ("kubeflow.org/v2beta1/MPIJob", "MPIJob with three status items"): (
        Phase.FAILED,
        Reason.APP_FAILED,
        {"member1": "RUNNING", "member2": "FAILED", "member3": "RUNNING"},
    ),
    ("kubeflow.org/v2beta1/MPIJob", "MPIJob with failed cluster"): (
        Phase.FAILED,
        Reason.APP_FAILED,
        {"member1": "SUCCEEDED", "member2": "FAILED"},
    ),
    ("kubeflow.org/v2beta1/MPIJob", "MPIJob with partial success"): (
        Phase.RUNNING,
        Reason.RUNNING,
        {"member1": "SUCCEEDED", "member2": "RUNNING"},
    ),
    ("kubeflow.org/v2beta1/MPIJob", "MPIJob with single status item"): (
        Phase.SUCCEEDED,
        Reason.COMPLETED,
        {"member1": "SUCCEEDED"},
    ),
}
KINDS = {"RayJob": RAYJOB, "PyTorchJob": PYTORCHJOB, "TFJob": TFJOB, "MPIJob": MPIJOB}


def aggregate_cases() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for directory in (
        "ray.io/v1/RayJob",
        "kubeflow.org/v1/PyTorchJob",
        "kubeflow.org/v1/TFJob",
        "kubeflow.org/v2beta1/MPIJob",
    ):
        for doc in load(f"{THIRDPARTY}/{directory}/testdata/aggregatestatus-test.yaml"):
            cases.append((directory, doc["name"], doc))
    return cases


AGGREGATE_CASES = aggregate_cases()


def test_every_aggregate_case_has_an_expectation() -> None:
    assert {(d, n) for d, n, _ in AGGREGATE_CASES} == set(AGGREGATE_EXPECTED)


@pytest.mark.parametrize(
    ("directory", "name", "doc"),
    AGGREGATE_CASES,
    ids=[f"{d.rsplit('/', 1)[1]}: {n}" for d, n, _ in AGGREGATE_CASES],
)
def test_karmada_aggregate_testdata(directory: str, name: str, doc: dict[str, Any]) -> None:
    kind = KINDS[directory.rsplit("/", 1)[1]]
    output = doc.get("output") or {}
    template = output.get("aggregatedStatus") or doc["desiredObj"]
    items = doc.get("statusItems") or []
    result = interpret_status(kind, template, binding(items))
    phase, reason, distribution = AGGREGATE_EXPECTED[(directory, name)]
    assert (result.phase, result.reason) == (phase, reason)
    assert dict(result.cluster_distribution) == distribution
    assert result.clusters == tuple(i["clusterName"] for i in items)


def test_kubeflow_counts_are_summed_over_members_and_replica_types() -> None:
    doc = next(
        d
        for d, n, d2 in [(c[2], c[1], c) for c in AGGREGATE_CASES]
        if n == "TFJob with multiple replica types"
    )
    items = doc["statusItems"]
    expected = {"active": 0, "succeeded": 0, "failed": 0}
    for it in items:
        for replica in it["status"].get("replicaStatuses", {}).values():
            for key in expected:
                expected[key] += replica.get(key, 0)
    result = interpret_status(TFJOB, doc["output"]["aggregatedStatus"], binding(items))
    assert expected["succeeded"] > 0
    assert (result.active, result.succeeded, result.failed) == (
        expected["active"],
        expected["succeeded"],
        expected["failed"],
    )


# --- Karmada interprethealth testdata: one member's full status ---------------------------

HEALTH_EXPECTED: dict[str, tuple[Phase, Reason]] = {
    "RayJob is healthy - running": (Phase.RUNNING, Reason.RUNNING),
    "RayJob is healthy - completed successfully": (Phase.SUCCEEDED, Reason.COMPLETED),
    "RayJob is unhealthy - failed deployment": (Phase.FAILED, Reason.APP_FAILED),
    "RayJob is unhealthy - validation failed": (Phase.FAILED, Reason.SUBMISSION_FAILED),
    "RayJob is unhealthy - job failed": (Phase.FAILED, Reason.APP_FAILED),
    "RayJob is unhealthy - job stopped": (Phase.STOPPED, Reason.STOPPED_BY_USER),
    "RayJob is unhealthy - initializing": (Phase.PENDING, Reason.INITIALIZING),
    "RayJob is unhealthy - waiting": (Phase.PENDING, Reason.INITIALIZING),
    "RayJob is unhealthy - retrying": (Phase.RUNNING, Reason.RETRYING),
    "RayJob with no status": (Phase.PENDING, Reason.INITIALIZING),
}
for _kind in ("PyTorchJob", "TFJob", "MPIJob"):
    HEALTH_EXPECTED.update(
        {
            f"{_kind} with healthy status (no Failed condition)": (
                Phase.SUCCEEDED,
                Reason.COMPLETED,
            ),
            f"{_kind} with Failed condition should be unhealthy": (Phase.FAILED, Reason.APP_FAILED),
            f"{_kind} with nil/empty status should be unhealthy": (
                Phase.PENDING,
                Reason.INITIALIZING,
            ),
            f"{_kind} with Failed condition status False should be healthy": (
                Phase.RUNNING,
                Reason.RUNNING,
            ),
            f"{_kind} with multiple conditions including Failed should be unhealthy": (
                Phase.FAILED,
                Reason.APP_FAILED,
            ),
        }
    )
HEALTH_EXPECTED["MPIJob with empty conditions array should be unhealthy"] = (
    Phase.PENDING,
    Reason.INITIALIZING,
)


def health_cases() -> list[tuple[WorkloadKind, dict[str, Any]]]:
    cases = []
    for directory, kind in (
        ("ray.io/v1/RayJob", RAYJOB),
        ("kubeflow.org/v1/PyTorchJob", PYTORCHJOB),
        ("kubeflow.org/v1/TFJob", TFJOB),
        ("kubeflow.org/v2beta1/MPIJob", MPIJOB),
    ):
        for doc in load(f"{THIRDPARTY}/{directory}/testdata/interprethealth-test.yaml"):
            cases.append((kind, doc))
    return cases


HEALTH_CASES = health_cases()


@pytest.mark.parametrize(("kind", "doc"), HEALTH_CASES, ids=[d["name"] for _, d in HEALTH_CASES])
def test_karmada_health_testdata_as_a_member_status(
    kind: WorkloadKind, doc: dict[str, Any]
) -> None:
    observed = doc["observedObj"]
    template = {k: v for k, v in observed.items() if k != "status"}
    member = item("member1", observed.get("status") or None)
    result = interpret_status(kind, template, binding([member]))
    assert (result.phase, result.reason) == HEALTH_EXPECTED[doc["name"]]
    # Karmada's health verdict never contradicts ours: a healthy member is never FAILED.
    if (doc.get("output") or {}).get("healthy"):
        assert result.phase in (Phase.RUNNING, Phase.SUCCEEDED)


# --- the composed RayJob example (k8s-reference/examples) ---------------------------------


def test_rayjob_example_running_then_complete() -> None:
    running, complete = load("examples/rayjob-with-status.yaml")
    _, rb = load("examples/karmada-propagationpolicy-and-resourcebinding-rayjob.yaml")
    result = interpret_rayjob_status(running, rb)
    assert (result.phase, result.reason) == (Phase.RUNNING, Reason.RUNNING)
    assert result.clusters == ("member1",)
    assert dict(result.cluster_distribution) == {"member1": "RUNNING"}
    assert result.start_time == datetime(2025, 11, 22, 10, 0, 1, tzinfo=UTC)
    assert result.completion_time is None
    assert result.active == 1

    done_rb = copy.deepcopy(rb)
    done_rb["status"]["aggregatedStatus"][0]["status"] = complete["status"]
    result = interpret_rayjob_status(complete, done_rb)
    assert (result.phase, result.reason) == (Phase.SUCCEEDED, Reason.COMPLETED)
    assert result.completion_time == datetime(2025, 11, 22, 10, 1, 31, tzinfo=UTC)
    assert (result.active, result.succeeded, result.failed) == (0, 1, 0)


def test_rayjob_example_template_alone_before_members_report() -> None:
    running, _ = load("examples/rayjob-with-status.yaml")
    result = interpret_rayjob_status(running, binding([], clusters=["member1"]))
    assert (result.phase, result.reason) == (Phase.RUNNING, Reason.RUNNING)


# --- traps ---------------------------------------------------------------------------------


def rayjob(status: dict[str, Any] | None = None, suspend: bool = False) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "ray.io/v1",
        "kind": "RayJob",
        "metadata": {"name": "j", "namespace": "default"},
        "spec": {"suspend": suspend},
    }
    if status is not None:
        obj["status"] = status
    return obj


def test_kuberay_2314_job_status_running_but_deployment_failed_is_failed() -> None:
    status = {
        "jobStatus": "RUNNING",
        "jobDeploymentStatus": "Failed",
        "reason": "AppFailed",
        "message": "head pod gone",
    }
    result = interpret_rayjob_status(rayjob(status), binding([item("member1", status)]))
    assert (result.phase, result.reason, result.message) == (
        Phase.FAILED,
        Reason.APP_FAILED,
        "head pod gone",
    )


def test_rayjob_deadline_exceeded() -> None:
    status = {
        "jobStatus": "RUNNING",
        "jobDeploymentStatus": "Failed",
        "reason": "DeadlineExceeded",
        "message": "exceeded activeDeadlineSeconds",
        "endTime": "2025-11-22T11:00:00Z",
    }
    result = interpret_rayjob_status(rayjob(status), binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.FAILED, Reason.DEADLINE_EXCEEDED)
    assert result.completion_time == datetime(2025, 11, 22, 11, 0, tzinfo=UTC)


def test_rayjob_pre_running_deadline_exceeded() -> None:
    status = {"jobDeploymentStatus": "Failed", "reason": "PreRunningDeadlineExceeded"}
    result = interpret_rayjob_status(rayjob(status), binding([item("member1", status)]))
    assert result.reason == Reason.DEADLINE_EXCEEDED


@pytest.mark.parametrize(
    ("kind", "condition"),
    [
        (
            PYTORCHJOB,
            {
                "type": "Failed",
                "status": "True",
                "reason": "PyTorchJobFailed",
                "message": "PyTorchJob j is failed because it was active longer than "
                "specified deadline",
            },
        ),
        (
            MPIJOB,
            {
                "type": "Failed",
                "status": "True",
                "reason": "DeadlineExceeded",
                "message": "Job was active longer than specified deadline",
            },
        ),
        (TFJOB, {"type": "Failed", "status": "True", "reason": "DeadlineExceeded", "message": ""}),
    ],
)
def test_kubeflow_deadline_exceeded(kind: WorkloadKind, condition: dict[str, Any]) -> None:
    status = {"conditions": [{"type": "Running", "status": "False"}, condition]}
    template = {"apiVersion": kind.api_version, "kind": kind.kind, "status": status}
    result = interpret_status(kind, template, binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.FAILED, Reason.DEADLINE_EXCEEDED)


def test_batch_job_deadline_exceeded() -> None:
    status = {
        "failed": 1,
        "conditions": [
            {
                "type": "Failed",
                "status": "True",
                "reason": "DeadlineExceeded",
                "message": "Job was active longer than specified deadline",
            }
        ],
    }
    result = interpret_batchjob_status({"status": status}, binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.FAILED, Reason.DEADLINE_EXCEEDED)


def test_karmada_7844_failed_member_job_wins_over_the_template() -> None:
    # The template never reaches Failed; the member's reflected status says it did.
    template = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "spec": {"suspend": False},
        "status": {"active": 0, "failed": 1, "startTime": "2025-11-22T10:00:00Z"},
    }
    member = {
        "failed": 1,
        "startTime": "2025-11-22T10:00:00Z",
        "conditions": [
            {
                "type": "Failed",
                "status": "True",
                "reason": "BackoffLimitExceeded",
                "message": "Job has reached the specified backoff limit",
                "lastTransitionTime": "2025-11-22T10:05:00Z",
            }
        ],
    }
    result = interpret_batchjob_status(template, binding([item("member1", member)]))
    assert (result.phase, result.reason) == (Phase.FAILED, Reason.APP_FAILED)
    assert result.failed == 1
    assert result.completion_time == datetime(2025, 11, 22, 10, 5, tzinfo=UTC)


def test_batch_job_running_counts_and_completion() -> None:
    running = {"active": 2, "startTime": "2025-11-22T10:00:00Z"}
    result = interpret_status(BATCHJOB, {"status": running}, binding([item("m1", running)]))
    assert (result.phase, result.reason, result.active) == (Phase.RUNNING, Reason.RUNNING, 2)
    done = {
        "succeeded": 2,
        "completionTime": "2025-11-22T10:09:00Z",
        "startTime": "2025-11-22T10:00:00Z",
        "conditions": [
            {"type": "SuccessCriteriaMet", "status": "True"},
            {"type": "Complete", "status": "True"},
        ],
    }
    result = interpret_status(BATCHJOB, {"status": done}, binding([item("m1", done)]))
    assert (result.phase, result.succeeded) == (Phase.SUCCEEDED, 2)
    assert result.completion_time == datetime(2025, 11, 22, 10, 9, tzinfo=UTC)


def test_every_placement_succeeds_only_when_every_copy_did() -> None:
    done = {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}
    running = {"active": 1}
    result = interpret_status(
        BATCHJOB, {"status": {}}, binding([item("m1", done), item("m2", running)])
    )
    assert result.phase == Phase.RUNNING
    assert dict(result.cluster_distribution) == {"m1": "SUCCEEDED", "m2": "RUNNING"}
    result = interpret_status(
        BATCHJOB, {"status": {}}, binding([item("m1", done), item("m2", done)])
    )
    assert (result.phase, result.succeeded) == (Phase.SUCCEEDED, 2)


@pytest.mark.parametrize("kind", [PYTORCHJOB, TFJOB, MPIJOB, JAXJOB])
def test_kubeflow_suspended_is_stopped(kind: WorkloadKind) -> None:
    status = {
        "conditions": [
            {"type": "Created", "status": "True"},
            {"type": "Suspended", "status": "True", "reason": "JobSuspended"},
        ]
    }
    template = {"spec": {"runPolicy": {"suspend": True}}, "status": status}
    result = interpret_status(kind, template, binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.STOPPED, Reason.STOPPED_BY_USER)


def test_suspend_requested_but_not_yet_suspended_is_stopping() -> None:
    status = {"conditions": [{"type": "Running", "status": "True"}]}
    template = {"spec": {"runPolicy": {"suspend": True}}, "status": status}
    result = interpret_pytorchjob_status(template, binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.STOPPING, Reason.STOPPED_BY_USER)


def test_suspend_requested_before_placement_is_stopped() -> None:
    result = interpret_rayjob_status(rayjob(suspend=True), binding([], clusters=[]))
    assert result.phase == Phase.STOPPED


@pytest.mark.parametrize(
    ("deployment", "phase"), [("Suspended", Phase.STOPPED), ("Suspending", Phase.STOPPING)]
)
def test_rayjob_suspension(deployment: str, phase: Phase) -> None:
    status = {"jobDeploymentStatus": deployment, "jobStatus": "RUNNING"}
    result = interpret_rayjob_status(
        rayjob(status, suspend=True), binding([item("member1", status)])
    )
    assert (result.phase, result.reason) == (phase, Reason.STOPPED_BY_USER)


def test_batch_job_suspended() -> None:
    status = {"conditions": [{"type": "Suspended", "status": "True", "reason": "JobSuspended"}]}
    result = interpret_batchjob_status(
        {"spec": {"suspend": True}, "status": status}, binding([item("m1", status)])
    )
    assert result.phase == Phase.STOPPED


def test_image_pull_back_off_from_ray_cluster_conditions() -> None:
    status = {
        "jobDeploymentStatus": "Initializing",
        "rayClusterStatus": {
            "conditions": [
                {
                    "type": "HeadPodReady",
                    "status": "False",
                    "reason": "ContainersNotReady",
                    "message": "containers with unready status: [ray-head] ImagePullBackOff",
                }
            ]
        },
    }
    result = interpret_rayjob_status(rayjob(status), binding([item("member1", status)]))
    assert (result.phase, result.reason) == (Phase.PENDING, Reason.IMAGE_PULL_BACK_OFF)


def test_image_pull_back_off_from_pods() -> None:
    status = {"conditions": [{"type": "Created", "status": "True"}]}
    pod = {
        "status": {
            "containerStatuses": [
                {
                    "name": "pytorch",
                    "state": {
                        "waiting": {
                            "reason": "ImagePullBackOff",
                            "message": 'Back-off pulling image "nope:1"',
                        }
                    },
                }
            ]
        }
    }
    result = interpret_pytorchjob_status({"status": status}, binding([item("m1", status)]), [pod])
    assert (result.phase, result.reason) == (Phase.PENDING, Reason.IMAGE_PULL_BACK_OFF)
    assert "nope:1" in result.message
    healthy_pod = {"status": {"containerStatuses": [{"state": {"running": {}}}]}}
    result = interpret_pytorchjob_status(
        {"status": status}, binding([item("m1", status)]), [healthy_pod]
    )
    assert result.reason == Reason.INITIALIZING


def test_unschedulable_binding() -> None:
    rb = binding(
        [],
        clusters=[],
        scheduled=False,
        message="0/2 clusters are available: 2 cluster(s) did not have the API resource.",
    )
    result = interpret_rayjob_status(rayjob(), rb)
    assert (result.phase, result.reason) == (Phase.PENDING, Reason.UNSCHEDULABLE)
    assert "did not have the API" in result.message


@pytest.mark.parametrize("rb", [None, {"spec": {}}, {"spec": {"clusters": []}, "status": {}}])
def test_no_binding_or_no_clusters_is_scheduling(rb: dict[str, Any] | None) -> None:
    result = interpret_status(RAYJOB, rayjob(), rb)
    assert (result.phase, result.reason) == (Phase.PENDING, Reason.SCHEDULING)
    assert result.clusters == ()


def test_missing_template_is_workload_lost() -> None:
    result = interpret_status(PYTORCHJOB, None, None)
    assert (result.phase, result.reason) == (Phase.FAILED, Reason.WORKLOAD_LOST)


def test_placed_but_not_applied_reports_the_apply_error() -> None:
    rb = binding(
        [
            {
                "clusterName": "member1",
                "applied": False,
                "appliedMessage": 'no matches for kind "RayJob"',
            }
        ]
    )
    result = interpret_rayjob_status(rayjob(), rb)
    assert result.phase == Phase.PENDING
    assert "no matches for kind" in result.message


def test_jaxjob_reads_members_not_the_template() -> None:
    # Karmada does not aggregate JAXJob: whatever the template says is ignored.
    template = {"status": {"conditions": [{"type": "Succeeded", "status": "True"}]}}
    running = {
        "conditions": [{"type": "Running", "status": "True"}],
        "replicaStatuses": {"Worker": {"active": 2}},
    }
    result = interpret_jaxjob_status(template, binding([item("member1", running)]))
    assert (result.phase, result.active) == (Phase.RUNNING, 2)
    result = interpret_jaxjob_status(template, binding([], clusters=["member1"]))
    assert result.phase == Phase.PENDING


def test_kubeflow_restarting_is_retrying() -> None:
    status = {
        "conditions": [
            {"type": "Created", "status": "True"},
            {"type": "Restarting", "status": "True", "message": "restarting"},
        ]
    }
    result = interpret_status(TFJOB, {"status": status}, binding([item("m1", status)]))
    assert (result.phase, result.reason) == (Phase.RUNNING, Reason.RETRYING)


MPI_REFLECT = load(f"{THIRDPARTY}/kubeflow.org/v2beta1/MPIJob/testdata/interpretstatus-test.yaml")


@pytest.mark.parametrize("doc", MPI_REFLECT, ids=[d["name"] for d in MPI_REFLECT])
def test_mpijob_reflected_status_reads_like_the_member_status(doc: dict[str, Any]) -> None:
    """Karmada's MPIJob statusReflection keeps everything the interpreter needs."""
    observed = doc["observedObj"].get("status") or {}
    reflected = (doc.get("output") or {}).get("status") or {}
    template = {"apiVersion": "kubeflow.org/v2beta1", "kind": "MPIJob"}
    from_member = interpret_status(MPIJOB, template, binding([item("m1", observed or None)]))
    from_reflection = interpret_status(MPIJOB, template, binding([item("m1", reflected or None)]))
    assert from_member == from_reflection
