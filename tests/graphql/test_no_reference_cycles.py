"""A GraphQL operation leaves no reference cycle behind: reference counting frees its state.

Cyclic garbage waits for the collector's full passes, which scan the whole heap; with 10,000
subscriptions open those stalled the process for over a second (docs/benchmarks.md). Built
as app.server.main builds the schema: our extensions, the limits, error masking, the executor.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from strawberry.types.graphql import OperationType

from app.graphql.execution import LeafFastExecutor
from app.graphql.hardening import graphql_extensions
from app.graphql.metrics import GraphQLMetricsExtension
from app.settings import Settings
from resolvers.errors import ResolverError
from schema import build_schema
from schema.types import JobPhase, JobStatusUpdate


@pytest.fixture
def saved_garbage() -> Iterator[list[Any]]:
    """What the collector finds unreachable meanwhile (kept for inspection, then dropped)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list[Any] = []
    try:
        yield found
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _names(objects: list[Any]) -> set[str]:
    return {type(o).__qualname__ for o in objects}


def test_query_and_subscription_event_leave_no_cycles(saved_garbage: list[Any]) -> None:
    schema = build_schema(
        extensions=[
            *graphql_extensions(Settings(), public_errors=(ResolverError,)),
            GraphQLMetricsExtension,
        ],
        execution_context_class=LeafFastExecutor,
    )
    root = JobStatusUpdate(
        job_id="j",  # type: ignore[arg-type]
        phase=JobPhase.RUNNING,
        reason="Running",
        message="",
        sequence=2,
        at=datetime(2026, 1, 1, tzinfo=UTC),
        deleted=False,
    )

    async def run() -> None:
        for _ in range(20):
            answer = await schema.execute("{ __typename }")
            assert answer.errors is None
            # A shared jobStatus render: the subscription's selection set on one update.
            rendered = await schema.execute(
                'subscription { jobStatus(id: "j") { phase sequence } }',
                root_value=root,
                allowed_operation_types=(OperationType.SUBSCRIPTION,),
            )
            assert rendered.data == {"jobStatus": {"phase": "RUNNING", "sequence": 2}}

    asyncio.run(run())
    gc.collect()
    saved_garbage.extend(gc.garbage)
    leaked = _names(saved_garbage) & {
        "LeafFastExecutor",
        "ExecutionContext",
        "MaskUnexpectedErrors",
        "GraphQLMetricsExtension",
        "SchemaExtensionsRunner",
    }
    assert leaked == set(), f"operations left reference cycles: {sorted(leaked)}"
