"""REST compatibility routes of the Go service (README, REST API): same paths, codes and keys.

Thin: parse the request, call the same resolvers GraphQL uses, shape the JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db import job_list as job_list_rows
from app.db.models import TrainingJob
from app.jobstate.phases import Phase
from app.karmada.paths import InvalidPathValue, check_name, check_namespace
from app.server.job_list import GZIP_MIN_BYTES, JobListCache, accepts_gzip, etag_matches
from app.server.openapi import openapi_document
from app.server.rest_params import ParamInvalid, UnsupportedMediaType, decode_json_body, query_int
from resolvers import authz, paging
from resolvers import clusters as cluster_resolvers
from resolvers import jobs as job_resolvers
from resolvers import logs as log_resolvers
from resolvers.context import Context
from resolvers.errors import InvalidInput, JobNotFound, KarmadaMisconfigured, Unavailable

Endpoint = Callable[[Request], Awaitable[Response]]

NOT_FOUND = {"error": "Training job not found"}
#: Upper bounds of query integers that have no setting of their own.
MAX_OFFSET = 1_000_000_000
MAX_SINCE_SECONDS = 2**31 - 1
#: ``attempt`` is further bounded by the job's own number of attempts (resolvers.logs).
MAX_ATTEMPT = 2**31 - 1
#: Lists up to this ``limit`` are re-read when stale rather than checked against the table.
SHORT_LIST = 1000


def rfc3339(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def job_response(job: TrainingJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "jobName": job.job_name,
        "namespace": job.namespace,
        "algorithm": job.algorithm,
        "priority": job.priority,
        "request": job.request_payload,
        "status": Phase(job.status).rest,
        "message": job.message,
        "createdAt": rfc3339(job.created_at),
        "updatedAt": rfc3339(job.updated_at),
    }


def status_response(job: TrainingJob) -> dict[str, Any]:
    return {
        "phase": Phase(job.status).rest,
        "reason": job.reason,
        "message": job.message,
        "active": job.active,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "startTime": rfc3339(job.start_time),
        "completionTime": rfc3339(job.completion_time),
        "clusterDistribution": dict(job.cluster_distribution),
        # Issue 19: which attempt these keys describe (1 until a recovery); the only new key.
        "attempt": job.attempt,
    }


def invalid(details: str) -> JSONResponse:
    return JSONResponse({"error": "Invalid request payload", "details": details}, status_code=400)


def unsupported_media_type(details: str) -> JSONResponse:
    return JSONResponse({"error": "Unsupported media type", "details": details}, status_code=415)


def karmada_misconfigured(exc: KarmadaMisconfigured) -> JSONResponse:
    """503: Karmada refuses us (credentials, permissions, API missing); the operator must act."""
    return JSONResponse(
        {"error": "Karmada unavailable", "details": exc.reason}, status_code=503,
        headers={"Retry-After": "30"},
    )


def _ctx(request: Request) -> Context:
    # The AuthenticationMiddleware put the caller here (None: nobody, everything denied).
    principal = getattr(request.state, "principal", None)
    user = principal.user if principal is not None else None
    return Context(services=request.app.state.services, actor=user, principal=principal)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "healthy"})


async def create_job(request: Request) -> Response:
    limits = request.app.state.services.settings.limits
    try:
        payload = decode_json_body(
            await request.body(), request.headers.get("content-type"),
            max_depth=limits.max_json_depth,
        )
    except UnsupportedMediaType as exc:
        return unsupported_media_type(str(exc))
    except ParamInvalid as exc:
        return invalid(f"{exc.field}: {exc.reason}")
    try:
        job = await job_resolvers.create_job(
            _ctx(request), payload, request.headers.get("idempotency-key")
        )
    except InvalidInput as exc:
        return invalid(f"{exc.field}: {exc.reason}")
    except KarmadaMisconfigured as exc:
        return karmada_misconfigured(exc)
    return JSONResponse(job_response(job), status_code=201)


async def list_jobs(request: Request) -> Response:
    phases = None
    status = request.query_params.get("status")
    if status:
        try:
            phases = [Phase.from_rest(s) for s in status.split(",") if s]
        except ValueError:
            return invalid(f"status: unknown phase {status!r}")
    params = request.query_params
    max_limit = request.app.state.services.settings.limits.rest_max_list_limit
    try:
        namespace = params.get("namespace") or None
        if namespace is not None:
            check_namespace(namespace)
        limit = query_int(params, "limit", minimum=0, maximum=max_limit)
        offset = query_int(params, "offset", minimum=0, maximum=MAX_OFFSET) or 0
    except (ParamInvalid, InvalidPathValue) as exc:
        return invalid(f"{exc.field}: {exc.reason}")
    job_filter = paging.JobFilter(namespace=namespace, phases=phases)
    ctx = _ctx(request)
    authz.require_authenticated(ctx)
    visible = authz.visible_namespaces(ctx)
    # The answer depends on exactly these: a viewer's cached list is never another's.
    key = (visible, namespace, tuple(phases or ()), limit, offset)
    rendered = await _job_list_cache(request).get(
        key,
        lambda: job_list_rows.rows(job_filter, visible, limit=limit, offset=offset),
        fingerprinted=limit is None or limit > SHORT_LIST,
    )
    headers = {
        "ETag": rendered.etag,
        # Browsers keep the body and revalidate every poll (If-None-Match -> 304); it is
        # the caller's own view, so no shared cache may keep it.
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding",
    }
    if etag_matches(request.headers.get("if-none-match"), rendered.etag):
        return Response(status_code=304, headers=headers)
    if rendered.size >= GZIP_MIN_BYTES and accepts_gzip(request.headers.get("accept-encoding")):
        _job_list_cache(request).gzip_wanted = True
        headers["Content-Encoding"] = "gzip"
        return Response(await rendered.gzipped(), media_type="application/json", headers=headers)
    return Response(rendered.body, media_type="application/json", headers=headers)


def _job_list_cache(request: Request) -> JobListCache:
    """The app's list cache, made on first use and emptied by every hub change."""
    state = request.app.state
    cache: JobListCache | None = getattr(state, "job_list_cache", None)
    if cache is None:
        services = state.services
        cache = JobListCache(services.settings.poller.poll_interval_seconds)
        services.hub.on_change(cache.invalidate)
        state.job_list_cache = cache
    return cache


async def get_job(request: Request) -> Response:
    try:
        job = await job_resolvers.get_job(_ctx(request), request.path_params["job_id"])
    except JobNotFound:
        return JSONResponse(NOT_FOUND, status_code=404)
    return JSONResponse(job_response(job))


async def delete_job(request: Request) -> Response:
    try:
        await job_resolvers.delete_job(_ctx(request), request.path_params["job_id"])
    except JobNotFound:
        return JSONResponse(NOT_FOUND, status_code=404)
    return JSONResponse({"message": "Training job deleted successfully"})


async def job_status(request: Request) -> Response:
    try:
        job = await job_resolvers.get_job(_ctx(request), request.path_params["job_id"])
    except JobNotFound:
        return JSONResponse(NOT_FOUND, status_code=404)
    return JSONResponse(status_response(job))


async def job_logs(request: Request) -> Response:
    """The job's logs: ``message`` (the text the frontend shows), ``source``, ``pods``...

    ``attempt`` (issue 19) reads one attempt of a recovered job; without it, the current one
    (the answer is then what it was before attempts existed)."""
    query = request.query_params
    max_lines = request.app.state.services.settings.operations.log_read_max_lines
    try:
        tail = query_int(query, "tailLines", minimum=0, maximum=max_lines)
        since = query_int(query, "sinceSeconds", minimum=1, maximum=MAX_SINCE_SECONDS)
        attempt = query_int(query, "attempt", minimum=1, maximum=MAX_ATTEMPT)
        pod = query.get("pod") or None
        if pod is not None:
            check_name(pod, "pod")
    except (ParamInvalid, InvalidPathValue) as exc:
        return invalid(f"{exc.field}: {exc.reason}")
    try:
        logs = await log_resolvers.job_logs(
            _ctx(request),
            request.path_params["job_id"],
            tail_lines=tail,
            since_seconds=since,
            pod=pod,
            attempt=attempt,
        )
    except JobNotFound:
        return JSONResponse(NOT_FOUND, status_code=404)
    except InvalidInput as exc:
        if exc.field == "attempt":
            # A number the schema allows but this job never reached: no such attempt (the
            # schema cannot bound it, so a valid request, as schemathesis holds; not a 400).
            return JSONResponse({"error": f"Attempt not found: {exc.reason}"}, status_code=404)
        return invalid(f"{exc.field}: {exc.reason}")
    except Unavailable:
        return JSONResponse({"error": "Member cluster is unreachable"}, status_code=502)
    body: dict[str, Any] = {
        "message": logs.text,
        "source": logs.source,
        "pods": [
            {
                "cluster": p.cluster,
                "pod": p.pod,
                "container": p.container,
                "lines": p.line_count,
                "truncated": p.truncated,
            }
            for p in logs.pods
        ],
        "truncated": logs.truncated,
    }
    if not logs.text:
        body["hint"] = "No logs yet: the job's pods have not written any output."
    return JSONResponse(body)


async def list_clusters(request: Request) -> Response:
    try:
        views = await cluster_resolvers.list_clusters(_ctx(request))
    except Unavailable:
        return JSONResponse({"error": "Karmada is unreachable"}, status_code=502)
    clusters = []
    for view in views:
        entry: dict[str, Any] = {"name": view.name, "ready": view.ready}
        region = view.labels.get("region") or view.region
        zone = view.labels.get("zone") or view.zone
        if region:
            entry["region"] = region
        if zone:
            entry["zone"] = zone
        clusters.append(entry)
    return JSONResponse({"clusters": clusters})


async def cluster_resources(request: Request) -> Response:
    cluster = request.path_params["cluster"]
    namespace = request.query_params.get("namespace", "default")
    resource_type = request.query_params.get("type", "pods")
    try:
        items = await cluster_resolvers.cluster_resources(
            _ctx(request), cluster, namespace, resource_type
        )
    except InvalidInput as exc:
        return invalid(f"{exc.field}: {exc.reason}")
    except Unavailable:
        return JSONResponse({"error": "Member cluster is unreachable"}, status_code=502)
    if items is None:
        return JSONResponse({"error": "Cluster not found"}, status_code=404)
    return JSONResponse(
        {
            "cluster": cluster,
            "namespace": namespace,
            "type": resource_type,
            "count": len(items),
            "resources": items,
        }
    )


def _by_method(**endpoints: Endpoint) -> Endpoint:
    """One endpoint for a path served by several methods.

    Starlette answers 405 from the first route whose path matches, so two routes on one path
    would advertise only one method in ``Allow``; one route lists them all (RFC 9110, 15.5.6).
    """

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return dispatch


routes = [
    Route("/api/v1/openapi.json", openapi_document, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
    Route("/api/v1/health", health, methods=["GET"]),
    Route("/api/v1/jobs", _by_method(GET=list_jobs, POST=create_job), methods=["GET", "POST"]),
    Route("/api/v1/jobs/{job_id}", _by_method(GET=get_job, DELETE=delete_job),
          methods=["GET", "DELETE"]),
    Route("/api/v1/jobs/{job_id}/status", job_status, methods=["GET"]),
    Route("/api/v1/jobs/{job_id}/logs", job_logs, methods=["GET"]),
    Route("/api/v1/proxy/clusters", list_clusters, methods=["GET"]),
    Route("/api/v1/proxy/clusters/{cluster}/resources", cluster_resources, methods=["GET"]),
]
