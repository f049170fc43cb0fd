"""Retention, purge and cluster capacity end to end."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg

from tests.operations.jobs import (
    create,
    get,
    job_body,
    job_fields,
    set_scenario,
    unique_name,
    wait_status,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform

REPO = Path(__file__).resolve().parents[2]
CLUSTER = """
query($name: String!) {
  cluster(name: $name) {
    name ready readyReason region zones nodesReady nodesTotal workloadKinds
    allocatable { cpu memoryBytes gpus pods }
    allocated { cpu memoryBytes gpus pods }
    allocating { cpu }
    jobs { id phase }
  }
}
"""


def cluster(platform: Platform, name: str) -> dict[str, Any]:
    return platform.graphql(CLUSTER, {"name": name})["cluster"]  # type: ignore[no-any-return]


def karmada_objects(platform: Platform, job_id: str) -> list[str]:
    """Kinds of the objects on Karmada labelled with the job id."""
    selector = {"labelSelector": f"ml-platform.io/job-id={job_id}"}
    found: list[str] = []
    for path in ("/apis/ray.io/v1/namespaces/default/rayjobs",
                 "/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies",
                 "/api/v1/namespaces/default/persistentvolumeclaims"):
        answer = platform.sim_request("GET", path, params=selector)
        assert answer.status_code == 200, answer.text
        found.extend(path.rsplit("/", 1)[1] for _ in answer.json()["items"])
    return found


def test_cluster_capacity_follows_jobs_starting_and_finishing(operate_platform: Platform) -> None:
    platform = operate_platform
    before = cluster(platform, "member2")
    assert before["ready"] is True and before["readyReason"] == "ClusterReady"
    assert before["region"] == "eu-west-1" and before["zones"] == ["eu-west-1b"]
    assert before["nodesTotal"] == 64 and before["nodesReady"] == 64
    assert before["allocatable"]["cpu"] == 64 * 64
    assert before["allocatable"]["gpus"] == 64 * 8
    assert before["allocatable"]["memoryBytes"] == 64 * 512 * 2**30
    assert "batch/v1/Job" in before["workloadKinds"]
    assert "ray.io/v1/RayJob" in before["workloadKinds"]

    name = unique_name("cap")
    set_scenario(platform, name, runSeconds=3, outcome="Succeeded")
    job = create(platform, job_body(name, "container", targetClusters=["member2"], resources={
        "instanceResources": {"cpuCores": 8, "memoryGiB": 4, "gpuCount": 2},
        "instanceCount": 1, "volumeSizeGB": 0}))
    wait_status(platform, job["id"], "Running")

    def running_view() -> dict[str, Any] | None:
        view = cluster(platform, "member2")
        placed = job["id"] in [j["id"] for j in view["jobs"]]
        grew = view["allocated"]["cpu"] >= before["allocated"]["cpu"] + 8
        return view if placed and grew else None

    during = wait_for(running_view, what="allocation to include the job")
    assert during["allocated"]["gpus"] >= before["allocated"]["gpus"] + 2
    wait_status(platform, job["id"], "Succeeded")

    def finished_view() -> dict[str, Any] | None:
        view = cluster(platform, "member2")
        gone = job["id"] not in [j["id"] for j in view["jobs"]]
        freed = view["allocated"]["cpu"] <= during["allocated"]["cpu"] - 8
        return view if gone and freed else None

    after = wait_for(finished_view, what="allocation released")
    assert after["allocated"]["gpus"] <= during["allocated"]["gpus"] - 2
    assert platform.graphql(CLUSTER, {"name": "nope"})["cluster"] is None


def test_rest_cluster_resources_allowlist_and_errors(operate_platform: Platform) -> None:
    platform = operate_platform
    with platform.http() as client:
        ok = client.get("/api/v1/proxy/clusters/member1/resources",
                        params={"namespace": "default", "type": "events"})
        assert ok.status_code == 200
        assert set(ok.json()) == {"cluster", "namespace", "type", "count", "resources"}
        assert client.get("/api/v1/proxy/clusters/member1/resources",
                          params={"type": "secrets"}).status_code == 400
        missing = client.get("/api/v1/proxy/clusters/nope/resources", params={"type": "pods"})
        assert missing.status_code == 404 and missing.json() == {"error": "Cluster not found"}
        platform.sim_request("POST", "/_sim/clusters/member1", json={"reachable": False})
        try:
            down = client.get("/api/v1/proxy/clusters/member1/resources", params={"type": "pods"})
        finally:
            platform.sim_request("POST", "/_sim/clusters/member1", json={"reachable": True})
        assert down.status_code == 502
        assert down.json() == {"error": "Member cluster is unreachable"}
        listed = client.get("/api/v1/proxy/clusters").json()["clusters"]
        assert {"name": "member2", "ready": True, "region": "eu-west-1",
                "zone": "eu-west-1b"} in listed


def test_retention_removes_workload_policy_and_pvc_and_keeps_the_record(
    retention_platform: Platform,
) -> None:
    platform = retention_platform
    name = unique_name("keep")
    set_scenario(platform, name, runSeconds=1, outcome="Succeeded")
    job = create(platform, job_body(name, "xgboost", resources={
        "instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
        "instanceCount": 1, "volumeSizeGB": 5}))
    wait_for(lambda: sorted(karmada_objects(platform, job["id"])) == [
        "persistentvolumeclaims", "propagationpolicies", "rayjobs"], what="objects created")
    wait_status(platform, job["id"], "Succeeded")
    info = wait_for(
        lambda: (j := job_fields(platform, job["id"], "logsArchivedAt workloadDeletedAt "
                                 "events { toPhase }")) and j["workloadDeletedAt"] and j,
        what="workload removed by retention",
    )
    assert info["logsArchivedAt"] <= info["workloadDeletedAt"]
    assert info["events"][-1]["toPhase"] == "SUCCEEDED"
    assert karmada_objects(platform, job["id"]) == []
    assert get(platform, job["id"])["status"] == "Succeeded"  # type: ignore[index]
    with platform.http() as client:
        logs = client.get(f"/api/v1/jobs/{job['id']}/logs").json()
    assert logs["source"] == "archive" and "training finished successfully" in logs["message"]


def _purge(platform: Platform, older_than: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": platform.settings.db.database_url}
    return subprocess.run(
        [sys.executable, "-m", "app.server.cli", "purge", "--older-than", older_than],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


async def _count(dsn: str, sql: str, job_id: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(sql, job_id))
    finally:
        await conn.close()


def test_purge_removes_old_finished_jobs_with_events_and_logs(
    retention_platform: Platform,
) -> None:
    platform = retention_platform
    name = unique_name("purge")
    set_scenario(platform, name, runSeconds=0.5, outcome="Failed")
    job = create(platform, job_body(name, "container"))
    wait_status(platform, job["id"], "Failed")
    wait_for(lambda: job_fields(platform, job["id"], "workloadDeletedAt")["workloadDeletedAt"],
             what="retention")
    dsn = platform.settings.db.database_url
    assert asyncio.run(_count(dsn, "SELECT count(*) FROM job_logs WHERE job_id=$1", job["id"]))

    kept = _purge(platform, "90d")
    assert kept.returncode == 0, kept.stderr
    assert "purged 0 job(s)" in kept.stdout
    assert get(platform, job["id"]) is not None

    purged = _purge(platform, "0s")
    assert purged.returncode == 0, purged.stderr
    assert "purged 1 job(s)" in purged.stdout
    assert get(platform, job["id"]) is None
    for table in ("job_events", "job_logs"):
        sql = f"SELECT count(*) FROM {table} WHERE job_id=$1"
        assert asyncio.run(_count(dsn, sql, job["id"])) == 0

    bad = _purge(platform, "ninety days")
    assert bad.returncode == 2 and "not a duration" in bad.stderr


def test_periodic_purge_removes_finished_jobs_on_its_own(purging_platform: Platform) -> None:
    platform = purging_platform
    name = unique_name("autopurge")
    set_scenario(platform, name, runSeconds=0.5, outcome="Succeeded")
    job = create(platform, job_body(name, "container"))
    wait_status(platform, job["id"], "Succeeded")
    wait_for(lambda: get(platform, job["id"]) is None, timeout=30, what="periodic purge")
    dsn = platform.settings.db.database_url
    sql = "SELECT count(*) FROM job_events WHERE job_id=$1"
    assert asyncio.run(_count(dsn, sql, job["id"])) == 0
