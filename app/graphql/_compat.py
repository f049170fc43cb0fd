"""Every method of a library that we override, and every private attribute we read.

Strawberry, graphql-core and Tortoise have no public hook for what these do (a faster
executor, shared websocket delivery and guards, coded error masking, raw page SQL), so the
code relies on their internals: ``app.graphql.execution``, ``app.graphql.ws_transport``,
``app.graphql.hardening`` and ``app.db.rows``. This registry names each one with the
parameters it had in the tested release (the pins in ``pyproject.toml``);
``tests/graphql/test_compat.py`` fails when an upgrade changes any of them, before a subtle
misbehaviour can. ``GRAPHQL_FAST_EXECUTOR=false`` turns the executor override off and
``GRAPHQL_SHARED_FANOUT=false`` the shared delivery.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass


@dataclass(frozen=True)
class Override:
    """``module.owner.name``, overridden or called by us, with its parameter names."""

    module: str
    owner: str
    name: str
    parameters: tuple[str, ...]
    #: Who depends on it.
    used_by: str


_TRANSPORT = "strawberry.subscriptions.protocols.graphql_transport_ws.handlers"
_LEGACY = "strawberry.subscriptions.protocols.graphql_ws.handlers"
_WS = "app.graphql.ws_transport"

OVERRIDES = (
    Override(
        "strawberry.schema.schema", "StrawberryGraphQLCoreExecutionContext", "execute_fields",
        ("self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"),
        "app.graphql.execution",
    ),
    Override("strawberry.extensions", "MaskErrors", "_process_errors", ("self", "errors"),
             "app.graphql.hardening"),
    Override("strawberry.extensions", "MaskErrors", "anonymise_error", ("self", "error"),
             "app.graphql.hardening, app.graphql.outage"),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle", ("self",), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_message",
             ("self", "message"), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_invalid_message",
             ("self", "error_message"), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_connection_init",
             ("self", "message"), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_subscribe",
             ("self", "message"), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "run_operation",
             ("self", "operation"), _WS),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "_send_result_stream",
             ("self", "operation", "result_source"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle", ("self",), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_message", ("self", "message"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_connection_init",
             ("self", "message"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_start", ("self", "message"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_async_results",
             ("self", "operation_id", "query", "operation_name", "variables"), _WS),
    Override("tortoise.queryset", "AwaitableQuery", "_choose_db_if_not_chosen",
             ("self", "for_write"), "app.db.rows"),
    Override("tortoise.queryset", "QuerySet", "_make_query", ("self",), "app.db.rows"),
    Override("tortoise.queryset", "CountQuery", "_make_query", ("self",), "app.db.rows"),
)


def drift() -> list[str]:
    """What no longer matches the tested release: one line per override, else empty."""
    found = []
    for item in OVERRIDES:
        where = f"{item.module}.{item.owner}.{item.name} (used by {item.used_by})"
        try:
            owner = getattr(importlib.import_module(item.module), item.owner)
            method = getattr(owner, item.name)
        except (ImportError, AttributeError):
            found.append(f"{where}: no longer exists")
            continue
        parameters = tuple(inspect.signature(method).parameters)
        if parameters != item.parameters:
            found.append(f"{where}: parameters {parameters}, tested with {item.parameters}")
    return found
