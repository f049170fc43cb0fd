"""Creating and removing a job's objects on Karmada, idempotently.

The job row always exists before any object (so nothing we create is ever unaccounted
for) and every object is created by name with our labels, so a retried submission finds
what an earlier attempt made instead of duplicating it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from app.db.history import Change, utcnow
from app.db.models import TrainingJob
from app.jobspec import JobRequest, RequestInvalid, parse_job_request
from app.karmada import KarmadaClient, KarmadaRejected, KarmadaUnavailable
from app.karmada.resources import PROPAGATION_POLICIES, PVCS, ApiResource, resource_for_manifest
from app.phases import Phase, Reason
from app.workloads import (
    ClusterCapabilities,
    JobIdentity,
    WorkloadSettings,
    build_manifests,
    check_target_clusters,
    job_id_of,
    kind_by_name,
)

log = logging.getLogger(__name__)


def capabilities_of(clusters: Sequence[dict[str, Any]]) -> list[ClusterCapabilities]:
    caps = []
    for cluster in clusters:
        status = cluster.get("status") or {}
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        )
        caps.append(
            ClusterCapabilities(
                name=cluster["metadata"]["name"],
                ready=ready,
                api_enablements=status.get("apiEnablements") or (),
            )
        )
    return caps


class JobSubmitter:
    def __init__(
        self,
        karmada: KarmadaClient,
        workload_settings: WorkloadSettings,
        instance_id: str,
        submission_deadline_seconds: float,
    ) -> None:
        self.karmada = karmada
        self.workload_settings = workload_settings
        self.instance_id = instance_id
        self.deadline_seconds = submission_deadline_seconds

    def identity(self, job: TrainingJob) -> JobIdentity:
        return JobIdentity(job.id, job.object_name, job.namespace, self.instance_id)

    def resources(self, job: TrainingJob) -> list[tuple[ApiResource, str]]:
        """(resource, name) of every object we may have created for the job."""
        kind = kind_by_name(job.kind)
        workload = ApiResource(kind.group, kind.version, kind.plural)
        objects = [(workload, job.object_name), (PROPAGATION_POLICIES, job.object_name)]
        if job.pvc_name:
            objects.append((PVCS, job.pvc_name))
        return objects

    async def submit(
        self,
        job: TrainingJob,
        request: JobRequest | None = None,
        clusters: Sequence[ClusterCapabilities] | None = None,
    ) -> Change:
        """Create (or find) the job's objects; return the transition that follows."""
        try:
            if request is None:
                request = parse_job_request(job.request_payload)
            kind = kind_by_name(job.kind)
            if clusters is None:
                clusters = capabilities_of(await self.karmada.list_clusters())
            candidates = check_target_clusters(request, kind, clusters)
            manifests = build_manifests(
                request, self.identity(job), self.workload_settings, candidates
            )
            if manifests.pvc is not None:
                await self._create(PVCS, manifests.pvc, job)
            await self._create(
                resource_for_manifest(manifests.workload, kind.plural), manifests.workload, job
            )
            await self._create(PROPAGATION_POLICIES, manifests.policy, job)
        except KarmadaUnavailable as exc:
            return self._retry_or_fail(job, exc)
        except RequestInvalid as exc:
            return Change(job, Phase.FAILED, Reason.SUBMISSION_FAILED, f"Invalid request: {exc}")
        except KarmadaRejected as exc:
            log.warning("job %s: Karmada rejected the submission: %s", job.id, exc)
            return Change(
                job,
                Phase.FAILED,
                Reason.SUBMISSION_FAILED,
                f"Karmada rejected the {job.kind} (HTTP {exc.status})",
            )
        return Change(
            job,
            Phase.PENDING,
            Reason.SCHEDULING,
            "Submitted to Karmada; waiting for placement",
            fields={"submission_failing_since": None},
        )

    async def _create(
        self, resource: ApiResource, manifest: dict[str, Any], job: TrainingJob
    ) -> None:
        existing = await self.karmada.apply_create(resource, manifest)
        owner = job_id_of(existing)
        if owner not in (None, job.id):
            # A name collision with someone else's object: never adopt or overwrite it.
            raise KarmadaRejected(
                f"{manifest['kind']} {manifest['metadata']['name']} belongs to job {owner}",
                status=409,
            )

    def _retry_or_fail(self, job: TrainingJob, exc: Exception) -> Change:
        now = utcnow()
        since = job.submission_failing_since or now
        log.warning("job %s: Karmada unavailable at submission: %s", job.id, exc)
        if (now - since).total_seconds() >= self.deadline_seconds:
            return Change(
                job,
                Phase.FAILED,
                Reason.SUBMISSION_FAILED,
                f"Karmada stayed unreachable for {self.deadline_seconds:.0f}s; job not started",
            )
        return Change(
            job,
            Phase.PENDING,
            Reason.SUBMISSION_RETRYING,
            "Karmada is unreachable; submission will be retried",
            fields={"submission_failing_since": since},
        )

    async def delete_objects(self, job: TrainingJob) -> bool:
        """Ask Karmada to delete every object of the job; True once none is left.

        Deleting the template makes Karmada remove its ResourceBinding and member copies.
        """
        remaining = False
        for resource, name in self.resources(job):
            await self.karmada.delete(resource, job.namespace, name, propagation="Background")
            if await self.karmada.get_or_none(resource, job.namespace, name) is not None:
                remaining = True
        return not remaining
