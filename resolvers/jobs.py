"""Job use-cases: create, read, stop, retry, delete, history (listing: ``resolvers.paging``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from app.db import jobs as job_rows
from app.db.history import Change, apply_changes, update_of, utcnow
from app.db.models import JobEvent, TrainingJob
from app.jobspec import JobRequest, RequestInvalid, parse_job_request
from app.jobspec.manifest_size import check_manifest_size
from app.jobstate.phases import Phase, Reason
from app.jobstate.recovery import parse_policy, policy_input, stored_policy
from app.jobstate.transitions import NOT_YET_SUBMITTED
from app.karmada import KarmadaError, KarmadaRejected, KarmadaUnavailable
from app.karmada.errors import Conflict
from app.karmada.paths import InvalidPathValue
from app.karmada.refusals import REFUSAL_HINTS
from app.karmada.resources import NAMESPACES, PRIORITY_CLASSES, SECRETS
from app.operations.stopping import stop_workload
from app.submission.faultpoints import crash_point
from app.submission.submitter import capabilities_of
from app.workloads import (
    ClusterCapabilities,
    JobIdentity,
    build_manifests,
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
from resolvers.errors import (
    InvalidInput,
    InvalidState,
    JobNotFound,
    KarmadaMisconfigured,
    Unavailable,
)

log = logging.getLogger(__name__)


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
        # recoveryPolicy is not part of the request (request_payload stays as it was); the
        # job keeps its policy as accepted, defaults filled in (docs/reliability.md).
        raw_policy = payload.get("recoveryPolicy") if isinstance(payload, dict) else None
        policy = parse_policy(raw_policy, services.submitter.recovery)
    except RequestInvalid as exc:
        raise InvalidInput(exc.field, exc.reason) from None
    _check_may_create(ctx, request.namespace)
    key = idempotency_key(payload, client_request_id)
    if key is not None:
        first = await job_rows.by_request_key(request.namespace, key)
        if first is not None:
            return _replayed(first, request, key)
    kind = kind_for(request)
    job_id = new_job_id(request.job_name)
    object_name = object_name_for(job_id, kind)
    _check_manifest_size(ctx, request, JobIdentity(
        job_id, object_name, request.namespace, services.submitter.instance_id
    ))
    clusters: list[ClusterCapabilities] | None
    try:
        clusters = capabilities_of(
            await _lookup(ctx, "the Cluster list", ctx.karmada.cached_list_clusters)
        )
        try:
            check_target_clusters(request, kind, clusters)
        except RequestInvalid:
            # The list may be a few seconds old (app.karmada.lookup_cache): a cluster that
            # just joined or became ready is only refused once a fresh list says so.
            clusters = capabilities_of(
                await _lookup(ctx, "the Cluster list", ctx.karmada.list_clusters)
            )
            try:
                check_target_clusters(request, kind, clusters)
            except RequestInvalid as exc:
                raise InvalidInput(exc.field, exc.reason) from None
        await _check_prerequisites(ctx, request)
    except KarmadaUnavailable:
        clusters = None  # validated again at submission, once Karmada answers

    now = utcnow()
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
        recovery_policy=policy.to_json(),
        created_at=now,
        updated_at=now,
    )
    try:
        services.hub.publish([await job_rows.insert(job, actor=ctx.actor)])
    except job_rows.DuplicateRequestKey:
        # A concurrent request with the same key won the unique (namespace, key) index.
        if key is None:
            raise
        first = await job_rows.by_request_key(request.namespace, key)
        if first is None:
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
    change.forced = True  # the creating request's own outcome
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


def _check_manifest_size(ctx: Context, request: JobRequest, identity: JobIdentity) -> None:
    """Refuse (400) a request whose workload manifest would be over the bound, before any
    row or object exists (app.jobspec.manifest_size)."""
    submitter = ctx.services.submitter
    manifests = build_manifests(
        request, identity, submitter.workload_settings, list(request.target_clusters)
    )
    try:
        check_manifest_size(
            manifests.workload, request.normalized(), ctx.services.limits.max_manifest_bytes
        )
    except RequestInvalid as exc:
        raise InvalidInput(exc.field, exc.reason) from None


async def _check_prerequisites(ctx: Context, request: JobRequest) -> None:
    """The server creates no namespace, Secret or PriorityClass: they must exist (404: 400).

    A found object may be answered from the short-lived cache (KARMADA_LOOKUP_CACHE_SECONDS,
    app.karmada.lookup_cache): one deleted is refused at most that long after; a missing
    one is always asked for again, so one just created is accepted at once.
    """
    karmada = ctx.karmada
    namespace = await _lookup(
        ctx, f"namespace {request.namespace!r}",
        lambda: karmada.cached_get_or_none(NAMESPACES, None, request.namespace),
    )
    if namespace is None:
        raise InvalidInput("namespace", f"namespace {request.namespace!r} does not exist")
    secret = secret_name_for(request, ctx.services.submitter.workload_settings)
    field = "storageSecretName" if request.storage_secret_name else "namespace"
    found = await _lookup(
        ctx,
        f"Secret {secret!r}",
        lambda: karmada.cached_get_or_none(SECRETS, request.namespace, secret),
        field=field,
    )
    if found is None:
        raise InvalidInput(
            field, f"storage Secret {secret!r} does not exist in namespace {request.namespace!r}"
        )
    priority_class = priority_class_for(request.priority, ctx.services.submitter.workload_settings)
    if priority_class and await _lookup(
        ctx, f"PriorityClass {priority_class!r}",
        lambda: karmada.cached_get_or_none(PRIORITY_CLASSES, None, priority_class),
    ) is None:
        raise InvalidInput("priority", f"PriorityClass {priority_class!r} does not exist")


T = TypeVar("T")


async def _lookup(
    ctx: Context, what: str, read: Callable[[], Awaitable[T]], *, field: str = "namespace"
) -> T:
    """One read Karmada must answer before a job is accepted, its errors decided by status.

    KarmadaUnavailable (no answer, 5xx, 429) passes through: the job is accepted and its
    submission retried. 409 is retried a few times (Karmada's own optimistic concurrency).
    401/403, 404 on a list, 422 and the rest mean the server's configuration is wrong: no
    retry by the client helps, so they become KarmadaMisconfigured (REST 503, GraphQL
    KARMADA_UNAVAILABLE) with a reason an operator can act on (it also shows in
    /health/ready, app.server.health). Karmada's own message is logged, never returned.
    """
    retries = ctx.services.settings.limits.karmada_conflict_retries
    attempt = 0
    while True:
        try:
            return await read()
        except InvalidPathValue as exc:
            raise InvalidInput(field, exc.reason) from None
        except Conflict as exc:
            if attempt < retries:
                attempt += 1
                await asyncio.sleep(0.05 * 2**attempt)
                continue
            raise _misconfigured(
                what, exc, f"kept answering 409 Conflict ({retries} retries); retry shortly"
            ) from exc
        except KarmadaRejected as exc:
            raise _misconfigured(what, exc, REFUSAL_HINTS.get(exc.status, "")) from exc




def _misconfigured(what: str, exc: KarmadaRejected, hint: str) -> KarmadaMisconfigured:
    log.warning("Karmada refused reading %s at job creation: %s", what, exc)
    reason = f"Karmada refused reading {what} (HTTP {exc.status})"
    return KarmadaMisconfigured(f"{reason}: {hint}" if hint else reason, exc.status)


def is_plausible_job_id(job_id: str) -> bool:
    """Could a row have this id? (Fits the column; no NUL, which PostgreSQL rejects.)"""
    return 0 < len(job_id) <= job_rows.ID_MAX_LENGTH and "\x00" not in job_id


def _check_may_create(ctx: Context, namespace: str) -> None:
    """A namespace the caller cannot see reads as missing; a visible one may be Forbidden."""
    if not authz.can_read(ctx, namespace):
        authz.require_authenticated(ctx)
        raise InvalidInput("namespace", f"namespace {namespace!r} does not exist")
    authz.require_mutate(ctx, namespace)


async def get_job(ctx: Context, job_id: str) -> TrainingJob:
    """The job, if it exists and the caller may read its namespace (else JobNotFound)."""
    authz.require_authenticated(ctx)
    if not is_plausible_job_id(job_id):
        raise JobNotFound(job_id)  # longer than any id, or NUL: no such row can exist
    job = await job_rows.get(job_id)
    if job is None or not authz.can_read(ctx, job.namespace):
        raise JobNotFound(job_id)
    return job


async def delete_job(ctx: Context, job_id: str) -> None:
    """Remove the job's objects from Karmada, then its row.

    A running job is stopped first (suspended, so its pods end cleanly). The job shows
    DELETING until Karmada confirms; if that does not happen now (Karmada unreachable,
    finalizers), the poller finishes it. Repeating the call is harmless.
    """
    # The DELETING transition is forced: it is re-applied if the poller wrote meanwhile.
    job = await _mark_deleting(ctx, job_id)
    hub = ctx.services.hub
    crash_point("delete:after-mark")
    try:
        gone = await ctx.services.submitter.delete_objects(job)
    except KarmadaError:
        return
    # Reached whether or not Karmada already confirms: a crash here leaves a DELETING row
    # (with or without objects left), which the poller finishes.
    crash_point("delete:after-objects")
    if gone:
        await job_rows.delete(job)
        hub.publish([update_of(job, deleted=True)])


async def _mark_deleting(ctx: Context, job_id: str) -> TrainingJob:
    job = await get_job(ctx, job_id)
    authz.require_mutate(ctx, job.namespace)
    hub = ctx.services.hub
    if job.status != Phase.DELETING.value:
        was_running = not Phase(job.status).is_terminal and job.reason not in NOT_YET_SUBMITTED
        message = "Deletion requested"
        if was_running:
            with contextlib.suppress(KarmadaError):
                await stop_workload(ctx.karmada, job)
                message = "Deletion requested; the running job was stopped first"
                crash_point("delete:after-stop")
        hub.publish(
            await apply_changes(
                [
                    Change(
                        job,
                        Phase.DELETING,
                        Reason.DELETE_REQUESTED,
                        message,
                        actor=ctx.actor,
                        fields={"deleted_by": ctx.actor},
                        forced=True,
                    )
                ]
            )
        )
    return job




async def stop_job(ctx: Context, job_id: str) -> TrainingJob:
    """Stop the job's work and keep its record: STOPPING now, STOPPED once members confirm.

    Raises JobNotFound, InvalidState for a job that already ended (or is being deleted),
    and Unavailable when Karmada cannot be told (nothing is changed then).
    """
    return await _stop_once(ctx, job_id)


async def _stop_once(ctx: Context, job_id: str) -> TrainingJob:
    job = await get_job(ctx, job_id)
    authz.require_mutate(ctx, job.namespace)
    phase = Phase(job.status)
    if phase.is_terminal or phase is Phase.DELETING:
        raise InvalidState(f"job {job.id} is {phase.value}; only a running job can be stopped")
    if phase is Phase.STOPPING:
        return job  # already asked; repeating is harmless
    who = ctx.actor or "anonymous"
    if job.reason in NOT_YET_SUBMITTED:
        # Nothing exists on Karmada yet: the job simply never starts.
        change = Change(
            job,
            Phase.STOPPED,
            Reason.STOPPED_BY_USER,
            f"Stopped by {who} before it was submitted",
            actor=ctx.actor,
            fields={"stopped_by": ctx.actor, "completion_time": utcnow()},
            forced=True,
        )
    else:
        try:
            how = await stop_workload(ctx.karmada, job)
        except KarmadaError as exc:
            raise Unavailable("Karmada is unreachable; the job was not stopped") from exc
        crash_point("stop:after-workload")
        change = Change(
            job,
            Phase.STOPPING,
            Reason.STOPPED_BY_USER,
            f"Stop requested by {who}; workload {how}",
            actor=ctx.actor,
            fields={"stopped_by": ctx.actor},
            forced=True,
        )
    ctx.services.hub.publish(await apply_changes([change]))
    crash_point("stop:after-mark")
    return job


async def retry_job(ctx: Context, job_id: str, overrides: object = None) -> TrainingJob:
    """A new job from the stored request of ``job_id``, with ``overrides`` merged in.

    ``overrides`` uses the request's keys (e.g. ``{"resources": {"instanceCount": 2}}``);
    objects merge key by key, anything else replaces. The new job gets a new id.
    """
    source = await get_job(ctx, job_id)
    if overrides is not None and not isinstance(overrides, dict):
        raise InvalidInput("overrides", "must be an object with request keys")
    payload = merge_request(dict(source.request_payload), overrides or {})
    if "recoveryPolicy" not in payload and source.recovery_policy:
        # The manual retry keeps the job's policy unless the overrides give one.
        payload["recoveryPolicy"] = policy_input(
            stored_policy(source.recovery_policy, ctx.services.submitter.recovery)
        )
    return await create_job(ctx, payload)


def merge_request(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` into ``base`` (objects by key; other values replace)."""
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge_request(current, value)
        else:
            merged[key] = value
    return merged


async def job_events(
    ctx: Context, job_id: str, after_sequence: int = 0, first: int = 100
) -> list[JobEvent]:
    await get_job(ctx, job_id)
    return await history_of(job_id, after_sequence, first)


async def history_of(job_id: str, after_sequence: int = 0, first: int = 100) -> list[JobEvent]:
    """The history of a job the caller already read (``get_job``), oldest first."""
    if not 1 <= first <= 1000:
        raise InvalidInput("first", "must be between 1 and 1000")
    return await job_rows.events_after(job_id, after_sequence, first)


#: The newest row read for a status update, per job (bounded, least recently used dropped):
#: every subscriber's render of one update (and a deletion, once the row is gone) reads it
#: from here instead of from the database.
_UPDATE_ROWS: OrderedDict[str, TrainingJob] = OrderedDict()
_UPDATE_ROWS_MAX = 4096


async def row_for_update(job_id: str, sequence: int) -> TrainingJob:
    """The job's row, at least as new as the update with ``sequence``, for
    ``JobStatusUpdate.job``; once deleted, the row as last read. JobNotFound if never read.

    No authorisation here: the update itself was authorised for the subscriber (the streams
    check the namespace), and the result must not depend on the viewer (shared fan-out).
    """
    cached = _UPDATE_ROWS.get(job_id)
    if cached is not None and cached.last_sequence >= sequence:
        _UPDATE_ROWS.move_to_end(job_id)
        return cached
    row = await job_rows.get(job_id) if is_plausible_job_id(job_id) else None
    if row is None:
        if cached is not None:
            return cached
        raise JobNotFound(job_id)
    _UPDATE_ROWS[job_id] = row
    _UPDATE_ROWS.move_to_end(job_id)
    while len(_UPDATE_ROWS) > _UPDATE_ROWS_MAX:
        _UPDATE_ROWS.popitem(last=False)
    return row
