"""Every library internal we override or read, in one package.

Strawberry, graphql-core and Tortoise have no public hook for what we need from them, so
the code that subclasses, overrides or reads their private parts lives here, behind narrow
functions and base classes; the product modules (``app.graphql.*``, ``app.db.rows``) call
those and keep their own decisions (guards, credential re-checks, masking rules, paging).
This package may import libraries only: nothing of ours (the layers contract in
``pyproject.toml``).

What we rely on, and why:

- ``graphql_executor``: graphql-core's ``ExecutionContext.execute_fields`` (as Strawberry's
  ``StrawberryGraphQLCoreExecutionContext``) rewritten to complete plain fields inline, and
  Strawberry's ``_is_default`` mark on a basic field's resolver; the largest cost of a page of
  jobs (bench/jobs_query.py). ``GRAPHQL_FAST_EXECUTOR=false`` turns it off.
- ``strawberry_ws``: the websocket protocol handlers. graphql-transport-ws's
  ``_send_result_stream`` (a grouped ``jobStatus`` stream hands over to the shared fan-out,
  ``GRAPHQL_SHARED_FANOUT``) and ``handle_task_exception`` (a peer gone mid-frame is not
  an error); legacy graphql-ws's ``handle`` loop (strict JSON frames) and
  ``handle_async_results`` loop (``Schema.stream``: queries and mutations too), which use
  the handler's ``subscriptions``, ``tasks``, ``keep_alive_task`` and ``cleanup``; the
  Starlette adapter's ``ws`` attribute (raw text frames, the peer address).
- ``strawberry_masking``: ``MaskErrors._process_errors``, the one place that sees every
  error of a result, to mask or annotate each.
- ``strawberry_logging``: ``Schema.process_errors``, where Strawberry logs every error of a
  result at ERROR with a traceback before masking; ours logs one line per client mistake.
- ``tortoise_queries``: ``AwaitableQuery._choose_db_if_not_chosen`` and ``_db``,
  ``QuerySet``/``CountQuery._make_query`` and the pypika query's ``_selects``,
  ``CountQuery._offset``/``_limit``, ``Model._meta``: running the SQL Tortoise builds
  without its row conversion (bench/jobs_query.py).

``OVERRIDES`` names each method with the parameters it had in the tested release (the pins
in ``pyproject.toml``); ``tests/_compat/test_registry.py`` fails when an upgrade changes
one, before a subtle misbehaviour can.
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
_WS = "app._compat.strawberry_ws (app.graphql.ws_transport)"
_ROWS = "app._compat.tortoise_queries (app.db.rows)"

OVERRIDES = (
    Override(
        "strawberry.schema.schema",
        "StrawberryGraphQLCoreExecutionContext",
        "execute_fields",
        ("self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"),
        "app._compat.graphql_executor",
    ),
    Override(
        "strawberry.extensions",
        "MaskErrors",
        "_process_errors",
        ("self", "errors"),
        "app._compat.strawberry_masking (app.graphql.hardening)",
    ),
    Override(
        "strawberry.extensions",
        "MaskErrors",
        "anonymise_error",
        ("self", "error"),
        "app.graphql.hardening, app.graphql.outage",
    ),
    Override(
        "strawberry.schema.schema",
        "Schema",
        "process_errors",
        ("self", "errors", "execution_context"),
        "app._compat.strawberry_logging (app.graphql.hardening)",
    ),
    Override(_TRANSPORT, "BaseGraphQLTransportWSHandler", "handle", ("self",), _WS),
    Override(
        _TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_message", ("self", "message"), _WS
    ),
    Override(
        _TRANSPORT,
        "BaseGraphQLTransportWSHandler",
        "handle_invalid_message",
        ("self", "error_message"),
        _WS,
    ),
    Override(
        _TRANSPORT,
        "BaseGraphQLTransportWSHandler",
        "handle_connection_init",
        ("self", "message"),
        _WS,
    ),
    Override(
        _TRANSPORT, "BaseGraphQLTransportWSHandler", "handle_subscribe", ("self", "message"), _WS
    ),
    Override(
        _TRANSPORT, "BaseGraphQLTransportWSHandler", "run_operation", ("self", "operation"), _WS
    ),
    Override(
        _TRANSPORT,
        "BaseGraphQLTransportWSHandler",
        "_send_result_stream",
        ("self", "operation", "result_source"),
        _WS,
    ),
    Override(
        _TRANSPORT,
        "BaseGraphQLTransportWSHandler",
        "handle_task_exception",
        ("self", "error"),
        _WS,
    ),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle", ("self",), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_message", ("self", "message"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_connection_init", ("self", "message"), _WS),
    Override(_LEGACY, "BaseGraphQLWSHandler", "handle_start", ("self", "message"), _WS),
    Override(
        _LEGACY,
        "BaseGraphQLWSHandler",
        "handle_async_results",
        ("self", "operation_id", "query", "operation_name", "variables"),
        _WS,
    ),
    Override(
        "tortoise.queryset",
        "AwaitableQuery",
        "_choose_db_if_not_chosen",
        ("self", "for_write"),
        _ROWS,
    ),
    Override("tortoise.queryset", "QuerySet", "_make_query", ("self",), _ROWS),
    Override("tortoise.queryset", "CountQuery", "_make_query", ("self",), _ROWS),
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
