"""Prometheus metrics: the platform's one registry and the metrics recorded into it.

Counters and histograms are process-wide (a process serves one app); the gauges that mirror
state owned elsewhere (jobs by phase, active subscriptions) are refreshed when /metrics is
scraped, so no code path has to keep them in step.

With ``mlplatform serve --workers N`` (N > 1) serve sets ``PROMETHEUS_MULTIPROC_DIR`` before
the workers start: prometheus_client then keeps every value in per-process files there and
``render`` aggregates all workers, whichever one is scraped. Each gauge says how its workers'
values combine (``multiprocess_mode``); gauges a scrape refreshes are also kept current by
the code that changes them, since a scrape reaches only one worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

from app.jobstate.phases import Phase

# The *_created series double as many lines per labelled counter/histogram, and rendering
# is pure Python (~50 us per line on a busy 2-core machine): leave them out.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)
#: Several worker processes share the metrics (see the module docstring).
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

JOBS_BY_PHASE = Gauge(
    "mlplatform_jobs",
    "Training jobs in the database, by phase (refreshed on scrape).",
    ["phase"],
    registry=REGISTRY,
    multiprocess_mode="mostrecent",  # every worker counts the same table
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
RECOVERIES = Counter(
    "mlplatform_job_recoveries_total",
    "Attempts started by the recovery loop after a failure, by cause (issue 19).",
    ["cause"],
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
    multiprocess_mode="livesum",
)
ACTIVE_SUBSCRIPTIONS = Gauge(
    "mlplatform_active_subscriptions",
    "Subscribers registered on the status hub.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
LEADER = Gauge(
    "mlplatform_leader",
    "1 while this replica holds the poller leadership (with workers: how many of them do).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
POLL_LAST_SUCCESS = Gauge(
    "mlplatform_poll_last_success_timestamp_seconds",
    "Unix time of the poller's last successful tick on this replica (0: none yet).",
    registry=REGISTRY,
    multiprocess_mode="livemax",
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
_WATCH_STATE_HELP = (
    "State of the status poller's LIST+WATCH cache, by resource kind (app.poller.watchcache): "
    "listing (first LIST or re-LIST), watching, backoff (LIST failing; cache not trusted)."
)
_WATCH_STATES = ("listing", "watching", "backoff")


class _GaugeStateSet:
    """An Enum's ``labels(...).state(name)`` on a Gauge: prometheus_client's Enum cannot be
    shared between processes, a gauge can. Same samples as the Enum (one per state, 1 for
    the current one), typed gauge."""

    def __init__(self, gauge: Gauge) -> None:
        self._gauge = gauge

    def labels(self, **labels: str) -> _GaugeStateSet._Child:
        return _GaugeStateSet._Child(self._gauge, labels)

    class _Child:
        def __init__(self, gauge: Gauge, labels: dict[str, str]) -> None:
            self._gauge = gauge
            self._labels = labels

        def state(self, name: str) -> None:
            for state in _WATCH_STATES:
                self._gauge.labels(**self._labels, mlplatform_watch_state=state).set(
                    1 if state == name else 0
                )


WATCH_STATE: Any
if MULTIPROCESS:
    WATCH_STATE = _GaugeStateSet(
        Gauge(
            "mlplatform_watch_state",
            _WATCH_STATE_HELP,
            ["kind", "mlplatform_watch_state"],
            registry=REGISTRY,
            multiprocess_mode="livemax",  # the leader's; other workers hold 0s, if anything
        )
    )
else:
    WATCH_STATE = Enum(
        "mlplatform_watch_state",
        _WATCH_STATE_HELP,
        ["kind"],
        states=list(_WATCH_STATES),
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
    """The registry in the Prometheus text format, and its content type (with workers: all
    workers' values, aggregated from PROMETHEUS_MULTIPROC_DIR)."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Drop a finished worker's live gauges (its counters stay in the totals)."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
