"""Submission retries: exponential backoff between attempts, then FAILED at the deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.db.history import utcnow
from app.db.models import TrainingJob
from app.jobstate.phases import Phase, Reason
from app.karmada import KarmadaUnavailable
from app.server.main import workload_settings
from app.settings import Settings
from app.submission.submitter import JobSubmitter, retry_delay
from tests.reliability.helpers import JOB_BODY


class UnreachableKarmada:
    """Every request fails as a connection error would."""

    def __init__(self) -> None:
        self.attempts = 0

    async def list_clusters(self) -> list[dict[str, Any]]:
        self.attempts += 1
        raise KarmadaUnavailable("connection refused")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _job(**fields: Any) -> TrainingJob:
    now = utcnow()
    values: dict[str, Any] = {
        "id": "rel-job-0000abcd", "job_name": "rel-job", "namespace": "default",
        "algorithm": "xgboost", "request_payload": JOB_BODY, "kind": "RayJob",
        "api_version": "ray.io/v1", "object_name": "rrel-job-0000abcd",
        "status": Phase.PENDING.value, "reason": Reason.SUBMITTING.value,
        "created_at": now, "updated_at": now,
    }
    values.update(fields)
    return TrainingJob(**values)


def _submitter(karmada: Any, deadline: float = 300.0) -> tuple[JobSubmitter, FakeClock]:
    submitter = JobSubmitter(karmada, workload_settings(Settings()), "test", deadline,
                             retry_initial_seconds=1.0, retry_max_seconds=8.0)
    clock = FakeClock()
    submitter.clock = clock
    return submitter, clock


def test_retry_delay_doubles_up_to_the_cap() -> None:
    delays = [retry_delay(n, 1.0, 8.0) for n in range(6)]
    for attempts, delay in enumerate(delays):
        expected = min(2.0**attempts, 8.0)
        assert 0.8 * expected <= delay <= 1.2 * expected


async def test_attempts_wait_out_the_backoff() -> None:
    karmada = UnreachableKarmada()
    submitter, clock = _submitter(karmada)
    job = _job()
    change = await submitter.submit(job)
    assert (change.phase, change.reason) == (Phase.PENDING, Reason.SUBMISSION_RETRYING)
    assert karmada.attempts == 1
    job.reason = Reason.SUBMISSION_RETRYING.value
    job.submission_failing_since = change.fields["submission_failing_since"]

    skipped = await submitter.submit(job)
    assert karmada.attempts == 1  # within the first delay (~1 s): not attempted
    assert not skipped.is_transition

    clock.now += 1.3  # past the first delay (1 s +-20%)
    await submitter.submit(job)
    assert karmada.attempts == 2
    clock.now += 1.3  # the second delay is ~2 s: not yet
    await submitter.submit(job)
    assert karmada.attempts == 2
    clock.now += 1.3
    await submitter.submit(job)
    assert karmada.attempts == 3


async def test_past_the_deadline_the_job_fails() -> None:
    karmada = UnreachableKarmada()
    submitter, _ = _submitter(karmada, deadline=60.0)
    job = _job(reason=Reason.SUBMISSION_RETRYING.value,
               submission_failing_since=utcnow() - timedelta(seconds=61))
    submitter.note_failure(job.id)  # in backoff, but the deadline has passed: one last try
    change = await submitter.submit(job)
    assert karmada.attempts == 1
    assert (change.phase, change.reason) == (Phase.FAILED, Reason.SUBMISSION_FAILED)


@pytest.mark.parametrize("failing_for", [0.0, 30.0])
async def test_before_the_deadline_the_job_keeps_retrying(failing_for: float) -> None:
    submitter, _ = _submitter(UnreachableKarmada(), deadline=60.0)
    job = _job(reason=Reason.SUBMISSION_RETRYING.value,
               submission_failing_since=utcnow() - timedelta(seconds=failing_for))
    change = await submitter.submit(job)
    assert (change.phase, change.reason) == (Phase.PENDING, Reason.SUBMISSION_RETRYING)
