"""The composition root: build the Starlette app and wire every service in its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from app.auth import Authenticator, check_startup_safety
from app.auth.middleware import AuthenticationMiddleware
from app.db.leader import LeaderElection, lock_key
from app.db.session import database
from app.graphql import graphiql_assets
from app.graphql.asgi import graphql_app
from app.graphql.fanout import SharedStatusFanout
from app.graphql.hardening import (
    BodySizeLimitMiddleware,
    ErrorMaskingMiddleware,
    NulCharacterMiddleware,
)
from app.graphql.ws_transport import job_status_renderer
from app.jobspec import RequestLimits
from app.karmada import KarmadaClient
from app.karmada.embedded import karmada_client
from app.live.hub import StatusHub
from app.live.pg_bridge import PgStatusBridge, asyncpg_dsn, channel_for
from app.operations.archive import LogArchiver
from app.operations.logs import PodLogReader
from app.operations.worker import OperationsWorker
from app.poller.monitor import StatusPoller
from app.server.console import ConsoleMiddleware
from app.server.request_logging import RequestObservabilityMiddleware
from app.settings import Settings
from app.submission.reconciler import Reconciler
from app.submission.recovery import recovery_defaults
from app.submission.submitter import JobSubmitter
from app.workloads import WorkloadSettings
from app.workloads.config import DEFAULT_ENTRYPOINTS, DEFAULT_IMAGES
from resolvers.authz import AccessDenied, Unauthenticated
from resolvers.context import Services

log = logging.getLogger(__name__)


class PreflightCORSMiddleware(CORSMiddleware):
    """CORS whose preflight answers 204 No Content, as the old service did."""

    def preflight_response(self, request_headers: Any) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return Response(status_code=204, headers=headers)
        return response


async def access_denied_response(request: Request, exc: Exception) -> Response:
    """REST: 401 without a caller, 403 for a caller whose role does not allow the change."""
    if isinstance(exc, Unauthenticated):
        return JSONResponse(
            {"error": "Unauthorized"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    return JSONResponse({"error": "Forbidden"}, status_code=403)


def workload_settings(settings: Settings) -> WorkloadSettings:
    w = settings.workloads
    return WorkloadSettings(
        images={**DEFAULT_IMAGES, **w.workload_images},
        entrypoints={**DEFAULT_ENTRYPOINTS, **w.workload_entrypoints},
        storage_secret_name=w.storage_secret_name,
        ray_ttl_seconds_after_finished=w.ray_ttl_seconds_after_finished,
        priority_classes=tuple((minimum, name) for name, minimum in w.priority_classes.items()),
    )



def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    check_startup_safety(settings)  # e.g. AUTH_MODE=none off loopback: refuse, say why
    authenticator = Authenticator.from_settings(settings.auth)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with (
            database(
                settings.db.database_url,
                apply_migrations=settings.db.auto_migrate,
                pool_reset=settings.db.db_pool_reset,
            ),
            karmada_client(settings) as karmada,
        ):
            hub = StatusHub(settings.graphql.subscriber_queue_size)
            limits = RequestLimits(
                max_hyperparameters=settings.limits.job_max_hyperparameters,
                max_hyperparameter_value_bytes=settings.limits.job_max_hyperparameter_value_bytes,
                max_manifest_bytes=settings.limits.job_max_manifest_bytes,
            )
            archiver = log_archiver(settings, karmada)
            submitter = JobSubmitter(
                karmada,
                workload_settings(settings),
                settings.karmada.ml_platform_instance,
                settings.poller.submission_deadline_seconds,
                settings.poller.submission_retry_initial_seconds,
                settings.poller.submission_retry_max_seconds,
                limits=limits,
                recovery=recovery_defaults(settings.poller),
                archive_attempt=archiver.archive_attempt,
            )
            fanout = (
                SharedStatusFanout(
                    hub,
                    job_status_renderer(graphql.schema),
                    settings.graphql.subscriber_queue_size,
                )
                if settings.graphql.graphql_shared_fanout
                else None
            )
            services = Services(settings, karmada, hub, submitter, limits, fanout)
            app.state.services = services
            poller = StatusPoller(
                karmada, submitter, hub, settings.poller, settings.karmada.ml_platform_instance
            )
            app.state.poller = poller
            stop = asyncio.Event()
            # LIVE: on PostgreSQL, fan-out goes through NOTIFY/LISTEN and only the replica
            # holding the advisory lock polls; SQLite/single process: local hub, always leader.
            bridge, election = status_fanout(settings, hub)
            if bridge is not None:
                await bridge.start()
            app.state.status_bridge = bridge
            app.state.leader = election
            task = asyncio.create_task(election.run(poller.run, stop), name="status-poller")
            reconciler = Reconciler(
                karmada,
                submitter,
                hub,
                settings.poller,
                settings.karmada.ml_platform_instance,
                is_leader=election.is_leader.is_set,
            )
            app.state.reconciler = reconciler
            reconcile_task = asyncio.create_task(reconciler.run(stop), name="reconciler")
            # OPERATE: log archive, stop retries, retention and purge, on the leader only.
            operations = operations_worker(settings, karmada, submitter, archiver)
            app.state.operations = operations
            operations_task = asyncio.create_task(
                operations.run(stop, election.is_leader), name="operations-worker"
            )
            app.state.shutting_down = False
            try:
                yield
            finally:
                # Readiness answers 503 from here on (keep-alive clients move elsewhere).
                app.state.shutting_down = True
                stop.set()
                await task
                await reconcile_task
                await operations_task
                if bridge is not None:
                    await bridge.stop()

    graphql = graphql_app(settings)
    pending = graphql.pending_connections
    from app.server import ops_routes, rest  # routes call resolvers

    routes: list[BaseRoute] = [
        *rest.routes,
        *ops_routes.routes,
        graphiql_assets.assets_route(),
        Route("/graphql", graphql, methods=["GET", "POST"]),
    ]
    from starlette.routing import WebSocketRoute

    routes.append(WebSocketRoute("/graphql", graphql))
    middleware = [
        # Outermost: its access line and duration include everything below, 500s too.
        Middleware(RequestObservabilityMiddleware),
        Middleware(ErrorMaskingMiddleware),
        Middleware(
            PreflightCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Idempotency-Key"],
            max_age=600,
        ),
        # Inside CORS: preflights are answered before these, and 401/413 carry CORS headers.
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.server.max_request_body_bytes),
        Middleware(ConsoleMiddleware, authenticator=authenticator),  # web/dist at /, public
        Middleware(AuthenticationMiddleware, authenticator=authenticator),
        Middleware(NulCharacterMiddleware),  # after authentication: no caller still gets 401
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={AccessDenied: access_denied_response},
    )
    app.state.settings = settings
    app.state.authenticator = authenticator
    app.state.graphql_pending = pending
    return app


def log_archiver(settings: Settings, karmada: KarmadaClient) -> LogArchiver:
    """Archives finished jobs' logs (operations worker) and ended attempts' (recoveries)."""
    ops = settings.operations
    reader = PodLogReader(karmada, settings.karmada.ml_platform_instance)
    return LogArchiver(
        reader, max_lines=ops.log_archive_max_lines, give_up_seconds=ops.log_archive_give_up_seconds
    )


def operations_worker(
    settings: Settings,
    karmada: KarmadaClient,
    submitter: JobSubmitter,
    archiver: LogArchiver | None = None,
) -> OperationsWorker:
    """The leader's worker for log archiving, stop retries, retention and purge."""
    archiver = archiver or log_archiver(settings, karmada)
    return OperationsWorker(karmada, submitter, archiver, settings.operations)


def status_fanout(
    settings: Settings, hub: StatusHub
) -> tuple[PgStatusBridge | None, LeaderElection]:
    """The NOTIFY bridge (PostgreSQL only) and the leader election for the poller."""
    instance = settings.karmada.ml_platform_instance
    dsn = asyncpg_dsn(settings.db.database_url) if settings.db.is_postgres else None
    bridge = PgStatusBridge(dsn, hub, channel_for(instance)) if dsn is not None else None
    election = LeaderElection(
        dsn,
        lock_key(instance),
        retry_seconds=settings.poller.leader_retry_seconds,
        check_seconds=settings.poller.leader_check_seconds,
    )
    return bridge, election

