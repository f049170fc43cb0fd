"""The writes of a recovery (issue 19), in an order that survives a crash at every step.

1. ``begin_attempt``: one transaction closes the failed attempt's ``job_attempts`` row (end,
   phase, cause, cluster) and inserts the next one (PENDING/Recovering, its object name).
   Crash point ``recover:after-attempt-row``. The poller then writes the job row (attempt
   number, object name, PENDING/Recovering, a job event) with the tick's other changes; a
   crash before that write leaves the job as it was, the next tick decides the same again
   and finds the rows already there (``get_or_create`` on (job, number)): nothing doubled.
2. ``retire_previous`` (from the submitter, while the job is Recovering): archive the logs of
   every earlier attempt not archived yet (``archive``: app.operations.archive, handed in by
   the composition root; a member that does not answer does not hold the recovery), then
   delete every earlier attempt's workload and PropagationPolicy on Karmada (crash point
   ``recover:after-delete-old``), then make sure no earlier attempt still runs on a member
   that answers; a member that does not answer is waited for or not, per the policy.
   A submission burst does this for all its Recovering jobs at once (``retire_many``): every
   job's archive and deletes first, then one list of each member's workloads for every check.
3. The submitter creates the new attempt's objects under its own name (crash points
   ``submit:after-*``) and the job moves to Scheduling.

Whatever a crash leaves on Karmada under an earlier attempt's name is found by the
reconciler: an object of a live job that is not the job's current attempt is stale and
deleted (``stale_attempt_objects``), its attempt's logs archived first (``archive_earlier``)
when step 2 has not yet done so. The poller reads status by the current attempt's object
name only, so a stale attempt on a returning member never reports into the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db.history import Change
from app.db.models import JobAttempt, TrainingJob
from app.jobstate.phases import Phase, Reason
from app.jobstate.recovery import RecoveryPolicy, stored_policy
from app.karmada import METADATA_LIST_ACCEPT, KarmadaClient, KarmadaError, NotFound
from app.karmada.paths import api_path, label_selector
from app.karmada.resources import PROPAGATION_POLICIES, ApiResource
from app.settings import PollerSettings
from app.submission.faultpoints import crash_point
from app.workloads import (
    INSTANCE_LABEL,
    JOB_ID_LABEL,
    ClusterCapabilities,
    attempt_object_name,
    job_id_label_value,
    kind_by_name,
)
from app.workloads.failures import Failure

log = logging.getLogger(__name__)

#: Who a recovery's job events name as their actor.
RECOVERY_ACTOR = "recovery"

#: Archives an ended attempt's pod logs (True once done); app.operations.archive.LogArchiver.
ArchiveAttempt = Callable[[TrainingJob, JobAttempt], Awaitable[bool]]


def retires_first(job: TrainingJob) -> bool:
    """Whether submitting ``job`` must first retire its earlier attempts (step 2): while it
    is Recovering, and when that recovery met an unavailable Karmada and is retried as
    SubmissionRetrying (the retry must not create the new attempt unchecked)."""
    return job.reason == Reason.RECOVERING.value or (
        job.attempt > 1 and job.reason == Reason.SUBMISSION_RETRYING.value
    )


def recovery_defaults(settings: PollerSettings) -> RecoveryPolicy:
    """The policy of a job that names none (the ``RECOVERY_*`` settings)."""
    return RecoveryPolicy(
        max_attempts=settings.recovery_max_attempts,
        retry_infrastructure=settings.recovery_retry_infrastructure,
        retry_application=settings.recovery_retry_application,
        avoid_failed_clusters=settings.recovery_avoid_failed_clusters,
        member_grace_seconds=settings.recovery_member_grace_seconds,
        on_unreachable=settings.recovery_on_unreachable,
    )


def policy_of(job: TrainingJob, defaults: RecoveryPolicy) -> RecoveryPolicy:
    return stored_policy(job.recovery_policy, defaults)


async def begin_attempt(
    job: TrainingJob,
    failure: Failure,
    cluster: str | None,
    policy: RecoveryPolicy,
    now: datetime,
) -> Change | None:
    """Record the end of the job's current attempt and the start of the next (step 1);
    returns the job row's change, for the caller to write. None when the job's row is gone
    (deleted since the poller read it): there is nothing to recover."""
    number = job.attempt + 1
    kind = kind_by_name(job.kind)
    name = attempt_object_name(job.id, kind, number)
    try:
        await _record_attempts(job, failure, cluster, number, name, now)
    except IntegrityError as exc:
        log.info("job %s: not recovered, its row is gone: %s", job.id, exc)
        return None
    crash_point("recover:after-attempt-row")
    where = f" on {cluster}" if cluster else ""
    message = (
        f"Attempt {job.attempt} failed{where} ({failure.kind.value} {failure.cause.value}: "
        f"{failure.detail}); starting attempt {number} of {policy.max_attempts}"
    )
    return Change(
        job,
        Phase.PENDING,
        Reason.RECOVERING,
        message,
        cluster=cluster,
        actor=RECOVERY_ACTOR,
        fields={
            "attempt": number,
            "object_name": name,
            "placement": [],
            "cluster_distribution": {},
            "active": 0,
            "succeeded": 0,
            "failed": 0,
            "start_time": None,
            "completion_time": None,
            "status_confirmed_at": None,
            "submission_failing_since": None,
        },
    )


async def _record_attempts(
    job: TrainingJob, failure: Failure, cluster: str | None, number: int, name: str,
    now: datetime,
) -> None:
    async with in_transaction():
        ended, _ = await JobAttempt.get_or_create(
            job_id=job.id,
            number=job.attempt,
            defaults={
                "object_name": job.object_name,
                "phase": job.status,
                "reason": job.reason,
                "started_at": job.start_time or job.created_at,
            },
        )
        ended.cluster = cluster
        ended.phase = Phase.FAILED.value
        ended.reason = failure.cause.value
        ended.message = failure.detail
        ended.ended_at = ended.ended_at or now
        await ended.save()
        await JobAttempt.get_or_create(
            job_id=job.id,
            number=number,
            defaults={
                "object_name": name,
                "phase": Phase.PENDING.value,
                "reason": Reason.RECOVERING.value,
                "started_at": now,
            },
        )


async def earlier_attempts(job: TrainingJob) -> list[JobAttempt]:
    if job.attempt <= 1:
        return []
    return list(
        await JobAttempt.filter(job_id=job.id, number__lt=job.attempt).order_by("number")
    )


async def failed_clusters(job: TrainingJob) -> set[str]:
    return {a.cluster for a in await earlier_attempts(job) if a.cluster}


async def archive_earlier(
    job: TrainingJob, archive: ArchiveAttempt, names: set[str] | None = None
) -> None:
    """Archive the logs of the job's earlier attempts not archived yet (only those whose
    object name is in ``names``, when given): before their objects, and pods, are deleted."""
    await archive_attempts(job, await earlier_attempts(job), archive, names)


async def archive_attempts(
    job: TrainingJob,
    attempts: Sequence[JobAttempt],
    archive: ArchiveAttempt,
    names: set[str] | None = None,
) -> None:
    """``archive_earlier`` with the earlier attempts already read."""
    for attempt in attempts:
        if attempt.logs_archived_at is None and (names is None or attempt.object_name in names):
            await archive(job, attempt)


def _workload_resource(job: TrainingJob) -> ApiResource:
    kind = kind_by_name(job.kind)
    return ApiResource(kind.group, kind.version, kind.plural)


async def member_runs(
    karmada: KarmadaClient, cluster: str, job: TrainingJob, names: Sequence[str], instance: str
) -> set[str] | None:
    """Which of ``names`` (this job's workloads) exist on the member, read through the
    cluster proxy; None when the member does not answer."""
    kind = kind_by_name(job.kind)
    path = api_path(kind.group, kind.version, kind.plural, job.namespace)
    selector = label_selector(
        [(JOB_ID_LABEL, job_id_label_value(job.id)), (INSTANCE_LABEL, instance)]
    )
    try:
        answer = await karmada.proxy_get(cluster, path, query={"labelSelector": selector})
    except NotFound:
        return set()  # the cluster or the namespace is gone: nothing runs there
    except KarmadaError:
        return None
    present = {str((item.get("metadata") or {}).get("name")) for item in answer.get("items") or []}
    return present & set(names)


#: What a member's workloads are checked with: (cluster, job, names) -> those of ``names``
#: on the member, None when it does not answer.
RunsOn = Callable[[str, TrainingJob, Sequence[str]], Awaitable["set[str] | None"]]


async def delete_previous(
    karmada: KarmadaClient, job: TrainingJob, earlier: Sequence[JobAttempt]
) -> None:
    """Step 2's deletes: every earlier attempt's workload and PropagationPolicy."""
    workload = _workload_resource(job)
    for attempt in earlier:
        for resource in (workload, PROPAGATION_POLICIES):
            await karmada.delete(resource, job.namespace, attempt.object_name)
        crash_point("recover:after-delete-old")


async def check_previous(
    job: TrainingJob,
    earlier: Sequence[JobAttempt],
    policy: RecoveryPolicy,
    clusters: Sequence[ClusterCapabilities],
    runs: RunsOn,
) -> str | None:
    """Step 2's check, once the deletes were sent: None once the new attempt may start, else
    why it waits (a member that answers still runs an earlier attempt, or one that does not
    answer while the policy says ``wait``). ``runs`` must read the members after the
    deletes returned."""
    ready = {c.name: c.ready for c in clusters}
    by_cluster: dict[str, list[str]] = {}
    for attempt in earlier:
        if attempt.cluster:
            by_cluster.setdefault(attempt.cluster, []).append(attempt.object_name)
    for cluster, names in sorted(by_cluster.items()):
        writes_apply = ready.get(cluster, True)
        running = await runs(cluster, job, names)
        if running is None or (running and not writes_apply):
            # Karmada holds the deletion until the member is back (its execution controller
            # does not write to a member that is not Ready); the grace already passed.
            if policy.on_unreachable == "wait":
                return f"waiting for member {cluster} to come back and remove attempt(s)"
            continue
        if running:
            return f"waiting for {', '.join(sorted(running))} to stop on {cluster}"
    return None


async def retire_previous(
    karmada: KarmadaClient,
    job: TrainingJob,
    policy: RecoveryPolicy,
    instance: str,
    clusters: Sequence[ClusterCapabilities],
    archive: ArchiveAttempt | None = None,
) -> str | None:
    """Step 2 for one job: archive the earlier attempts' logs, delete their objects, then
    check the members (``check_previous``) with a LIST of this job's workloads per member."""
    earlier = await earlier_attempts(job)
    if archive is not None:
        # Before the deletes: an attempt's pods (and their logs) go with its workload.
        await archive_attempts(job, earlier, archive)
    await delete_previous(karmada, job, earlier)

    async def runs(cluster: str, job: TrainingJob, names: Sequence[str]) -> set[str] | None:
        return await member_runs(karmada, cluster, job, names, instance)

    return await check_previous(job, earlier, policy, clusters, runs)


class MemberWorkloads:
    """Our workloads on each member, read once: one LIST per (member, kind, namespace),
    metadata only, shared by every job checked with it. Make one after the deletes of every
    job it checks have returned (a LIST from before a delete proves nothing)."""

    def __init__(self, karmada: KarmadaClient, instance: str) -> None:
        self.karmada = karmada
        self.instance = instance
        self._lists: dict[tuple[str, str, str], asyncio.Future[set[str] | None]] = {}

    async def runs(self, cluster: str, job: TrainingJob, names: Sequence[str]) -> set[str] | None:
        key = (cluster, job.kind, job.namespace)
        listed = self._lists.get(key)
        if listed is None:
            listed = self._lists[key] = asyncio.ensure_future(self._read(cluster, job))
        present = await asyncio.shield(listed)
        return None if present is None else present & set(names)

    async def _read(self, cluster: str, job: TrainingJob) -> set[str] | None:
        kind = kind_by_name(job.kind)
        path = api_path(kind.group, kind.version, kind.plural, job.namespace)
        try:
            answer = await self.karmada.proxy_get(
                cluster,
                path,
                query={"labelSelector": label_selector([(INSTANCE_LABEL, self.instance)])},
                accept=METADATA_LIST_ACCEPT,
            )
        except NotFound:
            return set()  # the cluster or the namespace is gone: nothing runs there
        except KarmadaError:
            return None
        return {
            str((item.get("metadata") or {}).get("name")) for item in answer.get("items") or []
        }


async def retire_many(
    karmada: KarmadaClient,
    jobs: Sequence[TrainingJob],
    policies: Callable[[TrainingJob], RecoveryPolicy],
    instance: str,
    clusters: Sequence[ClusterCapabilities],
    *,
    deleted: MutableMapping[str, int],
    concurrency: int = 16,
    archive: ArchiveAttempt | None = None,
) -> dict[str, str | None]:
    """Step 2 for many Recovering jobs at once (a submission burst): every job's archive and
    deletes
    first (``concurrency`` at a time; skipped for a job whose deletes this process already
    sent for its current attempt, as ``deleted`` records: job id -> attempt), then one
    ``MemberWorkloads`` for all the checks, so each member is listed once whatever the number
    of jobs waiting on it. Answers job id -> ``check_previous``'s answer, for every job whose
    deletes succeeded; a job left out (Karmada failed it) goes through ``retire_previous``
    itself, which meets the same error and handles it."""
    if not jobs:
        return {}
    return await retire_with(
        karmada, jobs, await earlier_attempts_of(jobs), policies, instance, clusters,
        deleted=deleted, concurrency=concurrency, archive=archive,
    )


async def earlier_attempts_of(jobs: Sequence[TrainingJob]) -> dict[str, list[JobAttempt]]:
    """``earlier_attempts`` of many jobs, in one query."""
    earlier: dict[str, list[JobAttempt]] = {job.id: [] for job in jobs}
    if not jobs:
        return earlier
    current = {job.id: job.attempt for job in jobs}
    attempts = await JobAttempt.filter(
        job_id__in=list(current), number__lt=max(current.values())
    ).order_by("number")
    for attempt in attempts:
        if attempt.number < current[attempt.job_id]:
            earlier[attempt.job_id].append(attempt)
    return earlier


async def retire_with(
    karmada: KarmadaClient,
    jobs: Sequence[TrainingJob],
    earlier: Mapping[str, Sequence[JobAttempt]],
    policies: Callable[[TrainingJob], RecoveryPolicy],
    instance: str,
    clusters: Sequence[ClusterCapabilities],
    *,
    deleted: MutableMapping[str, int],
    concurrency: int = 16,
    archive: ArchiveAttempt | None = None,
) -> dict[str, str | None]:
    """``retire_many`` with the jobs' earlier attempts already read."""
    gate = asyncio.Semaphore(concurrency)

    async def delete(job: TrainingJob) -> bool:
        if deleted.get(job.id) == job.attempt:
            return True
        async with gate:
            try:
                if archive is not None:
                    # Before the deletes: an attempt's pods (and their logs) go with it.
                    await archive_attempts(job, earlier[job.id], archive)
                await delete_previous(karmada, job, earlier[job.id])
            except KarmadaError as exc:
                log.info("job %s: earlier attempts not deleted yet: %s", job.id, exc)
                return False
        deleted[job.id] = job.attempt
        return True

    done = await asyncio.gather(*(delete(job) for job in jobs))
    members = MemberWorkloads(karmada, instance)
    answers: dict[str, str | None] = {}
    for job, ok in zip(jobs, done, strict=True):
        if ok:
            answers[job.id] = await check_previous(
                job, earlier[job.id], policies(job), clusters, members.runs
            )
    return answers
