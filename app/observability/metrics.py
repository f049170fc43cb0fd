"""Prometheus metrics: the platform's one registry and the metrics recorded into it.

Counters and histograms are process-wide (a process serves one app); the gauges that mirror
state owned elsewhere (jobs by phase, active subscriptions) are refreshed when /metrics is
scraped, so no code path has to keep them in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from app.jobstate.phases import Phase

# The *_created series double as many lines per labelled counter/histogram, and rendering
# is pure Python (~50 us per line on a busy 2-core machine): leave them out.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)

JOBS_BY_PHASE = Gauge(
    "mlplatform_jobs",
    "Training jobs in the database, by phase (refreshed on scrape).",
    ["phase"],
    registry=REGISTRY,
)
JOB_TRANSITIONS = Counter(
    "mlplatform_job_transitions_total",
    "Job transitions published by this process, by new phase and reason.",
    ["phase", "reason"],
    registry=REGISTRY,
)
POLL_TICK_SECONDS = Histogram(
    "mlplatform_poll_tick_duration_seconds",
    "Duration of one status-poller tick.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
POLL_TICKS = Counter(
    "mlplatform_poll_ticks_total",
    "Status-poller ticks, by outcome (ok, karmada_unavailable, error).",
    ["outcome"],
    registry=REGISTRY,
)
POLL_REQUESTS = Counter(
    "mlplatform_poll_karmada_requests_total",
    "Karmada API requests sent by the status poller's ticks.",
    registry=REGISTRY,
)
KARMADA_REQUESTS = Counter(
    "mlplatform_karmada_requests_total",
    "Requests sent to the Karmada API server, by HTTP method.",
    ["method"],
    registry=REGISTRY,
)
KARMADA_ERRORS = Counter(
    "mlplatform_karmada_api_errors_total",
    "Failed Karmada API requests, by error kind (KarmadaUnavailable, NotFound, Invalid...).",
    ["kind"],
    registry=REGISTRY,
)
WEBSOCKET_CONNECTIONS = Gauge(
    "mlplatform_websocket_connections",
    "Open websocket connections.",
    registry=REGISTRY,
)
ACTIVE_SUBSCRIPTIONS = Gauge(
    "mlplatform_active_subscriptions",
    "Subscribers registered on the status hub (refreshed on scrape).",
    registry=REGISTRY,
)
LEADER = Gauge(
    "mlplatform_leader",
    "1 while this replica holds the poller leadership (refreshed on scrape).",
    registry=REGISTRY,
)
POLL_LAST_SUCCESS = Gauge(
    "mlplatform_poll_last_success_timestamp_seconds",
    "Unix time of the poller's last successful tick on this replica (0: none yet).",
    registry=REGISTRY,
)
GRAPHQL_OPERATIONS = Counter(
    "mlplatform_graphql_operations_total",
    "GraphQL operations, by operation type, operation name and outcome (ok, error, invalid).",
    ["type", "name", "outcome"],
    registry=REGISTRY,
)
SHARED_RENDERS = Counter(
    "mlplatform_shared_fanout_renders_total",
    "Live jobStatus updates rendered by the shared fan-out (one per group and update).",
    registry=REGISTRY,
)
SHARED_FRAMES = Counter(
    "mlplatform_shared_fanout_frames_total",
    "Messages the shared fan-out queued for subscribers (one per member and update).",
    registry=REGISTRY,
)
SHARED_RELEASES = Counter(
    "mlplatform_shared_fanout_releases_total",
    "Subscribers handed back to their own stream to back-fill, by reason.",
    ["reason"],
    registry=REGISTRY,
)
HTTP_REQUEST_SECONDS = Histogram(
    "mlplatform_http_request_duration_seconds",
    "HTTP request duration by method, route template and status code.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
WATCH_STATE = Enum(
    "mlplatform_watch_state",
    "State of the status poller's LIST+WATCH cache, by resource kind (app.poller.watchcache): "
    "listing (first LIST or re-LIST), watching, backoff (LIST failing; cache not trusted).",
    ["kind"],
    states=["listing", "watching", "backoff"],
    registry=REGISTRY,
)
WATCH_RESTARTS = Counter(
    "mlplatform_watch_restarts_total",
    "Watch streams that ended early and were healed by a re-LIST, by kind and reason "
    "(expired, broken, undecodable, error).",
    ["kind", "reason"],
    registry=REGISTRY,
)

#: Operation names come from clients: cap their length so a label stays a label.
MAX_OPERATION_NAME = 64


def set_jobs_by_phase(counts: Mapping[str, int]) -> None:
    """Publish the per-phase job counts; phases absent from ``counts`` read 0."""
    for phase in Phase:
        JOBS_BY_PHASE.labels(phase=phase.value).set(counts.get(phase.value, 0))


def count_transitions(updates: Iterable[tuple[str, str]]) -> None:
    """Count published transitions given as (phase, reason) pairs."""
    for phase, reason in updates:
        JOB_TRANSITIONS.labels(phase=phase, reason=reason).inc()


def count_karmada_error(error: BaseException) -> None:
    """Count a failed Karmada request by the class of the error it raised."""
    KARMADA_ERRORS.labels(kind=type(error).__name__).inc()


def operation_label(name: str | None) -> str:
    """A bounded label for a client-supplied GraphQL operation name."""
    if not name:
        return "anonymous"
    return name[:MAX_OPERATION_NAME]


def render() -> tuple[bytes, str]:
    """The registry in the Prometheus text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
