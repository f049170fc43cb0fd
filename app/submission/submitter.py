"""Creating and removing a job's objects on Karmada, idempotently.

The job row always exists before any object (so nothing we create is ever unaccounted
for) and every object is created by name with our labels, so a retried submission finds
what an earlier attempt made instead of duplicating it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

from app.db.history import Change, utcnow
from app.db.models import TrainingJob
from app.jobspec import JobRequest, RequestInvalid, RequestLimits, parse_job_request
from app.jobstate.phases import Phase, Reason
from app.jobstate.recovery import RecoveryPolicy, attempt_env
from app.karmada import KarmadaClient, KarmadaRejected, KarmadaUnavailable
from app.karmada.resources import PROPAGATION_POLICIES, PVCS, ApiResource, resource_for_manifest
from app.submission.faultpoints import crash_point
from app.submission.recovery import (
    ArchiveAttempt,
    failed_clusters,
    policy_of,
    retire_many,
    retire_previous,
    retires_first,
)
from app.workloads import (
    ClusterCapabilities,
    JobIdentity,
    WorkloadSettings,
    attempt_object_name,
    away_from,
    build_manifests,
    check_target_clusters,
    job_id_of,
    kind_by_name,
    object_name_for,
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
        retry_initial_seconds: float = 1.0,
        retry_max_seconds: float = 30.0,
        *,
        limits: RequestLimits | None = None,
        recovery: RecoveryPolicy | None = None,
        archive_attempt: ArchiveAttempt | None = None,
    ) -> None:
        self.karmada = karmada
        #: Archives an ended attempt's logs before a recovery deletes its objects (None:
        #: not archived; app.server.main hands in app.operations.archive's).
        self.archive_attempt = archive_attempt
        #: The recovery policy of jobs that name none (RECOVERY_* settings).
        self.recovery = recovery or RecoveryPolicy()
        #: The limits the request was accepted under: a resubmission (the reconciler
        #: re-creating missing objects) parses the stored request with the same ones.
        self.limits = limits or RequestLimits()
        self.workload_settings = workload_settings
        self.instance_id = instance_id
        self.deadline_seconds = submission_deadline_seconds
        self.retry_initial_seconds = retry_initial_seconds
        self.retry_max_seconds = retry_max_seconds
        # job id -> (failed attempts, monotonic time of the next attempt). In memory only: after
        # a restart the first retry is immediate, which is what a restart wants anyway.
        self._backoff: dict[str, tuple[int, float]] = {}
        #: Monotonic clock of the backoff (replaceable in tests).
        self.clock = time.monotonic
        # job id -> attempt whose earlier attempts' deletes this process sent (recovery step
        # 2), so a job waiting for its member is not sent them again each burst. In memory
        # only: after a restart they are sent once more, which is harmless.
        self._retired: dict[str, int] = {}

    def identity(self, job: TrainingJob) -> JobIdentity:
        policy = policy_of(job, self.recovery)
        return JobIdentity(
            job.id,
            job.object_name,
            job.namespace,
            self.instance_id,
            attempt_env=tuple(attempt_env(policy, job.attempt).items()),
            # Every attempt mounts the claim named after the first attempt.
            data_name=object_name_for(job.id, kind_by_name(job.kind)) if job.attempt > 1 else None,
            attempt=job.attempt,
        )

    def resources(self, job: TrainingJob) -> list[tuple[ApiResource, str]]:
        """(resource, name) of every object we may have created for the job: the current
        attempt's, every earlier attempt's (names follow from the number), the PVC."""
        kind = kind_by_name(job.kind)
        workload = ApiResource(kind.group, kind.version, kind.plural)
        objects = [(workload, job.object_name), (PROPAGATION_POLICIES, job.object_name)]
        for number in range(1, job.attempt):
            name = attempt_object_name(job.id, kind, number)
            objects += [(workload, name), (PROPAGATION_POLICIES, name)]
        if job.pvc_name:
            objects.append((PVCS, job.pvc_name))
        return objects

    async def retire_many(
        self, jobs: Sequence[TrainingJob], clusters: Sequence[ClusterCapabilities]
    ) -> dict[str, str | None]:
        """Recovery step 2 for the Recovering ones among ``jobs`` at once, each member listed
        once for all of them (``app.submission.recovery.retire_many``); pass the answer to
        ``submit`` as ``retired``."""
        recovering = [job for job in jobs if retires_first(job)]
        for gone in set(self._retired) - {job.id for job in recovering}:
            del self._retired[gone]  # no longer Recovering (at worst: one more delete)
        return await retire_many(
            self.karmada,
            recovering,
            lambda job: policy_of(job, self.recovery),
            self.instance_id,
            clusters,
            deleted=self._retired,
            archive=self.archive_attempt,
        )

    async def submit(
        self,
        job: TrainingJob,
        request: JobRequest | None = None,
        clusters: Sequence[ClusterCapabilities] | None = None,
        retired: Mapping[str, str | None] | None = None,
    ) -> Change:
        """Create (or find) the job's objects; return the transition that follows.

        A job waiting out its retry backoff is not attempted: the returned Change keeps its
        state (no transition), so callers that only write transitions skip it. ``retired``:
        ``retire_many``'s answer, read instead of retiring a Recovering job's earlier
        attempts here (a job it leaves out is retired here).
        """
        if not self._attempt_due(job):
            return Change(job, Phase.PENDING, Reason.SUBMISSION_RETRYING, job.message)
        try:
            if retires_first(job):
                if clusters is None:
                    clusters = capabilities_of(await self.karmada.list_clusters())
                if retired is not None and job.id in retired:
                    waiting = retired[job.id]
                else:
                    waiting = await retire_previous(
                        self.karmada, job, policy_of(job, self.recovery), self.instance_id,
                        clusters, self.archive_attempt,
                    )
                if waiting is not None:
                    # No transition for a Recovering job (the next burst looks again); a
                    # retried one is Recovering again, saying what it waits for.
                    message = job.message if job.reason == Reason.RECOVERING.value else waiting
                    return Change(job, Phase.PENDING, Reason.RECOVERING, message)
            await self.ensure_objects(job, request, clusters)
        except KarmadaUnavailable as exc:
            return self._retry_or_fail(job, exc)
        except RequestInvalid as exc:
            self._backoff.pop(job.id, None)
            return Change(job, Phase.FAILED, Reason.SUBMISSION_FAILED, f"Invalid request: {exc}")
        except KarmadaRejected as exc:
            self._backoff.pop(job.id, None)
            log.warning("job %s: Karmada rejected the submission: %s", job.id, exc)
            return Change(
                job,
                Phase.FAILED,
                Reason.SUBMISSION_FAILED,
                f"Karmada rejected the {job.kind} (HTTP {exc.status})",
            )
        self._backoff.pop(job.id, None)
        self._retired.pop(job.id, None)
        return Change(
            job,
            Phase.PENDING,
            Reason.SCHEDULING,
            "Submitted to Karmada; waiting for placement"
            + (f" (attempt {job.attempt})" if job.attempt > 1 else ""),
            fields={"submission_failing_since": None},
        )

    async def ensure_objects(
        self,
        job: TrainingJob,
        request: JobRequest | None = None,
        clusters: Sequence[ClusterCapabilities] | None = None,
    ) -> None:
        """Create whichever of the job's objects are missing (PVC, workload, policy).

        Raises KarmadaUnavailable, KarmadaRejected or RequestInvalid; existing objects that
        are ours are left as they are.
        """
        if request is None:
            request = parse_job_request(job.request_payload, self.limits)
        kind = kind_by_name(job.kind)
        if clusters is None:
            clusters = capabilities_of(await self.karmada.list_clusters())
        candidates = check_target_clusters(request, kind, clusters)
        if job.attempt > 1 and policy_of(job, self.recovery).avoid_failed_clusters:
            candidates = away_from(candidates, await failed_clusters(job))
        manifests = build_manifests(
            request, self.identity(job), self.workload_settings, candidates
        )
        if manifests.pvc is not None:
            await self._create(PVCS, manifests.pvc, job)
            crash_point("submit:after-pvc")
        await self._create(
            resource_for_manifest(manifests.workload, kind.plural), manifests.workload, job
        )
        crash_point("submit:after-workload")
        await self._create(PROPAGATION_POLICIES, manifests.policy, job)
        crash_point("submit:after-policy")

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
            self._backoff.pop(job.id, None)
            return Change(
                job,
                Phase.FAILED,
                Reason.SUBMISSION_FAILED,
                f"Karmada stayed unreachable for {self.deadline_seconds:.0f}s; job not started",
            )
        self.note_failure(job.id)
        return Change(
            job,
            Phase.PENDING,
            Reason.SUBMISSION_RETRYING,
            "Karmada is unreachable; submission will be retried",
            fields={"submission_failing_since": since},
        )

    def note_failure(self, job_id: str) -> float:
        """Record a failed attempt; returns the delay before the next one (seconds)."""
        attempts, _ = self._backoff.get(job_id, (0, 0.0))
        delay = retry_delay(attempts, self.retry_initial_seconds, self.retry_max_seconds)
        self._backoff[job_id] = (attempts + 1, self.clock() + delay)
        return delay

    def _attempt_due(self, job: TrainingJob) -> bool:
        if job.reason != Reason.SUBMISSION_RETRYING.value:
            return True
        entry = self._backoff.get(job.id)
        if entry is None or self.clock() >= entry[1]:
            return True
        # Past the deadline: one more attempt decides between success and SubmissionFailed.
        since = job.submission_failing_since
        return since is not None and (utcnow() - since).total_seconds() >= self.deadline_seconds

    async def delete_objects(self, job: TrainingJob) -> bool:
        """Ask Karmada to delete every object of the job; True once none is left.

        Deleting the template makes Karmada remove its ResourceBinding and member copies.
        """
        remaining = False
        for resource, name in self.resources(job):
            await self.karmada.delete(resource, job.namespace, name, propagation="Background")
            crash_point(f"delete:after-{resource.plural}")
            if await self.karmada.get_or_none(resource, job.namespace, name) is not None:
                remaining = True
        return not remaining


def retry_delay(attempts: int, initial: float, maximum: float) -> float:
    """Exponential backoff with +-20% jitter: initial * 2**attempts, capped at maximum."""
    base = min(initial * (2 ** min(attempts, 30)), maximum)
    return float(base * random.uniform(0.8, 1.2))
