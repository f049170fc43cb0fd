"""A recovery that met an unavailable Karmada is retried as SubmissionRetrying; the retry
must still retire the earlier attempts first (issue 19: never two attempts at once where
the member answers). Before, the retry went straight to creating the new attempt."""

from __future__ import annotations

from typing import Any

from app.db.history import create_job_row, utcnow
from app.db.models import JobAttempt, TrainingJob
from app.db.session import database
from app.jobstate.phases import Phase, Reason
from app.server.main import workload_settings
from app.settings import Settings
from app.submission.submitter import JobSubmitter
from app.workloads import ClusterCapabilities
from tests.reliability.helpers import JOB_BODY


class SlowMember:
    """Karmada whose member1 still runs the old attempt after its delete was sent."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def delete(self, resource: Any, namespace: str, name: str, **_: Any) -> bool:
        self.calls.append(f"delete {resource.plural}/{name}")
        return True

    async def proxy_get(self, cluster: str, path: str, *, query: Any = None,
                        accept: str = "application/json") -> dict[str, Any]:
        self.calls.append(f"list {cluster}")
        return {"items": [{"metadata": {"name": "retry-job-0000abcd"}}]}

    async def apply_create(self, resource: Any, manifest: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError(f"created {manifest['metadata']['name']} while attempt 1 runs")


async def test_a_retried_recovery_waits_for_the_old_attempt(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        now = utcnow()
        job = TrainingJob(
            id="retry-job-0000abcd", job_name="retry-job", namespace="default",
            algorithm="xgboost", request_payload=JOB_BODY, kind="RayJob",
            api_version="ray.io/v1", object_name="retry-job-0000abcd-a2", attempt=2,
            status=Phase.PENDING.value, reason=Reason.SUBMISSION_RETRYING.value,
            message="Karmada unavailable", created_at=now, updated_at=now,
        )
        await create_job_row(job, actor=None)
        await JobAttempt.create(job_id=job.id, number=1, cluster="member1",
                                object_name="retry-job-0000abcd", phase="FAILED",
                                reason="PodEvicted", started_at=now, ended_at=now)
        await JobAttempt.create(job_id=job.id, number=2, object_name=job.object_name,
                                phase="PENDING", reason="Recovering", started_at=now)
        karmada = SlowMember()
        submitter = JobSubmitter(karmada, workload_settings(Settings()), "test", 300.0)  # type: ignore[arg-type]
        clusters = [ClusterCapabilities("member1", True), ClusterCapabilities("member2", True)]

        change = await submitter.submit(job, clusters=clusters)
        assert (change.phase, change.reason) == (Phase.PENDING, Reason.RECOVERING)
        assert "waiting for retry-job-0000abcd to stop on member1" in change.message
        assert karmada.calls[-1] == "list member1"

        # The same through a burst (retire_many), as the poller and the reconciler call it.
        retired = await submitter.retire_many([job], clusters)
        assert retired == {job.id: "waiting for retry-job-0000abcd to stop on member1"}
