"""Attempt by attempt logs (issue 19), the in-process parts: the attempt's pod label on what
the submitter builds, the pod selector of live reads, and the ``attempt`` argument's bounds."""

from __future__ import annotations

from typing import Any

from app.db.history import utcnow
from app.db.models import TrainingJob
from app.jobspec import parse_job_request
from app.jobstate.phases import Phase, Reason
from app.server.main import workload_settings
from app.settings import Settings
from app.submission.submitter import JobSubmitter
from app.workloads import ATTEMPT_LABEL, build_manifests, kind_for
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
