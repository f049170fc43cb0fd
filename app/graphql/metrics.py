"""A Strawberry extension counting GraphQL operations by type, name and outcome.

Outcomes: ``invalid`` (the document failed to parse or validate), ``error`` (it ran and the
result carries errors), ``ok``. While the operation runs, a job id found in its variables
(``id``/``jobId``) is bound to the logging context, so job operations' log lines carry it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import structlog
from strawberry.extensions import SchemaExtension

from app.observability import metrics

JOB_ID_VARIABLES = ("id", "jobId")


def operation_outcome(pre_execution_errors: Any, result: Any) -> str:
    """``invalid``, ``error`` or ``ok`` for an operation's execution state."""
    if pre_execution_errors:
        return "invalid"
    if result is not None and getattr(result, "errors", None):
        return "error"
    return "ok"


def job_id_of(variables: dict[str, Any] | None) -> str | None:
    for name in JOB_ID_VARIABLES:
        value = (variables or {}).get(name)
        if isinstance(value, str):
            return value
    return None


class GraphQLMetricsExtension(SchemaExtension):
    """Counts each operation once it has finished (``mlplatform_graphql_operations_total``);
    subscriptions are counted when they end."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        job_id = job_id_of(ctx.variables)
        if job_id is not None:
            # Each HTTP request and each websocket operation runs in a task of its own, so
            # the binding ends with the operation (no reset: a subscription may be finalised
            # from another context, where resetting a contextvar token raises).
            structlog.contextvars.bind_contextvars(job_id=job_id)
        try:
            yield
        finally:
            # In ``finally``: a subscription the client stops ends with a cancellation here.
            metrics.GRAPHQL_OPERATIONS.labels(
                type=_operation_type(ctx),
                name=metrics.operation_label(ctx.operation_name),
                outcome=operation_outcome(ctx.pre_execution_errors, ctx.result),
            ).inc()


def _operation_type(ctx: Any) -> str:
    try:
        return str(ctx.operation_type.value)
    except Exception:  # no parsable document: the type is unknown
        return "unknown"
