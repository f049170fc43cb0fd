"""Strawberry's websocket protocol handlers, opened where they have no public hook.

Base classes for ``app.graphql.ws_transport``, which adds the guards, the credential
re-check and the shared delivery through the hooks here:

- graphql-transport-ws: ``_send_result_stream`` (private) sends a stream's ``next`` frames;
  :meth:`HandoffTransportWSHandler.after_result_stream` runs when it returns (a stream that
  handed its subscriber over to the shared fan-out ends there), and
  :meth:`~HandoffTransportWSHandler.send_result_stream` sends another stream's frames.
- legacy graphql-ws: Strawberry's ``handle`` loop skips frames that are not JSON, and its
  ``handle_async_results`` serves subscriptions only. :class:`StrictLegacyWSHandler` repeats
  both loops (strawberry/subscriptions/protocols/graphql_ws/handlers.py, 0.341) with
  ``ignore_parsing_errors=False`` and ``Schema.stream``, using the handler's
  ``subscriptions``, ``tasks``, ``keep_alive_task`` and ``cleanup``.
- Strawberry's Starlette adapter keeps the Starlette websocket as ``ws``: :func:`text_sender`
  and :func:`peer_host` read it.

Each overridden method is in ``app._compat.OVERRIDES``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.execution import ExecutionResult, PreExecutionError

ContextT = TypeVar("ContextT")
RootValueT = TypeVar("RootValueT")


def text_sender(websocket: object) -> Callable[[str], Awaitable[None]] | None:
    """The Starlette websocket's ``send_text`` behind Strawberry's adapter (None: not there)."""
    socket = getattr(websocket, "ws", None)
    return getattr(socket, "send_text", None)


def peer_host(websocket: object) -> str:
    """The peer's address as Starlette saw it, else ``unknown``."""
    socket = getattr(websocket, "ws", None)
    client = getattr(socket, "client", None)
    return str(getattr(client, "host", None) or "unknown")


class HandoffTransportWSHandler(BaseGraphQLTransportWSHandler[ContextT, RootValueT]):
    """graphql-transport-ws with a hook after each result stream."""

    async def _send_result_stream(
        self, operation: Operation[ContextT, RootValueT], result_source: Any
    ) -> None:
        await super()._send_result_stream(operation, result_source)
        await self.after_result_stream(operation, result_source)

    async def send_result_stream(
        self, operation: Operation[ContextT, RootValueT], result_source: Any
    ) -> None:
        """Strawberry's sending of ``result_source`` as the operation's frames (no hook)."""
        await super()._send_result_stream(operation, result_source)

    async def after_result_stream(
        self, operation: Operation[ContextT, RootValueT], result_source: Any
    ) -> None:
        """The stream's results are sent; when this returns, Strawberry sends ``complete``."""

    async def handle_task_exception(self, error: Exception) -> None:
        """Strawberry logs every failed operation task at ERROR with a traceback; a peer
        that closed while a frame was on its way (a subscriber leaving on its last ``next``,
        before ``complete``) is how subscriptions end, so it is not logged at all."""
        if isinstance(error, WebSocketDisconnected):
            return
        await super().handle_task_exception(error)


class StrictLegacyWSHandler(BaseGraphQLWSHandler[ContextT, RootValueT]):
    """Legacy graphql-ws: strict JSON frames, and every operation type served."""

    async def handle(self) -> None:
        """Strawberry's loop, stopping at the first frame that is not JSON text."""
        try:
            try:
                async for message in self.websocket.iter_json(ignore_parsing_errors=False):
                    # Any JSON value: handle_message checks its shape, as in Strawberry's loop.
                    await self.handle_message(cast(Any, message))
            except NonTextMessageReceived:
                await self.reject_frame("WebSocket message type must be text")
            except NonJsonMessageReceived:
                await self.reject_frame("WebSocket message must be valid JSON")
        except WebSocketDisconnected:
            pass
        finally:
            await self.connection_ended()
            if self.keep_alive_task:
                self.keep_alive_task.cancel()
                with contextlib.suppress(BaseException):
                    await self.keep_alive_task
            await self.cleanup()

    async def reject_frame(self, reason: str) -> None:
        """A frame that is not JSON text arrived (the connection ends after this)."""

    async def connection_ended(self) -> None:
        """The connection is over; called before Strawberry's clean-up."""

    async def run_any_operation(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """Strawberry's ``handle_async_results`` serving queries and mutations too.

        The same loop, but ``Schema.stream`` (every operation type) instead of
        ``Schema.subscribe`` (subscriptions only, which answered a query with a masked
        internal error). A query or mutation gets one ``data`` frame, then ``complete``, as
        subscriptions-transport-ws clients (Apollo) expect.
        """
        try:
            await self._run_any_operation(operation_id, query, operation_name, variables)
        except WebSocketDisconnected:
            pass  # the peer left mid-operation: nothing to send, nothing to log
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)

    async def _run_any_operation(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        try:
            result_source = await self.schema.stream(
                query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=self.context,
                root_value=self.root_value,
            )
            self.subscriptions[operation_id] = result_source
            is_first_result = True
            async for result in result_source:
                if is_first_result and isinstance(result, PreExecutionError):
                    assert result.errors
                    await self.send_message(
                        {"type": "error", "id": operation_id, "payload": result.errors[0].formatted}
                    )
                    return
                if not isinstance(result, ExecutionResult):  # @defer/@stream: no frame for it
                    await self.send_message(
                        {
                            "type": "error",
                            "id": operation_id,
                            "payload": {
                                "message": "Incremental delivery is not supported over graphql-ws",
                                "extensions": {"code": "BAD_USER_INPUT"},
                            },
                        }
                    )
                    return
                await self.send_data_message(result, operation_id)
                is_first_result = False
            await self.send_message({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            await self.send_message({"type": "complete", "id": operation_id})
