"""Attempt by attempt logs (issue 19), the in-process parts: the attempt's pod label on what
the submitter builds, the pod selector of live reads, and the ``attempt`` argument's bounds."""

from __future__ import annotations

from typing import Any

import pytest

from app.db.history import create_job_row, utcnow
from app.db.models import JobAttempt, TrainingJob
from app.db.session import database
from app.jobspec import parse_job_request
from app.jobstate.phases import Phase, Reason
from app.jobstate.recovery import RecoveryPolicy
from app.live.hub import StatusHub
from app.operations.archive import LogArchiver, archived_logs, store_logs
from app.operations.logs import MemberUnreachable, PodLog, PodLogReader, PodRef, pod_selector
from app.server.main import workload_settings
from app.settings import PollerSettings, Settings
from app.submission.reconciler import Reconciler
from app.submission.recovery import retire_previous
from app.submission.submitter import JobSubmitter
from app.workloads import ATTEMPT_LABEL, build_manifests, kind_for
from resolvers.errors import InvalidInput
from resolvers.logs import check_attempt
from tests.reliability.helpers import JOB_BODY
from tests.workloads.helpers import pod_templates


def _job(**fields: Any) -> TrainingJob:
    now = utcnow()
    values: dict[str, Any] = {
        "id": "rel-job-0000abcd", "job_name": "rel-job", "namespace": "default",
        "algorithm": "xgboost", "request_payload": JOB_BODY, "kind": "RayJob",
        "api_version": "ray.io/v1", "object_name": "rel-job-0000abcd",
        "status": Phase.PENDING.value, "reason": Reason.SUBMITTING.value,
        "created_at": now, "updated_at": now,
    }
    values.update(fields)
    return TrainingJob(**values)


def _templates(job: TrainingJob) -> list[dict[str, Any]]:
    submitter = JobSubmitter(None, workload_settings(Settings()), "test", 300.0)  # type: ignore[arg-type]
    request = parse_job_request(JOB_BODY)
    assert kind_for(request).kind == job.kind
    manifests = build_manifests(
        request, submitter.identity(job), submitter.workload_settings, ("member1",)
    )
    return list(pod_templates(manifests.workload))


def test_the_submitter_labels_each_attempts_pods_with_its_number() -> None:
    first = _templates(_job())
    third = _templates(_job(attempt=3, object_name="rel-job-0000abcd-a3",
                            reason=Reason.RECOVERING.value))
    assert first and third
    assert {t["metadata"]["labels"][ATTEMPT_LABEL] for t in first} == {"1"}
    assert {t["metadata"]["labels"][ATTEMPT_LABEL] for t in third} == {"3"}


def test_live_reads_select_the_attempts_pods_by_its_label() -> None:
    assert pod_selector("train-1-0000abcd", "prod", 2) == (
        "ml-platform.io/job-id=train-1-0000abcd,ml-platform.io/instance=prod,"
        "ml-platform.io/attempt=2"
    )
    # Without an attempt (what the recovery's own pod reads use) the job's pods of every one.
    assert "attempt" not in pod_selector("train-1-0000abcd", "prod")


def test_the_attempt_argument_defaults_to_the_current_one_and_is_bounded() -> None:
    assert check_attempt(None, 1) == 1
    assert check_attempt(None, 3) == 3
    assert [check_attempt(n, 3) for n in (1, 2, 3)] == [1, 2, 3]
    for bad, attempts in ((0, 3), (-1, 3), (4, 3), (2, 1)):
        with pytest.raises(InvalidInput) as caught:
            check_attempt(bad, attempts)
        assert caught.value.field == "attempt"
        assert f"({bad} given)" in caught.value.reason
    with pytest.raises(InvalidInput, match="from 1 to 3"):
        check_attempt(7, 3)


# --- archives per attempt (PostgreSQL) -------------------------------------------------------


def _log(cluster: str, pod: str, text: str) -> PodLog:
    return PodLog(cluster, pod, "", text, text.count("\n"), False)


async def test_archiving_a_later_attempt_keeps_the_earlier_attempts_archive(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        job = _job()
        await create_job_row(job, actor=None)
        await store_logs(job, [_log("member1", "rel-job-0000abcd-head", "attempt one\n")])
        # Attempt 2 on the same cluster and on another: its pods' names carry "-a2" (a pod
        # belongs to one attempt, which is why the table's key has no attempt column).
        job.attempt = 2
        await store_logs(job, [
            _log("member1", "rel-job-0000abcd-a2-worker", "attempt two here\n"),
            _log("member2", "rel-job-0000abcd-a2-head", "attempt two\n"),
        ])
        first = await archived_logs(job.id, 1)
        second = await archived_logs(job.id, 2)
        assert [(p.cluster, p.pod, p.text) for p in first] == [
            ("member1", "rel-job-0000abcd-head", "attempt one\n")]
        assert [(p.cluster, p.pod, p.text) for p in second] == [
            ("member1", "rel-job-0000abcd-a2-worker", "attempt two here\n"),
            ("member2", "rel-job-0000abcd-a2-head", "attempt two\n"),
        ]
        assert await archived_logs(job.id, 2, "rel-job-0000abcd-a2-head") == second[1:]
        assert await archived_logs(job.id, 3) == []
        # Archiving attempt 2 again replaces only attempt 2's.
        await store_logs(job, [_log("member2", "rel-job-0000abcd-a2-head", "final\n")])
        assert [p.text for p in await archived_logs(job.id, 2)] == ["attempt two here\n", "final\n"]
        assert [p.text for p in await archived_logs(job.id, 1)] == ["attempt one\n"]


class FakeReader:
    """PodLogReader's two calls, recorded; a cluster in ``down`` does not answer."""

    def __init__(self, calls: list[str], down: set[str] | None = None) -> None:
        self.calls = calls
        self.down = down or set()

    async def find_pods(
        self, job: TrainingJob, pod: str | None = None, *, attempt: int | None = None,
        clusters: list[str] | None = None,
    ) -> list[PodRef]:
        where = list(clusters or [])
        self.calls.append(f"find attempt={attempt} clusters={where}")
        for cluster in where:
            if cluster in self.down:
                raise MemberUnreachable(cluster)
        return [PodRef(c, job.namespace, f"{job.object_name}-a{attempt}-pod", ()) for c in where]

    async def read(self, pods: list[PodRef], *, tail_lines: int) -> list[PodLog]:
        self.calls.append(f"read {[p.name for p in pods]}")
        return [_log(p.cluster, p.name, f"lines of {p.name}\n") for p in pods]


class FakeKarmada:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    async def delete(self, resource: Any, namespace: str, name: str) -> None:
        self.calls.append(f"delete {resource.plural}/{name}")

    async def proxy_get(self, cluster: str, path: str, query: Any = None) -> dict[str, Any]:
        return {"items": []}  # nothing of the job still runs there


async def _recovering(attempt: int, clusters: list[str]) -> TrainingJob:
    """A job on attempt ``attempt``, Recovering, whose earlier attempts ran on ``clusters``."""
    now = utcnow()
    job = _job(attempt=attempt, object_name=f"rel-job-0000abcd-a{attempt}",
               reason=Reason.RECOVERING.value)
    await create_job_row(job, actor=None)
    for number, cluster in enumerate(clusters, start=1):
        await JobAttempt.create(
            job_id=job.id, number=number, cluster=cluster,
            object_name="rel-job-0000abcd" if number == 1 else f"rel-job-0000abcd-a{number}",
            phase="FAILED", reason="PodEvicted", started_at=now, ended_at=now)
    await JobAttempt.create(job_id=job.id, number=attempt, object_name=job.object_name,
                            phase="PENDING", reason="Recovering", started_at=now)
    return job


async def test_a_recovery_archives_each_earlier_attempt_before_deleting_it(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        job = await _recovering(3, ["member1", "member2"])
        calls: list[str] = []
        archiver = LogArchiver(FakeReader(calls), max_lines=100, give_up_seconds=60)  # type: ignore[arg-type]
        karmada = FakeKarmada(calls)
        waiting = await retire_previous(
            karmada, job, RecoveryPolicy(), "test", [], archiver.archive_attempt)  # type: ignore[arg-type]
        assert waiting is None
        # Every earlier attempt's logs are read (from its own cluster, by its number) before
        # any of their objects is deleted.
        assert calls == [
            "find attempt=1 clusters=['member1']",
            "read ['rel-job-0000abcd-a3-a1-pod']",
            "find attempt=2 clusters=['member2']",
            "read ['rel-job-0000abcd-a3-a2-pod']",
            "delete rayjobs/rel-job-0000abcd",
            "delete propagationpolicies/rel-job-0000abcd",
            "delete rayjobs/rel-job-0000abcd-a2",
            "delete propagationpolicies/rel-job-0000abcd-a2",
        ]
        assert [(p.cluster, p.text) for p in await archived_logs(job.id, 1)] == [
            ("member1", "lines of rel-job-0000abcd-a3-a1-pod\n")]
        assert [(p.cluster, p.text) for p in await archived_logs(job.id, 2)] == [
            ("member2", "lines of rel-job-0000abcd-a3-a2-pod\n")]
        rows = await JobAttempt.filter(job_id=job.id).order_by("number")
        assert [r.logs_archived_at is not None for r in rows] == [True, True, False]
        # The job's own (final) archive mark is not the attempts'.
        assert (await TrainingJob.get(id=job.id)).logs_archived_at is None
        # Called again (the submitter retries while it waits): archived attempts are not
        # read again, their objects deleted again (idempotent).
        calls.clear()
        await retire_previous(
            karmada, job, RecoveryPolicy(), "test", [], archiver.archive_attempt)  # type: ignore[arg-type]
        assert not [c for c in calls if not c.startswith("delete")], calls


async def test_an_unreachable_members_attempt_does_not_hold_the_recovery(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        job = await _recovering(2, ["member1"])
        calls: list[str] = []
        archiver = LogArchiver(FakeReader(calls, down={"member1"}), max_lines=100,  # type: ignore[arg-type]
                               give_up_seconds=60)
        waiting = await retire_previous(
            FakeKarmada(calls), job, RecoveryPolicy(), "test", [], archiver.archive_attempt)  # type: ignore[arg-type]
        assert waiting is None
        assert calls == [
            "find attempt=1 clusters=['member1']",
            "delete rayjobs/rel-job-0000abcd",
            "delete propagationpolicies/rel-job-0000abcd",
        ]
        first = await JobAttempt.get(job_id=job.id, number=1)
        assert first.logs_archived_at is None  # tried again on the next call
        assert await archived_logs(job.id, 1) == []


class ListingKarmada(FakeKarmada):
    """What the reconciler lists: the job's objects of attempts 1 and 2 (1 is stale)."""

    def __init__(self, calls: list[str], job: TrainingJob) -> None:
        super().__init__(calls)
        self.job = job

    async def list_all(self, resource: Any, **_: Any) -> list[dict[str, Any]]:
        if resource.plural not in ("rayjobs", "propagationpolicies"):
            return []
        return [
            {"metadata": {"name": name, "namespace": "default",
                          "annotations": {"ml-platform.io/job-id": self.job.id},
                          "creationTimestamp": "2026-01-01T00:00:00Z"}}
            for name in ("rel-job-0000abcd", self.job.object_name)
        ]

    async def delete(self, resource: Any, namespace: str, name: str, **_: Any) -> None:
        await super().delete(resource, namespace, name)


async def test_the_reconciler_archives_a_leftover_attempt_before_deleting_it(
    pg_url: str,
) -> None:
    async with database(pg_url, apply_migrations=True):
        job = await _recovering(2, ["member1"])
        await TrainingJob.filter(id=job.id).update(
            status=Phase.RUNNING.value, reason=Reason.RUNNING.value)
        calls: list[str] = []
        archiver = LogArchiver(FakeReader(calls), max_lines=100, give_up_seconds=60)  # type: ignore[arg-type]
        karmada = ListingKarmada(calls, job)
        submitter = JobSubmitter(
            karmada, workload_settings(Settings()), "test", 300.0,  # type: ignore[arg-type]
            archive_attempt=archiver.archive_attempt)
        pass_ = Reconciler(karmada, submitter, StatusHub(10), PollerSettings(), "test")  # type: ignore[arg-type]
        report = await pass_.reconcile_once()
        assert report.stale_attempts_deleted == [job.id]
        assert calls == [
            "find attempt=1 clusters=['member1']",
            "read ['rel-job-0000abcd-a2-a1-pod']",
            "delete rayjobs/rel-job-0000abcd",
            "delete propagationpolicies/rel-job-0000abcd",
        ]
        assert [p.cluster for p in await archived_logs(job.id, 1)] == ["member1"]
        # Without an archiver (none configured) it deletes as before.
        calls.clear()
        bare = JobSubmitter(karmada, workload_settings(Settings()), "test", 300.0)  # type: ignore[arg-type]
        await Reconciler(karmada, bare, StatusHub(10), PollerSettings(), "test").reconcile_once()  # type: ignore[arg-type]
        assert calls == ["delete rayjobs/rel-job-0000abcd",
                         "delete propagationpolicies/rel-job-0000abcd"]


class PodListKarmada:
    """Answers pod LISTs by label selector from a fixed set of pods (equality terms only)."""

    def __init__(self, pods: list[dict[str, Any]]) -> None:
        self.pods = pods
        self.selectors: list[str] = []

    async def proxy_get(self, cluster: str, path: str, *, query: Any = None) -> dict[str, Any]:
        selector = str(query["labelSelector"])
        self.selectors.append(selector)
        terms = dict(term.split("=", 1) for term in selector.split(","))
        items = [p for p in self.pods
                 if all(p["metadata"]["labels"].get(k) == v for k, v in terms.items())]
        return {"items": items}


def _pod(name: str, attempt: str | None) -> dict[str, Any]:
    labels = {"ml-platform.io/job-id": "rel-job-0000abcd", "ml-platform.io/instance": "test"}
    if attempt is not None:
        labels["ml-platform.io/attempt"] = attempt
    return {"metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": {"containers": [{"name": "main"}]}}


async def test_live_reads_find_only_the_attempts_own_pods() -> None:
    karmada = PodListKarmada([_pod("a1-pod", "1"), _pod("a2-pod", "2")])
    reader = PodLogReader(karmada, "test")  # type: ignore[arg-type]
    job = _job(attempt=2, placement=["member1"])
    assert [r.name for r in await reader.find_pods(job)] == ["a2-pod"]
    assert [r.name for r in await reader.find_pods(job, attempt=1)] == ["a1-pod"]
    assert await reader.find_pods(job, attempt=2, clusters=[]) == []
    assert all("ml-platform.io/attempt=" in s for s in karmada.selectors)


async def test_pods_made_before_the_attempt_label_count_as_attempt_one() -> None:
    karmada = PodListKarmada([_pod("old-pod", None)])
    reader = PodLogReader(karmada, "test")  # type: ignore[arg-type]
    assert [r.name for r in await reader.find_pods(_job(placement=["member1"]))] == ["old-pod"]
    # Never for a later attempt: unlabelled pods are not its own.
    later = _job(attempt=2, placement=["member1"])
    assert await reader.find_pods(later) == []
    # Labelled pods of attempt 1 found: no second LIST.
    karmada = PodListKarmada([_pod("new-pod", "1"), _pod("old-pod", None)])
    reader = PodLogReader(karmada, "test")  # type: ignore[arg-type]
    assert [r.name for r in await reader.find_pods(_job(placement=["member1"]))] == ["new-pod"]
    assert len(karmada.selectors) == 1
