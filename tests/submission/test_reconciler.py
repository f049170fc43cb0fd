"""app.submission.reconciler: orphans, missing policies, half-done work, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.karmada.resources import PVCS
from app.submission import reconciler
from app.submission.reconciler import Inventory, OwnedObject, orphans_to_delete, owned_object
from karmada_sim.runtime import EmbeddedSimulator
from tests.reliability.helpers import JOB_BODY, job_ids, objects_of_instance
from tests.support.eventually import wait_for
from tests.support.platform import (
    FAST_LOOPS,
    Platform,
    PlatformFactory,
    platform_settings,
    run_platform,
)
from tests.support.postgres import run_coroutine_sync

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _obj(job_id: str, age_seconds: float | None) -> OwnedObject:
    created = None if age_seconds is None else NOW - timedelta(seconds=age_seconds)
    return OwnedObject(PVCS, "default", f"pvc-{job_id}", job_id, created)


def test_orphans_are_objects_without_a_row_older_than_the_grace() -> None:
    inventory = Inventory()
    for obj in (_obj("live", 999), _obj("old", 301), _obj("young", 299), _obj("ageless", None)):
        inventory.add(obj)
    orphans = orphans_to_delete(inventory, {"live"}, NOW, timedelta(seconds=300))
    assert [o.job_id for o in orphans] == ["old"]


def test_owned_object_reads_the_job_id_and_creation_time() -> None:
    item = {"metadata": {"name": "p", "namespace": "ns",
                         "creationTimestamp": "2026-11-28T11:00:00Z",
                         "annotations": {"ml-platform.io/job-id": "a-long-job-id-12345678"},
                         "labels": {"ml-platform.io/job-id": "shortened"}}}
    obj = owned_object(PVCS, item)
    assert obj is not None
    assert (obj.job_id, obj.namespace, obj.created) == (
        "a-long-job-id-12345678", "ns", datetime(2026, 11, 28, 11, 0, tzinfo=UTC))
    assert owned_object(PVCS, {"metadata": {"name": "x", "labels": {}}}) is None


def _create(platform: Platform, body: dict[str, Any]) -> str:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _phase(platform: Platform, job_id: str) -> tuple[str, str] | None:
    with platform.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}/status")
    if answer.status_code == 404:
        return None
    body = answer.json()
    return body["phase"], body["reason"]


def _sim(platform: Platform) -> httpx.Client:
    token = platform.sim.simulator.config.token
    return httpx.Client(base_url=platform.sim.url, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def _instance(platform: Platform) -> str:
    return platform.settings.karmada.ml_platform_instance


def _all_objects_of(platform: Platform, job_id: str) -> bool:
    with _sim(platform) as sim:
        ids = job_ids(objects_of_instance(sim, _instance(platform)))
    return all(job_id in found for found in ids.values())


def _no_objects_of(platform: Platform, job_id: str) -> bool:
    with _sim(platform) as sim:
        ids = job_ids(objects_of_instance(sim, _instance(platform)))
    return all(job_id not in found for found in ids.values())


def _sql(platform: Platform, query: str, *args: object) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(platform.settings.db.database_url)
        try:
            await conn.execute(query, *args)
        finally:
            await conn.close()

    run_coroutine_sync(run)


def _foreign_pvc(instance: str, job_id: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": f"foreign-{job_id}", "namespace": "default", "labels": {
            "app.kubernetes.io/managed-by": "ml-platform", "ml-platform.io/instance": instance,
            "ml-platform.io/job-id": job_id}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }


def test_objects_whose_row_vanished_are_deleted(fast_platform: Platform) -> None:
    job_id = _create(fast_platform, {**JOB_BODY, "jobName": "rel-orphan"})
    wait_for(lambda: _all_objects_of(fast_platform, job_id), what="the job's three objects")
    pvcs = "/api/v1/namespaces/default/persistentvolumeclaims"
    with _sim(fast_platform) as sim:  # another installation's object, same job-id label
        other = _foreign_pvc(f"{_instance(fast_platform)}-other", "nobody-00000000")
        assert sim.post(pvcs, json=other).status_code == 201
    before = reconciler.ACTIONS["orphan_deleted"]

    _sql(fast_platform, "DELETE FROM training_jobs WHERE id = $1", job_id)  # e.g. a restore

    wait_for(lambda: _no_objects_of(fast_platform, job_id), what="the orphans to be deleted")
    assert reconciler.ACTIONS["orphan_deleted"] - before >= 3  # workload, policy, PVC
    with fast_platform.http() as client:
        exported = client.get("/metrics").text
    line = 'mlplatform_reconciler_actions_total{action="orphan_deleted"} '
    assert float(exported.split(line)[1].split()[0]) == reconciler.ACTIONS["orphan_deleted"]
    with _sim(fast_platform) as sim:
        assert sim.get(f"{pvcs}/foreign-nobody-00000000").status_code == 200
        sim.delete(f"{pvcs}/foreign-nobody-00000000")


def test_jobs_created_during_passes_are_never_orphans(fast_platform: Platform) -> None:
    # Grace 0 and a pass every 0.3 s: only listing Karmada *before* reading rows keeps the
    # reconciler from deleting the objects of a job committed in between.
    before = reconciler.ACTIONS["orphan_deleted"]
    ids = [_create(fast_platform, {**JOB_BODY, "jobName": f"rel-race-{i}"}) for i in range(8)]
    for job_id in ids:
        def succeeded(j: str = job_id) -> bool:
            return _phase(fast_platform, j) == ("Succeeded", "Completed")

        wait_for(succeeded, timeout=60, what=f"{job_id} to succeed")
    assert reconciler.ACTIONS["orphan_deleted"] == before


def _policy_is_recreated(fast_platform: Platform, job: dict[str, Any]) -> None:
    rule = fast_platform.sim_request("POST", "/_sim/scenarios", json={
        "match": {"nameContains": "rel-policy"}, "scenario": {"runSeconds": 60}})
    assert rule.status_code == 201, rule.text
    try:
        job_id = _create(fast_platform, {**job, "jobName": "rel-policy"})
        wait_for(lambda: (_phase(fast_platform, job_id) or ("",))[0] == "Running",
                 timeout=30, what="the job to run")
        before = reconciler.ACTIONS["policy_restored"]
        with _sim(fast_platform) as sim:
            policies = "/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies"
            name = objects_of_instance(sim, _instance(fast_platform))["propagationpolicies"]
            policy = next(p for p in name if p["metadata"]["labels"]["ml-platform.io/job-id"]
                          == job_id)["metadata"]["name"]
            assert sim.delete(f"{policies}/{policy}").status_code == 200

            def restored() -> bool:
                return sim.get(f"{policies}/{policy}").status_code == 200

            wait_for(restored, what="the policy to be recreated")
        # The policy is visible on Karmada a moment before the reconciler counts it.
        wait_for(lambda: reconciler.ACTIONS["policy_restored"] > before,
                 what="the reconciler to count the restored policy")
        assert _phase(fast_platform, job_id) == ("Running", "Running")
    finally:
        fast_platform.sim_request("DELETE", "/_sim/scenarios")


def test_a_missing_propagation_policy_is_recreated(fast_platform: Platform) -> None:
    _policy_is_recreated(fast_platform, JOB_BODY)


def test_the_rebuild_parses_the_request_with_the_configured_limits(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    """A job accepted under a raised limit is rebuilt under the same one, not the default."""
    settings = platform_settings(pg_url, sim_kubeconfig, **FAST_LOOPS)
    default = settings.limits.job_max_hyperparameters
    settings.limits.job_max_hyperparameters = default * 2
    many = {f"param_{n}": n for n in range(default + 10)}
    with run_platform(settings, platform_sim) as platform:
        _policy_is_recreated(platform, {**JOB_BODY, "customHyperparameters": many})


def test_unreachable_karmada_until_the_deadline_fails_the_job(
    make_platform: PlatformFactory,
) -> None:
    with make_platform(submission_deadline_seconds=1.5) as platform:
        fault = platform.sim_request("POST", "/_sim/faults", json={"pathRegex": "^/api",
                                                                   "status": 503})
        assert fault.status_code == 201, fault.text
        try:
            job_id = _create(platform, {**JOB_BODY, "jobName": "rel-deadline"})
            assert _phase(platform, job_id) == ("Pending", "SubmissionRetrying")
            wait_for(lambda: _phase(platform, job_id) == ("Failed", "SubmissionFailed"),
                     what="the job to fail at the submission deadline")
        finally:
            platform.sim_request("DELETE", f"/_sim/faults/{fault.json()['id']}")
        events = platform.graphql(
            "query($id: ID!) { job(id: $id) { events { toPhase reason } } }", {"id": job_id}
        )["job"]["events"]
        assert [(e["toPhase"], e["reason"]) for e in events] == [
            ("PENDING", "SUBMITTING"), ("PENDING", "SUBMISSION_RETRYING"),
            ("FAILED", "SUBMISSION_FAILED")]
        assert _no_objects_of(platform, job_id)
