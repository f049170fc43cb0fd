"""Strawberry's websocket protocol handlers, registering each operation for shared delivery.

Both protocols (graphql-transport-ws and the legacy graphql-ws) run each operation in its
own task; the handlers below bind a :class:`~app.graphql.fanout.LiveOperation` to that task, so
``jobStatus`` streams can hand their live updates to the shared fan-out, which writes
``next`` (or legacy ``data``) frames through one :class:`~app.graphql.fanout.ConnectionWriter`
per connection. Over graphql-transport-ws a grouped stream ends and the operation's task
waits in the group (see ``TransportWSHandler``). The parts of Strawberry's handlers with no
public hook are opened in ``app._compat.strawberry_ws``, whose base classes these extend;
everything else about the protocols is Strawberry's.

It sits above ``schema`` (the layer contract): the renderer executes the schema's types.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import aclosing
from typing import Any

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation
from strawberry.types.graphql import OperationType

from app._compat.strawberry_ws import (
    HandoffTransportWSHandler,
    StrictLegacyWSHandler,
    peer_host,
    text_sender,
)
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
from app.graphql.frames import MessageType, frame_prefix, result_payload
from app.graphql.ws_guard import (
    BAD_MESSAGE,
    FORBIDDEN,
    INIT_TIMEOUT,
    TRY_AGAIN_LATER,
    CredentialGate,
    PendingSlot,
    message_problem,
)
from app.jobstate.updates import JobUpdate
from resolvers.context import Context
from resolvers.streams import state_of_update
from schema.types import JobStatusUpdate

log = logging.getLogger(__name__)


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
        errors = [error.formatted for error in result.errors] if result.errors else None
        return result_payload(result.data, errors, result.extensions)

    return render


def _live_operation(
    handler: TransportWSHandler | LegacyWSHandler,
    operation_id: str,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    message_type: MessageType,
    *,
    detachable: bool = False,
) -> LiveOperation | None:
    """The operation as the shared fan-out sees it (None: the socket takes no raw text)."""
    if handler.live_writer is None:
        send_text = text_sender(handler.websocket)
        if send_text is None:
            return None
        handler.live_writer = ConnectionWriter(send_text)
    return LiveOperation(
        OperationKey.of(query, variables, operation_name),
        frame_prefix(operation_id, message_type),
        handler.live_writer,
        handler.context,
        detachable=detachable,
    )


def _pending_slot(handler: TransportWSHandler | LegacyWSHandler) -> PendingSlot:
    return PendingSlot(
        getattr(handler.view, "pending_connections", None), peer_host(handler.websocket)
    )


def _gate(handler: TransportWSHandler | LegacyWSHandler) -> CredentialGate:
    if handler.credential_gate is None:
        interval = handler.context.services.settings.poller.poll_interval_seconds
        handler.credential_gate = CredentialGate(ttl_seconds=interval)
    return handler.credential_gate


async def _credential_holds(handler: TransportWSHandler | LegacyWSHandler) -> bool:
    context = handler.context
    watch = context.credential_watch
    revoked = watch.revoked if watch is not None else None
    if await _gate(handler).allows(context.credentials_valid, revoked):
        return True
    log.info("websocket operation refused: the connection's credentials were revoked or expired")
    return False


class TransportWSHandler(HandoffTransportWSHandler[Context, None]):
    """graphql-transport-ws: ``next`` frames; grouped subscriptions are taken over.

    A ``jobStatus`` stream that joined its group ends (``LiveOperation.handoff``); the
    operation's task then waits in the group with none of Strawberry's per-operation state
    (~48 Python objects instead of ~224), and restarts the stream from what was delivered
    if the group hands it back or the connection's credentials fail.
    """

    #: The connection's frame writer, made with its first operation.
    live_writer: ConnectionWriter | None = None
    #: Per-operation credential re-check (app.graphql.ws_guard), made with the first operation.
    credential_gate: CredentialGate | None = None
    #: This connection's place among those awaiting connection_init (set by ``handle``).
    pending_slot: PendingSlot

    async def handle(self) -> None:
        slot = _pending_slot(self)
        self.pending_slot = slot
        if not slot.held:
            log.info("websocket refused: too many connections awaiting connection_init")
            await self.websocket.close(code=TRY_AGAIN_LATER, reason="Too many pending connections")
            return
        try:
            await super().handle()
        finally:
            slot.release()

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message, "graphql-transport-ws")
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_invalid_message(self, error_message: str) -> None:
        log.info("websocket closed 4400: %s", error_message)
        await super().handle_invalid_message(error_message)

    async def handle_connection_init(self, message: Any) -> None:
        self.pending_slot.release()
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and not await _credential_holds(self):
            await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
            return
        await super().handle_subscribe(message)

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

    async def after_result_stream(
        self, operation: Operation[Context, None], result_source: Any
    ) -> None:
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
                await self.send_result_stream(operation, result_source)

    async def _wait_in_group(self, member: Member) -> FollowOutcome:
        # The stream's credential re-check ended with it: keep the connection's watch on.
        watch = self.context.credential_watch
        revoked = watch.attach() if watch is not None else None
        try:
            return await member.group.fanout.wait(member, revoked)
        finally:
            if watch is not None:
                watch.detach()


class LegacyWSHandler(StrictLegacyWSHandler[Context, None]):
    """Legacy graphql-ws (subscriptions-transport-ws): ``data`` frames.

    Strawberry's handler has no connection_init deadline and skips frames that are not
    JSON; ``handle`` below adds the deadline (close 4408), and the strict loop of
    ``app._compat.strawberry_ws`` closes 4400 on such frames (``reject_frame``), as
    graphql-transport-ws does.
    """

    #: The connection's frame writer, made with its first operation.
    live_writer: ConnectionWriter | None = None
    #: Per-operation credential re-check (app.graphql.ws_guard), made with the first operation.
    credential_gate: CredentialGate | None = None
    #: This connection's place among those awaiting connection_init (set by ``handle``).
    pending_slot: PendingSlot
    #: Closes the connection 4408 without connection_init in time (set by ``handle``).
    init_deadline: asyncio.Task[None] | None = None

    async def handle(self) -> None:
        slot = _pending_slot(self)
        self.pending_slot = slot
        if not slot.held:
            log.info("websocket refused: too many connections awaiting connection_init")
            await self.websocket.close(code=TRY_AGAIN_LATER, reason="Too many pending connections")
            return
        self.init_deadline = asyncio.create_task(self._init_deadline())
        await super().handle()

    async def connection_ended(self) -> None:
        self.pending_slot.release()
        deadline, self.init_deadline = self.init_deadline, None
        if deadline is not None:
            deadline.cancel()
            with contextlib.suppress(BaseException):
                await deadline

    async def reject_frame(self, reason: str) -> None:
        await self._close_bad(reason)

    async def _init_deadline(self) -> None:
        timeout = self.view.connection_init_wait_timeout.total_seconds()
        await asyncio.sleep(timeout)
        if not self.pending_slot.held:
            return  # connection_init arrived
        log.info("websocket closed 4408: no connection_init within %.1f s", timeout)
        with contextlib.suppress(Exception):
            await self.websocket.close(
                code=INIT_TIMEOUT, reason="Connection initialisation timeout"
            )

    async def _close_bad(self, reason: str) -> None:
        log.info("websocket closed 4400: %s", reason)
        with contextlib.suppress(WebSocketDisconnected):
            await self.websocket.close(code=BAD_MESSAGE, reason=reason)

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message, "graphql-ws")
        if problem is not None:
            await self._close_bad(problem)
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message: Any) -> None:
        if not self.pending_slot.held:
            await self._close_bad("Too many initialisation requests")
            return
        self.pending_slot.release()
        await super().handle_connection_init(message)

    async def handle_start(self, message: Any) -> None:
        if self.connection_acknowledged and not await _credential_holds(self):
            with contextlib.suppress(WebSocketDisconnected):
                await self.send_message(
                    {"type": "error", "id": message["id"],
                     "payload": {"message": "credentials revoked or expired",
                                 "extensions": {"code": "UNAUTHENTICATED"}}}
                )
                await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
            return
        await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        live = _live_operation(self, operation_id, query, variables, operation_name, "data")
        if live is None:
            await self.run_any_operation(operation_id, query, operation_name, variables)
            return
        with operation_scope(live):
            await self.run_any_operation(operation_id, query, operation_name, variables)
