"""Hardening of the API surface: GraphQL document limits, error masking, body size limit.

- depth / token / alias limits reject abusive documents at validation, before execution;
- introspection is switched with GraphiQL (one setting, GRAPHIQL_ENABLED);
- unexpected errors become ``Internal server error`` with the request id, logged here in
  full; expected failures (the resolvers' own errors) pass with their message and ``code``;
- bodies larger than MAX_REQUEST_BODY_BYTES are refused with 413 before being read whole.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import structlog
from graphql.error import GraphQLError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from app.db_outage import DatabaseOutageMaskErrors, is_database_outage
from app.settings import Settings

log = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Internal server error"


def current_request_id() -> str:
    """The request id bound by the request middleware, or a fresh one to correlate a log line."""
    bound = structlog.contextvars.get_contextvars().get("request_id")
    return str(bound) if bound else uuid.uuid4().hex


class MaskUnexpectedErrors(DatabaseOutageMaskErrors):
    """Mask every error that is not one of ``public`` (and not a validation error).

    A masked error is logged with its traceback and the request id; the reply carries only
    ``Internal server error`` and ``extensions.requestId``. Public errors keep their message
    and gain ``extensions.code`` when the exception has a ``code`` attribute. A database
    outage keeps its own coded message (app.db_outage).
    """

    def __init__(self, public: tuple[type[BaseException], ...] = ()) -> None:
        self.public = public
        super().__init__(should_mask_error=self._should_mask, error_message=INTERNAL_ERROR_MESSAGE)

    def _should_mask(self, error: GraphQLError) -> bool:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return False  # syntax/validation errors: about the document, safe to show
        return not isinstance(original, self.public)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed: list[GraphQLError] = []
        for error in errors:
            if self._should_mask(error):
                processed.append(self.anonymise_error(error))
                continue
            code = getattr(error.original_error, "code", None)
            if isinstance(code, str) and not (error.extensions or {}).get("code"):
                error = GraphQLError(
                    error.message, nodes=error.nodes, source=error.source,
                    positions=error.positions, path=error.path,
                    extensions={**(error.extensions or {}), "code": code},
                )
            processed.append(error)
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is not None and is_database_outage(original):
            return super().anonymise_error(error)
        request_id = current_request_id()
        log.error(
            "unexpected error in GraphQL field %s (request %s)",
            ".".join(str(p) for p in error.path or []), request_id,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        return GraphQLError(
            INTERNAL_ERROR_MESSAGE, nodes=error.nodes, source=error.source,
            positions=error.positions, path=error.path, original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def graphql_extensions(
    settings: Settings, public_errors: tuple[type[BaseException], ...]
) -> list[Any]:
    """Factories of the schema extensions for the GraphQL limits and error masking.

    Factories, not instances: Strawberry builds fresh extensions for every operation.
    """
    g = settings.graphql
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=g.graphql_max_depth),
        lambda: MaxTokensLimiter(max_token_count=g.graphql_max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=g.graphql_max_aliases),
        lambda: MaskUnexpectedErrors(public=public_errors),
    ]
    if not g.graphiql_enabled:
        extensions.append(DisableIntrospection)
    return extensions


class BodySizeLimitMiddleware:
    """413 for bodies over ``max_bytes``: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _too_large(scope, receive, send, status=400)
                    return
                if declared > self.max_bytes:
                    await _too_large(scope, receive, send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, status: int = 413) -> None:
    text = "Request body too large" if status == 413 else "Invalid Content-Length"
    await JSONResponse({"error": text}, status_code=status)(scope, receive, send)

