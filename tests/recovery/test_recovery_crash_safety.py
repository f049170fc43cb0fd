"""Crash safety of a recovery (issue 19): the server dies (exit 137, as on SIGKILL) at each
step of starting a new attempt, is restarted without the crash point, and then: exactly one
new attempt (one job_attempts row per number, one Recovering event), the new attempt's
objects only on Karmada (the failed attempt's deleted, none doubled, none orphaned)."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from app.submission.faultpoints import CRASH_EXIT_STATUS
from tests.recovery.support import running_on_rest
from tests.reliability.helpers import JOB_BODY, OBJECT_PATHS
from tests.reliability.test_crash_safety import Harness, harness  # noqa: F401 (fixture)
from tests.support.eventually import wait_for
from tests.support.postgres import run_coroutine_sync

pytestmark = pytest.mark.e2e

RECOVERY_STEPS = [
    "recover:after-attempt-row",
    "recover:after-delete-old",
    "submit:after-pvc",
    "submit:after-workload",
    "submit:after-policy",
]


def _sim(h: Harness) -> httpx.Client:
    token = h.sim.simulator.config.token
    return httpx.Client(base_url=h.sim.url, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def _names(h: Harness) -> dict[str, list[str]]:
    selector = f"app.kubernetes.io/managed-by=ml-platform,ml-platform.io/instance={h.instance}"
    with _sim(h) as sim:
        return {
            plural: sorted(i["metadata"]["name"] for i in sim.get(
                path, params={"labelSelector": selector}).json()["items"])
            for plural, path in OBJECT_PATHS.items()
        }


def _query(h: Harness, sql: str) -> list[dict[str, Any]]:
    async def fetch() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(h.pg_url)
        try:
            return [dict(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return run_coroutine_sync(fetch)


@pytest.mark.parametrize("step", RECOVERY_STEPS)
def test_crash_during_a_recovery(harness: Harness, step: str) -> None:  # noqa: F811
    with _sim(harness) as sim:
        rule = sim.post("/_sim/scenarios", json={
            "match": {"nameContains": "crash-rec"}, "scenario": {"runSeconds": 600}})
        assert rule.status_code == 201, rule.text
    try:
        with harness.server() as server:
            with server.http() as client:
                answer = client.post("/api/v1/jobs", json={**JOB_BODY, "jobName": "crash-rec"})
            assert answer.status_code == 201, answer.text
            job_id = answer.json()["id"]
            first = running_on_rest(server.base_url, job_id, attempt=1)
        name = _names(harness)["rayjobs"][0]
        with harness.server(crash_at=step) as server:
            with _sim(harness) as sim:
                hit = sim.post("/_sim/disruptions", json={
                    "type": "Evict", "cluster": first, "namespace": "default", "name": name})
                assert hit.status_code == 201, hit.text
            assert server.wait_exit(timeout=60) == CRASH_EXIT_STATUS, server.log()
        with harness.server() as server:
            second = running_on_rest(server.base_url, job_id, attempt=2)
            assert second != first
            attempts = _query(harness, "SELECT number, cluster, phase, reason FROM job_attempts "
                                       "ORDER BY number")
            assert [(a["number"], a["cluster"], a["phase"], a["reason"]) for a in attempts] == [
                (1, first, "FAILED", "PodEvicted"), (2, None, "PENDING", "Recovering")]
            events = _query(harness, "SELECT reason FROM job_events WHERE reason = 'Recovering'")
            assert len(events) == 1
            rows = _query(harness, "SELECT id, attempt, object_name FROM training_jobs")
            assert [(r["id"], r["attempt"], r["object_name"]) for r in rows] == [
                (job_id, 2, f"{name}-a2")]

            def only_the_new_attempt() -> dict[str, list[str]] | None:
                names = _names(harness)
                wanted = {"rayjobs": [f"{name}-a2"], "propagationpolicies": [f"{name}-a2"]}
                ok = all(names[p] == v for p, v in wanted.items())
                return names if ok and len(names["persistentvolumeclaims"]) == 1 else None

            wait_for(only_the_new_attempt, timeout=30,
                     what=f"only attempt 2's objects after a crash at {step}")
    finally:
        with _sim(harness) as sim:
            sim.delete("/_sim/scenarios")
            sim.delete("/_sim/disruptions")
