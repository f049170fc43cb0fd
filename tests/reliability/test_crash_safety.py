"""Crash safety: the server dies (exit 137, as on SIGKILL) between two steps of createJob or
deleteJob, is restarted without the crash point, and the end state is consistent: no lost
job, no duplicate, no orphan on Karmada. One test per step (app.submission.faultpoints)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app.submission.faultpoints import CRASH_EXIT_STATUS, ENV_VAR
from karmada_sim.runtime import EmbeddedSimulator
from tests.reliability.helpers import JOB_BODY, job_ids, objects_of_instance
from tests.reliability.server_process import ServerProcess
from tests.support.eventually import wait_for
from tests.support.postgres import run_coroutine_sync

_instances = itertools.count(1)


class Harness:
    """A database, an installation id on the session simulator, and server processes."""

    def __init__(self, pg_url: str, sim: EmbeddedSimulator, kubeconfig: Path, logs: Path):
        self.pg_url = pg_url
        self.sim = sim
        self.instance = f"crash-{next(_instances)}-{uuid.uuid4().hex[:6]}"
        self.env = {"DATABASE_URL": pg_url, "KARMADA_KUBECONFIG": str(kubeconfig),
                    "ML_PLATFORM_INSTANCE": self.instance}
        self.logs = logs

    def server(self, crash_at: str | None = None) -> ServerProcess:
        env = dict(self.env)
        if crash_at:
            env[ENV_VAR] = crash_at
        return ServerProcess(env, self.logs / "server.log")

    def objects(self) -> dict[str, set[str]]:
        token = self.sim.simulator.config.token
        with httpx.Client(base_url=self.sim.url, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as sim:
            return job_ids(objects_of_instance(sim, self.instance))

    def rows(self) -> list[dict[str, Any]]:
        async def fetch() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(self.pg_url)
            try:
                records = await conn.fetch("SELECT id, status, reason FROM training_jobs")
            finally:
                await conn.close()
            return [dict(r) for r in records]

        return run_coroutine_sync(fetch)


@pytest.fixture
def harness(pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path,
            tmp_path: Path) -> Iterator[Harness]:
    yield Harness(pg_url, platform_sim, sim_kubeconfig, tmp_path)


def _expect_crash(server: ServerProcess, method: str, path: str, **kwargs: Any) -> None:
    """Send a request the server dies in the middle of; it must answer nothing."""
    with server.http() as client, pytest.raises(httpx.TransportError):
        client.request(method, path, **kwargs)
    assert server.wait_exit() == CRASH_EXIT_STATUS, server.log()


def _status(server: ServerProcess, job_id: str) -> tuple[str, str] | None:
    with server.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}/status")
    if answer.status_code == 404:
        return None
    body = answer.json()
    return body["phase"], body["reason"]


def _assert_consistent(h: Harness) -> None:
    """Every object on Karmada belongs to a job row (no orphan)."""
    live = {r["id"] for r in h.rows()}

    def no_orphans() -> bool:
        return all(ids <= live for ids in h.objects().values())

    wait_for(no_orphans, timeout=30, what="no object without a row")


CREATE_STEPS = ["create:after-row", "submit:after-pvc", "submit:after-workload",
                "submit:after-policy"]


@pytest.mark.parametrize("step", CREATE_STEPS)
def test_crash_during_create_job(harness: Harness, step: str) -> None:
    key = f"crash-{uuid.uuid4().hex}"
    with harness.server(crash_at=step) as server:
        _expect_crash(server, "POST", "/api/v1/jobs", json=JOB_BODY,
                      headers={"Idempotency-Key": key})
    with harness.server() as server:
        # The client retries with its idempotency key and gets the job the crashed call stored.
        with server.http() as client:
            answer = client.post("/api/v1/jobs", json=JOB_BODY, headers={"Idempotency-Key": key})
        assert answer.status_code == 201, answer.text
        job_id = answer.json()["id"]
        wait_for(lambda: _status(server, job_id) == ("Succeeded", "Completed"), timeout=60,
                 what=f"the job to finish after a crash at {step}")
        assert [r["id"] for r in harness.rows()] == [job_id]  # no lost job, no duplicate
        objects = harness.objects()
        assert all(ids == {job_id} for ids in objects.values()), objects  # one of each
        _assert_consistent(harness)


DELETE_STEPS = ["delete:after-mark", "delete:after-rayjobs", "delete:after-objects"]


@pytest.mark.parametrize("step", DELETE_STEPS)
def test_crash_during_delete_job(harness: Harness, step: str) -> None:
    with harness.server(crash_at=step) as server:
        with server.http() as client:
            answer = client.post("/api/v1/jobs", json=JOB_BODY)
        assert answer.status_code == 201, answer.text
        job_id = answer.json()["id"]
        wait_for(lambda: _status(server, job_id) == ("Succeeded", "Completed"), timeout=60,
                 what="the job to finish")
        _expect_crash(server, "DELETE", f"/api/v1/jobs/{job_id}")
    left = [(r["id"], r["status"]) for r in harness.rows()]
    # The crash came after the row said DELETING. The same process's poller may have
    # finished that deletion just before the request thread reached the crash point; then
    # nothing may be left behind on Karmada either.
    assert left in ([(job_id, "DELETING")], []), left
    if not left:
        assert all(not ids for ids in harness.objects().values()), harness.objects()
    with harness.server() as server:
        def finished() -> bool:
            return not harness.rows() and all(not ids for ids in harness.objects().values())

        wait_for(finished, timeout=30, what=f"the deletion to finish after a crash at {step}")
        with server.http() as client:  # a retried DELETE of a finished deletion
            assert client.delete(f"/api/v1/jobs/{job_id}").status_code == 404


STOP = """mutation($id: ID!) { stopJob(id: $id) { __typename
  ... on StopJobSuccess { job { phase } } ... on InvalidStateError { message } } }"""
LONG_RUN = {"match": {"nameContains": "rel-long"}, "scenario": {"runSeconds": 120}}


def _start_long_job(h: Harness, server: ServerProcess) -> str:
    """A job that runs for two minutes (simulator scenario), once it is Running."""
    with server.http() as client:
        answer = client.post("/api/v1/jobs", json={**JOB_BODY, "jobName": "rel-long"})
    assert answer.status_code == 201, answer.text
    job_id = str(answer.json()["id"])
    wait_for(lambda: _status(server, job_id) == ("Running", "Running"), timeout=60,
             what="the job to run")
    return job_id


@pytest.fixture
def long_runs(harness: Harness) -> Iterator[None]:
    def control(method: str, path: str, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=harness.sim.url, timeout=30) as sim:
            return sim.request(method, path, **kwargs)

    assert control("POST", "/_sim/scenarios", json=LONG_RUN).status_code == 201
    yield
    control("DELETE", "/_sim/scenarios")


def test_crash_during_delete_job_of_a_running_job(harness: Harness, long_runs: None) -> None:
    # deleteJob first suspends a running job; the crash comes before the row says DELETING.
    with harness.server(crash_at="delete:after-stop") as server:
        job_id = _start_long_job(harness, server)
        _expect_crash(server, "DELETE", f"/api/v1/jobs/{job_id}")
    with harness.server() as server:
        with server.http() as client:  # the client retries its DELETE
            assert client.delete(f"/api/v1/jobs/{job_id}").status_code == 200

        def finished() -> bool:
            return not harness.rows() and all(not ids for ids in harness.objects().values())

        wait_for(finished, timeout=30, what="the retried deletion to finish")


@pytest.mark.parametrize("step", ["stop:after-workload", "stop:after-mark"])
def test_crash_during_stop_job(harness: Harness, long_runs: None, step: str) -> None:
    with harness.server(crash_at=step) as server:
        job_id = _start_long_job(harness, server)
        _expect_crash(server, "POST", "/graphql", json={"query": STOP, "variables": {"id": job_id}})
    with harness.server() as server:
        with server.http() as client:  # the client retries; "already stopping/ended" is fine
            answer = client.post("/graphql", json={"query": STOP, "variables": {"id": job_id}})
        assert answer.json()["data"]["stopJob"]["__typename"] in (
            "StopJobSuccess", "InvalidStateError"), answer.text
        wait_for(lambda: _status(server, job_id) == ("Stopped", "StoppedByUser"), timeout=60,
                 what=f"the job to end STOPPED after a crash at {step}")
        rows = harness.rows()
        assert [(r["id"], r["status"]) for r in rows] == [(job_id, "STOPPED")]
        _assert_consistent(harness)
