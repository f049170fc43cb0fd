"""Karmada's native batch/v1 Job interpretation (k8s-reference README, native section)."""

from __future__ import annotations

from typing import Any

from karmada_sim.karmada.native_job import (
    aggregate_job_status,
    job_replicas,
    reflect_job_status,
    revise_job_replicas,
)
from karmada_sim.karmada.status_sync import job_status_rejected

NOW = "2026-01-01T00:00:00Z"
TEMPLATE = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "d"},
            "spec": {"parallelism": 4, "completions": 3, "template": {"spec": {"containers": [
                {"name": "c", "resources": {"limits": {"cpu": "2", "nvidia.com/gpu": "1"}}}]}}}}


def cond(kind: str) -> dict[str, Any]:
    return {"type": kind, "status": "True"}


def item(cluster: str, **status: Any) -> dict[str, Any]:
    return {"clusterName": cluster, "applied": True, "status": status}


def test_reflect_keeps_only_counters_conditions_and_times() -> None:
    observed = {"status": {"active": 1, "ready": 1, "succeeded": 0, "failed": 0,
                           "terminating": 0, "startTime": NOW, "completedIndexes": "0",
                           "uncountedTerminatedPods": {}, "conditions": []}}
    assert reflect_job_status(observed) == {"active": 1, "succeeded": 0, "failed": 0,
                                            "startTime": NOW, "conditions": []}


def test_aggregate_sums_and_completes_only_when_every_member_did() -> None:
    done = [cond("SuccessCriteriaMet"), cond("Complete")]
    items = [item("m1", succeeded=2, conditions=done, startTime="2026-01-01T00:00:05Z",
                  completionTime="2026-01-01T00:01:00Z"),
             item("m2", active=1, startTime="2026-01-01T00:00:03Z")]
    partial = aggregate_job_status(TEMPLATE, items, NOW)["status"]
    assert partial == {"active": 1, "succeeded": 2, "failed": 0,
                       "startTime": "2026-01-01T00:00:03Z"}
    items[1] = item("m2", succeeded=1, conditions=done, startTime="2026-01-01T00:00:03Z",
                    completionTime="2026-01-01T00:02:00Z")
    complete = aggregate_job_status(TEMPLATE, items, NOW)["status"]
    assert [(c["type"], c["reason"]) for c in complete["conditions"]] == [
        ("Complete", "Completed"), ("SuccessCriteriaMet", "CompletionsReached")]
    assert complete["completionTime"] == "2026-01-01T00:02:00Z"
    # A template already Complete is never changed again.
    frozen = {**TEMPLATE, "status": complete}
    assert aggregate_job_status(frozen, [item("m1", failed=9)], NOW)["status"] == complete


def test_an_item_without_status_blocks_complete() -> None:
    done = [cond("SuccessCriteriaMet"), cond("Complete")]
    items = [item("m1", succeeded=1, conditions=done), {"clusterName": "m2", "applied": False}]
    status = aggregate_job_status(TEMPLATE, items, NOW)["status"]
    assert "conditions" not in status


def test_failed_member_aggregate_is_refused_by_the_apiserver_karmada_7844() -> None:
    member = item("m1", failed=1, conditions=[cond("FailureTarget"), cond("Failed")])
    status = aggregate_job_status(TEMPLATE, [member], NOW)["status"]
    [failed] = status["conditions"]
    assert (failed["type"], failed["reason"], failed["message"]) == (
        "Failed", "JobFailed", "Job executed failed in member clusters m1")
    # FailureTarget is not carried over, so a >= 1.31 apiserver rejects the write.
    assert job_status_rejected({"active": 1}, status) is not None
    assert job_status_rejected({}, {"conditions": [cond("FailureTarget"), cond("Failed")]}) \
        is None


def test_replicas_and_revision() -> None:
    replicas, requirements = job_replicas(TEMPLATE)
    assert replicas == 3
    assert requirements == {"resourceRequest": {"cpu": "2", "nvidia.com/gpu": "1"}}
    revised = revise_job_replicas(TEMPLATE, 2)
    assert (revised["spec"]["parallelism"], revised["spec"]["completions"]) == (2, 3)
