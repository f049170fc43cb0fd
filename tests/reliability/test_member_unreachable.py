"""A member cluster becomes unreachable while its job runs: the job keeps its phase with reason
StatusStale; when the member is back, status resumes (app.poller.staleness)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.db.history import Change
from app.db.models import TrainingJob
from app.jobstate.phases import Phase, Reason
from app.poller.staleness import apply_staleness, unreachable_clusters
from tests.reliability.helpers import JOB_BODY
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory


def _cluster(name: str, status: str, reason: str) -> dict[str, Any]:
    return {"metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": status, "reason": reason}]}}


def test_unreachable_means_not_reachable_or_unknown_not_merely_not_ready() -> None:
    clusters = [
        _cluster("ok", "True", "ClusterReady"),
        _cluster("gone", "False", "ClusterNotReachable"),  # Karmada's cluster status controller
        _cluster("unknown", "Unknown", ""),
        _cluster("sick", "False", "ClusterNotReady"),  # reachable: its status still flows
    ]
    assert unreachable_clusters(clusters) == {"gone", "unknown"}


def _row(job_id: str, status: Phase, reason: Reason, placement: list[str]) -> TrainingJob:
    now = datetime.now(UTC)
    return TrainingJob(id=job_id, job_name="j", namespace="default", algorithm="xgboost",
                       kind="RayJob", api_version="ray.io/v1", object_name=job_id,
                       status=status.value, reason=reason.value, placement=placement,
                       cluster_distribution={}, created_at=now, updated_at=now)


def test_apply_staleness_holds_live_jobs_and_lets_terminal_news_through() -> None:
    running = _row("a", Phase.RUNNING, Reason.RUNNING, ["gone"])
    finished = _row("b", Phase.RUNNING, Reason.RUNNING, ["gone"])
    elsewhere = _row("c", Phase.RUNNING, Reason.RUNNING, ["ok"])
    already = _row("d", Phase.RUNNING, Reason.STATUS_STALE, ["gone"])
    changes = [
        Change(running, Phase.RUNNING, Reason.RETRYING, "frozen news"),
        Change(finished, Phase.SUCCEEDED, Reason.COMPLETED, "reported before the outage"),
        Change(elsewhere, Phase.SUCCEEDED, Reason.COMPLETED),
    ]
    result = apply_staleness([running, finished, elsewhere, already], changes, {"gone"})
    by_id = {c.job.id: (c.phase, c.reason) for c in result}
    assert by_id == {
        "a": (Phase.RUNNING, Reason.STATUS_STALE),
        "b": (Phase.SUCCEEDED, Reason.COMPLETED),
        "c": (Phase.SUCCEEDED, Reason.COMPLETED),
    }  # "d" is already stale: no new transition


def _status(platform: Platform, job_id: str) -> tuple[str, str]:
    with platform.http() as client:
        body = client.get(f"/api/v1/jobs/{job_id}/status").json()
    return body["phase"], body["reason"]


def test_job_on_an_unreachable_member_is_stale_then_resumes(
    make_platform: PlatformFactory,
) -> None:
    with make_platform(cluster_health_check_seconds=0.2) as platform:
        rule = platform.sim_request("POST", "/_sim/scenarios", json={
            "match": {"nameContains": "rel-stale"}, "scenario": {"runSeconds": 30}})
        assert rule.status_code == 201, rule.text
        try:
            with platform.http() as client:
                answer = client.post("/api/v1/jobs", json={
                    **JOB_BODY, "jobName": "rel-stale", "targetClusters": ["member1"]})
            assert answer.status_code == 201, answer.text
            job_id = answer.json()["id"]
            wait_for(lambda: _status(platform, job_id) == ("Running", "Running"), timeout=30,
                     what="the job to run on member1")
            cut = platform.sim_request("POST", "/_sim/clusters/member1", json={"reachable": False})
            assert cut.status_code == 200, cut.text
            wait_for(lambda: _status(platform, job_id) == ("Running", "StatusStale"),
                     timeout=30, what="the job's status to be marked stale")
            back = platform.sim_request("POST", "/_sim/clusters/member1", json={"reachable": True})
            assert back.status_code == 200, back.text
            wait_for(lambda: _status(platform, job_id) == ("Running", "Running"), timeout=30,
                     what="status to resume")
        finally:
            platform.sim_request("POST", "/_sim/clusters/member1", json={"reachable": True})
            platform.sim_request("DELETE", "/_sim/scenarios")
        events = platform.graphql(
            "query($id: ID!) { job(id: $id) { events { toPhase reason } } }", {"id": job_id}
        )["job"]["events"]
        reasons = [(e["toPhase"], e["reason"]) for e in events]
        stale = reasons.index(("RUNNING", "STATUS_STALE"))
        assert reasons[stale - 1] == ("RUNNING", "RUNNING")
        assert reasons[stale + 1] == ("RUNNING", "RUNNING")
