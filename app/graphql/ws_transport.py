"""Strawberry's websocket protocol handlers, registering each operation for shared delivery.

Both protocols (graphql-transport-ws and the legacy graphql-ws) run each operation in its
own task; the handlers below bind a :class:`~app.graphql.fanout.LiveOperation` to that task, so
``jobStatus`` streams can hand their live updates to the shared fan-out, which writes
``next`` (or legacy ``data``) frames through one :class:`~app.graphql.fanout.ConnectionWriter`
per connection. Over graphql-transport-ws a grouped stream ends and the operation's task
waits in the group (see ``TransportWSHandler``); this overrides Strawberry's
``_send_result_stream``, one reason its release line is pinned. Everything else about the
protocols is Strawberry's.

This module sits with ``app.server.main`` in the composition layer: the renderer needs the schema.
"""

from __future__ import annotations

import json
from contextlib import aclosing
from typing import Any

from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.graphql import OperationType

from app.graphql.fanout import (
    ConnectionWriter,
    FollowOutcome,
    LiveOperation,
    Member,
    OperationKey,
    Renderer,
    current_operation,
    operation_scope,
)
from app.jobstate.updates import JobUpdate
from resolvers.context import Context
from resolvers.streams import state_of_update
from schema.types import JobStatusUpdate


def job_status_renderer(schema: BaseSchema) -> Renderer:
    """Execute a ``jobStatus`` document for one update, as Strawberry would per subscriber.

    ``Schema.execute`` with the update as root value runs the subscription's selection set
    on it (the spec's ExecuteSubscriptionEvent), with every schema extension.
    """

    async def render(key: OperationKey, context: Any, update: JobUpdate) -> str:
        result = await schema.execute(
            key.query,
            variable_values=key.variable_values,
            context_value=context,
            root_value=JobStatusUpdate.from_state(state_of_update(update)),
            operation_name=key.operation_name,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        return json.dumps(payload, separators=(",", ":"))

    return render


def _live_operation(
    handler: TransportWSHandler | LegacyWSHandler,
    operation_id: str,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    message_type: str,
    *,
    detachable: bool = False,
) -> LiveOperation | None:
    """The operation as the shared fan-out sees it (None: the socket takes no raw text)."""
    if handler.live_writer is None:
        socket = getattr(handler.websocket, "ws", None)  # Strawberry's adapter wraps Starlette's
        send_text = getattr(socket, "send_text", None)
        if send_text is None:
            return None
        handler.live_writer = ConnectionWriter(send_text)
    return LiveOperation(
        OperationKey.of(query, variables, operation_name),
        '{"id":' + json.dumps(operation_id) + ',"type":"' + message_type + '","payload":',
        handler.live_writer,
        handler.context,
        detachable=detachable,
    )


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws: ``next`` frames; grouped subscriptions are taken over.

    A ``jobStatus`` stream that joined its group ends (``LiveOperation.handoff``); the
    operation's task then waits in the group with none of Strawberry's per-operation state
    (~48 Python objects instead of ~224), and restarts the stream from what was delivered
    if the group hands it back or the connection's credentials fail.
    """

    #: The connection's frame writer, made with its first operation.
    live_writer: ConnectionWriter | None = None

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        live = _live_operation(
            self,
            operation.id,
            operation.query,
            operation.variables,
            operation.operation_name,
            "next",
            detachable=True,
        )
        if live is None:
            await super().run_operation(operation)
            return
        with operation_scope(live):
            await super().run_operation(operation)

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: Any
    ) -> None:
        await super()._send_result_stream(operation, result_source)
        live = current_operation()
        while live is not None and live.handoff is not None:
            member, live.handoff = live.handoff, None
            await result_source.aclose()  # Strawberry's state for the stream goes now
            outcome = await self._wait_in_group(member)
            if outcome.final:
                return  # run_operation sends complete
            last = outcome.last
            live.resume_after = (
                (last.sequence, last.phase) if last is not None else live.handoff_state
            )
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await super()._send_result_stream(operation, result_source)

    async def _wait_in_group(self, member: Member) -> FollowOutcome:
        # The stream's credential re-check ended with it: keep the connection's watch on.
        watch = self.context.credential_watch
        revoked = watch.attach() if watch is not None else None
        try:
            return await member.group.fanout.wait(member, revoked)
        finally:
            if watch is not None:
                watch.detach()


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """Legacy graphql-ws (subscriptions-transport-ws): ``data`` frames."""

    #: The connection's frame writer, made with its first operation.
    live_writer: ConnectionWriter | None = None

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        live = _live_operation(self, operation_id, query, variables, operation_name, "data")
        if live is None:
            await super().handle_async_results(operation_id, query, operation_name, variables)
            return
        with operation_scope(live):
            await super().handle_async_results(operation_id, query, operation_name, variables)
