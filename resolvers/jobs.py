"""Job use-cases: create, read, list, delete, history."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from app.db.history import Change, apply_changes, create_job_row, update_of, utcnow
from app.db.models import JobEvent, TrainingJob
from app.faultpoints import crash_point
from app.jobspec import JobRequest, RequestInvalid, parse_job_request
from app.karmada import KarmadaError, KarmadaUnavailable
from app.karmada.resources import NAMESPACES, PRIORITY_CLASSES, SECRETS
from app.phases import Phase, Reason
from app.submission import capabilities_of
from app.workloads import (
    ClusterCapabilities,
    check_target_clusters,
    kind_for,
    new_job_id,
    object_name_for,
    priority_class_for,
    pvc_name_for,
    secret_name_for,
)
from resolvers import authz
from resolvers.context import Context
from resolvers.errors import InvalidInput, JobNotFound


async def create_job(
    ctx: Context, payload: object, client_request_id: str | None = None
) -> TrainingJob:
    """Validate, store (PENDING/Submitting), then submit to Karmada.

    Raises InvalidInput for bad requests (nothing is written). A Karmada outage does not
    fail the call: the job is kept PENDING/SubmissionRetrying and retried by the poller.
    With an idempotency key (``client_request_id``: the Idempotency-Key header, or the
    body's ``clientRequestId``) a retried request returns the job the first one created.
    """
    services = ctx.services
    try:
        request = parse_job_request(payload, services.limits)
    except RequestInvalid as exc:
        raise InvalidInput(exc.field, exc.reason) from None
    _check_may_create(ctx, request.namespace)
    key = idempotency_key(payload, client_request_id)
    if key is not None:
        first = await TrainingJob.get_or_none(namespace=request.namespace, client_request_id=key)
        if first is not None:
            return _replayed(first, request, key)
    kind = kind_for(request)
    clusters: list[ClusterCapabilities] | None
    try:
        clusters = capabilities_of(await ctx.karmada.list_clusters())
        try:
            check_target_clusters(request, kind, clusters)
        except RequestInvalid as exc:
            raise InvalidInput(exc.field, exc.reason) from None
        await _check_prerequisites(ctx, request)
    except KarmadaUnavailable:
        clusters = None  # validated again at submission, once Karmada answers

    now = utcnow()
    job_id = new_job_id(request.job_name)
    object_name = object_name_for(job_id, kind)
    wants_pvc = request.resources.volume_size_gb > 0 and not request.pvc_name
    job = TrainingJob(
        id=job_id,
        job_name=request.job_name,
        namespace=request.namespace,
        algorithm=request.algorithm_name,
        priority=request.priority,
        request_payload=request.normalized(),
        target_clusters=list(request.target_clusters),
        kind=kind.kind,
        api_version=kind.api_version,
        object_name=object_name,
        pvc_name=pvc_name_for(object_name) if wants_pvc else None,
        status=Phase.PENDING.value,
        reason=Reason.SUBMITTING.value,
        message="Accepted; submitting to Karmada",
        created_by=ctx.actor,
        client_request_id=key,
        created_at=now,
        updated_at=now,
    )
    try:
        services.hub.publish([await create_job_row(job, actor=ctx.actor)])
    except IntegrityError:
        # A concurrent request with the same key won the unique (namespace, key) index.
        first = await TrainingJob.get_or_none(namespace=request.namespace, client_request_id=key)
        if key is None or first is None:
            raise
        return _replayed(first, request, key)
    crash_point("create:after-row")
    if clusters is None:
        change = Change(
            job,
            Phase.PENDING,
            Reason.SUBMISSION_RETRYING,
            "Karmada is unreachable; submission will be retried",
            fields={"submission_failing_since": now},
        )
    else:
        change = await services.submitter.submit(job, request, clusters)
    services.hub.publish(await apply_changes([change]))
    return job


MAX_IDEMPOTENCY_KEY_LENGTH = 128


def idempotency_key(payload: object, header_value: str | None) -> str | None:
    """The request's idempotency key: the header and/or the body's ``clientRequestId``.

    Raises InvalidInput when it is malformed or when the two disagree.
    """
    body_value = payload.get("clientRequestId") if isinstance(payload, dict) else None
    if body_value is not None and not isinstance(body_value, str):
        raise InvalidInput("clientRequestId", "must be a string")
    if header_value is not None and body_value is not None and header_value != body_value:
        raise InvalidInput("clientRequestId", "differs from the Idempotency-Key header")
    key = header_value if header_value is not None else body_value
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "clientRequestId",
            f"must be 1-{MAX_IDEMPOTENCY_KEY_LENGTH} printable characters",
        )
    return key


def _replayed(first: TrainingJob, request: JobRequest, key: str) -> TrainingJob:
    """The job a key already created; the same key with a different request is an error."""
    if first.request_payload != json.loads(json.dumps(request.normalized())):
        raise InvalidInput(
            "clientRequestId", f"already used for a different request (job {first.id})"
        )
    return first


async def _check_prerequisites(ctx: Context, request: JobRequest) -> None:
    """The server creates no namespace, Secret or PriorityClass: they must exist."""
    karmada = ctx.karmada
    if await karmada.get_or_none(NAMESPACES, None, request.namespace) is None:
        raise InvalidInput("namespace", f"namespace {request.namespace!r} does not exist")
    secret = secret_name_for(request, ctx.services.submitter.workload_settings)
    if await karmada.get_or_none(SECRETS, request.namespace, secret) is None:
        field = "storageSecretName" if request.storage_secret_name else "namespace"
        raise InvalidInput(
            field, f"storage Secret {secret!r} does not exist in namespace {request.namespace!r}"
        )
    priority_class = priority_class_for(request.priority, ctx.services.submitter.workload_settings)
    if priority_class and await karmada.get_or_none(PRIORITY_CLASSES, None, priority_class) is None:
        raise InvalidInput("priority", f"PriorityClass {priority_class!r} does not exist")


def _check_may_create(ctx: Context, namespace: str) -> None:
    """A namespace the caller cannot see reads as missing; a visible one may be Forbidden."""
    if not authz.can_read(ctx, namespace):
        authz.require_authenticated(ctx)
        raise InvalidInput("namespace", f"namespace {namespace!r} does not exist")
    authz.require_mutate(ctx, namespace)


async def get_job(ctx: Context, job_id: str) -> TrainingJob:
    """The job, if it exists and the caller may read its namespace (else JobNotFound)."""
    authz.require_authenticated(ctx)
    job = await TrainingJob.get_or_none(id=job_id)
    if job is None or not authz.can_read(ctx, job.namespace):
        raise JobNotFound(job_id)
    return job


def _visible(ctx: Context, query):  # type: ignore[no-untyped-def]
    """Only rows in namespaces the caller may read."""
    authz.require_authenticated(ctx)
    namespaces = authz.visible_namespaces(ctx)
    return query if namespaces is None else query.filter(namespace__in=sorted(namespaces))


@dataclass(frozen=True)
class JobFilter:
    namespace: str | None = None
    phases: Sequence[Phase] | None = None


@dataclass
class JobPage:
    jobs: list[TrainingJob]
    total_count: int
    has_next_page: bool
    end_cursor: str | None


async def list_jobs(ctx: Context, job_filter: JobFilter | None = None) -> list[TrainingJob]:
    """Every matching job, newest first (then by id), as the REST list returns them."""
    jobs: list[TrainingJob] = await (
        _visible(ctx, _filtered(job_filter)).order_by("-created_at", "-id").all()
    )
    return jobs


async def page_jobs(
    ctx: Context, job_filter: JobFilter | None, first: int, after: str | None
) -> JobPage:
    """A keyset page (newest first); filters apply before paging, so pages are never short."""
    if not 1 <= first <= 500:
        raise InvalidInput("first", "must be between 1 and 500")
    query = _visible(ctx, _filtered(job_filter))
    total = await query.count()
    if after is not None:
        created_at, job_id = _decode_cursor(after)
        query = query.filter(created_at__lte=created_at).exclude(
            created_at=created_at, id__gte=job_id
        )
    rows = await query.order_by("-created_at", "-id").limit(first + 1).all()
    has_next = len(rows) > first
    rows = rows[:first]
    end = cursor_of(rows[-1]) if rows else None
    return JobPage(rows, total, has_next, end)


def _filtered(job_filter: JobFilter | None):  # type: ignore[no-untyped-def]
    query = TrainingJob.all()
    if job_filter is None:
        return query
    if job_filter.namespace:
        query = query.filter(namespace=job_filter.namespace)
    if job_filter.phases:
        query = query.filter(status__in=[p.value for p in job_filter.phases])
    return query


def cursor_of(job: TrainingJob) -> str:
    raw = json.dumps([job.created_at.isoformat(), job.id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        created, job_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(created), str(job_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput("after", "not a cursor returned by this API") from None


async def delete_job(ctx: Context, job_id: str) -> None:
    """Remove the job's objects from Karmada, then its row.

    The job shows DELETING until Karmada confirms; if that does not happen now (Karmada
    unreachable, finalizers), the poller finishes it. Repeating the call is harmless.
    """
    job = await get_job(ctx, job_id)
    authz.require_mutate(ctx, job.namespace)
    hub = ctx.services.hub
    if job.status != Phase.DELETING.value:
        hub.publish(
            await apply_changes(
                [
                    Change(
                        job,
                        Phase.DELETING,
                        Reason.DELETE_REQUESTED,
                        "Deletion requested",
                        actor=ctx.actor,
                    )
                ]
            )
        )
    crash_point("delete:after-mark")
    try:
        gone = await ctx.services.submitter.delete_objects(job)
    except KarmadaError:
        return
    if gone:
        crash_point("delete:after-objects")
        await job.delete()
        hub.publish([update_of(job, deleted=True)])


async def job_events(
    ctx: Context, job_id: str, after_sequence: int = 0, first: int = 100
) -> list[JobEvent]:
    await get_job(ctx, job_id)
    if not 1 <= first <= 1000:
        raise InvalidInput("first", "must be between 1 and 1000")
    return (
        await JobEvent.filter(job_id=job_id, sequence__gt=after_sequence)
        .order_by("sequence")
        .limit(first)
    )
