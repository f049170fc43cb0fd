"""Hardening of the API surface: GraphQL document limits, error masking, body size limit.

- depth / token / alias limits reject abusive documents at validation, before execution;
- introspection is switched with GraphiQL (one setting, GRAPHIQL_ENABLED);
- unexpected errors become ``Internal server error`` with the request id, logged here in
  full; expected failures (the resolvers' own errors) pass with their message and ``code``;
- bodies larger than MAX_REQUEST_BODY_BYTES are refused with 413 before being read whole.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import structlog
from graphql.error import GraphQLError
from graphql.language import StringValueNode
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from app.graphql.outage import (
    OUTAGE_CODE,
    OUTAGE_MESSAGE,
    RETRY_AFTER_SECONDS,
    DatabaseOutageMaskErrors,
    is_database_outage,
)
from app.jobspec.json_input import bad_character
from app.settings import Settings

log = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Internal server error"


def current_request_id() -> str:
    """The request id bound by the request middleware, or a fresh one to correlate a log line."""
    bound = structlog.contextvars.get_contextvars().get("request_id")
    return str(bound) if bound else uuid.uuid4().hex


#: The closed set of ``extensions.code`` values every GraphQL error carries (README,
#: "Changes for GraphQL clients").
BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"
UNAUTHENTICATED = "UNAUTHENTICATED"
KARMADA_UNAVAILABLE = "KARMADA_UNAVAILABLE"
INTERNAL = "INTERNAL"
ERROR_CODES = frozenset(
    {BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, UNAUTHENTICATED, OUTAGE_CODE, KARMADA_UNAVAILABLE,
     INTERNAL}
)
#: Codes of the server's own failures (logged at warning); the rest are the client's mistakes.
SERVER_SIDE_CODES = frozenset({OUTAGE_CODE, KARMADA_UNAVAILABLE, INTERNAL})

#: Strawberry's errors about the document (no such operation, a type the transport does not
#: allow): their messages name the operation, nothing internal.
DOCUMENT_ERRORS = (CannotGetOperationTypeError, InvalidOperationTypeError)


def error_code(public: tuple[type[BaseException], ...], error: GraphQLError) -> str:
    """The ``extensions.code`` of an error as it leaves the server (one of ERROR_CODES).

    INTERNAL means: masked, logged with its traceback and answered with a request id.
    """
    original = error.original_error
    given = (error.extensions or {}).get("code")
    if given in ERROR_CODES:
        return str(given)  # set where it was raised (limits, NUL, the websocket guards)
    if original is not None and is_database_outage(original):
        return OUTAGE_CODE
    if isinstance(original, DOCUMENT_ERRORS):
        return BAD_USER_INPUT
    if original is not None and isinstance(original, public):
        code = getattr(original, "code", None)
        return code if code in ERROR_CODES else BAD_USER_INPUT
    # Before execution (no path): a syntax or validation error, or a variable or literal the
    # types refuse (`cpuCores: "two"`, a malformed DateTime, whose parser raises ValueError),
    # located in the document. An exception raised in an extension has no location.
    if error.path is None and (
        original is None or isinstance(original, GraphQLError) or error.nodes
    ):
        return BAD_USER_INPUT
    return INTERNAL


def log_client_error(public: tuple[type[BaseException], ...], error: GraphQLError) -> None:
    """One line per error a client caused (info) or a dependency did (warning); no traceback.

    Replaces Strawberry's log of every error at ERROR with a traceback (app._compat.
    strawberry_logging); INTERNAL ones are logged by MaskUnexpectedErrors, with the request id.
    """
    code = error_code(public, error)
    if code == INTERNAL:
        return
    where = ".".join(str(p) for p in error.path or []) or "-"
    level = logging.WARNING if code in SERVER_SIDE_CODES else logging.INFO
    # The message as one line: a client's document is quoted in it, newlines and all.
    message = " ".join(error.message.split())
    log.log(level, "GraphQL %s at %s: %s", code, where, truncate_for_log(message))


def truncate_for_log(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "...(truncated)"


class MaskUnexpectedErrors(DatabaseOutageMaskErrors):
    """Give every error its ``extensions.code`` (``error_code``), and mask the INTERNAL ones.

    A masked error is logged with its traceback and the request id; the reply carries only
    ``Internal server error`` and ``extensions.code``/``requestId``. Every other error keeps
    its message. A database outage keeps its own coded message (app.graphql.outage).
    """

    def __init__(self, public: tuple[type[BaseException], ...] = ()) -> None:
        self.public = public
        # A partial, not the bound method: an extension holding a method of itself is a
        # reference cycle, and it would keep the whole operation's state (which the
        # extension references) waiting for the cyclic garbage collector.
        self._error_code = functools.partial(error_code, public)
        super().__init__(
            should_mask_error=functools.partial(_is_internal, self._error_code),
            error_message=INTERNAL_ERROR_MESSAGE,
        )

    def process_error(self, error: GraphQLError) -> GraphQLError:
        code = self._error_code(error)
        if code == INTERNAL:
            return self.anonymise_error(error)
        if code == OUTAGE_CODE and error.original_error is not None:
            return DatabaseOutageMaskErrors.anonymise_error(self, error)  # its coded message
        if (error.extensions or {}).get("code") == code:
            return error
        return GraphQLError(
            error.message, nodes=error.nodes, source=error.source,
            positions=error.positions, path=error.path,
            extensions={**(error.extensions or {}), "code": code},
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is not None and is_database_outage(original):
            return super().anonymise_error(error)
        request_id = current_request_id()
        log.error(
            "unexpected error in GraphQL field %s (request %s): %s",
            ".".join(str(p) for p in error.path or []), request_id,
            truncate_for_log(" ".join(error.message.split())),
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        return GraphQLError(
            INTERNAL_ERROR_MESSAGE, nodes=error.nodes, source=error.source,
            positions=error.positions, path=error.path, original_error=None,
            extensions={"code": INTERNAL, "requestId": request_id},
        )


def _is_internal(code_of: functools.partial[str], error: GraphQLError) -> bool:
    return code_of(error) == INTERNAL


def graphql_extensions(
    settings: Settings, public_errors: tuple[type[BaseException], ...]
) -> list[Any]:
    """Factories of the schema extensions for the GraphQL limits and error masking.

    Factories, not instances: Strawberry builds fresh extensions for every operation.
    """
    g = settings.graphql
    # The limiters build their validation-rule classes in __init__. Build them once and give
    # every operation the same classes: the rules are part of the ValidationCache key, so
    # fresh classes per operation would make every validation a cache miss.
    depth_rules = QueryDepthLimiter(max_depth=g.graphql_max_depth).validation_rules
    alias_rules = MaxAliasesLimiter(max_alias_count=g.graphql_max_aliases).validation_rules
    extensions: list[Any] = [
        lambda: AddValidationRules(depth_rules),
        lambda: MaxTokensLimiter(max_token_count=g.graphql_max_tokens),
        lambda: AddValidationRules(alias_rules),
        lambda: MaskUnexpectedErrors(public=public_errors),
        RejectNulCharacters,
        NoSubscriptionsOverHTTP,
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



def contains_nul(value: object) -> bool:
    """True if a string anywhere in ``value`` (nested lists/dicts, keys too) has a NUL.

    PostgreSQL text cannot hold NUL: such input is refused up front instead of failing
    deep inside a query. Iterative: deep input must not end in a RecursionError.
    """
    return bad_character(value) == "NUL characters are not allowed in input"


class RejectNulCharacters(SchemaExtension):
    """GraphQL (HTTP and websockets): NUL (or a lone surrogate, which no UTF-8 writer can
    encode) in a string literal or variable is a user error (code BAD_USER_INPUT), not a
    database error deep inside a resolver."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        reason = bad_character(context.variables or {})
        if reason is None and _literal_has_nul(context.query, context.graphql_document):
            reason = "NUL characters are not allowed in input"
        if reason is not None:
            raise GraphQLError(reason, extensions={"code": BAD_USER_INPUT})
        yield


class NoSubscriptionsOverHTTP(SchemaExtension):
    """Subscriptions need a websocket: over HTTP they are a 400 before any resolver runs.

    Strawberry allows them over POST/GET for its streaming transports (multipart, SSE), which
    this server does not offer; a plain JSON request then ran the subscription resolver as a
    query and failed inside it. Removing SUBSCRIPTION from the allowed operations makes
    Strawberry answer ``400 subscriptions are not allowed when using POST``.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if getattr(context.context, "over_http", False):  # app.graphql.asgi.GraphQLContext
            context.allowed_operations = frozenset(context.allowed_operations) - {
                OperationType.SUBSCRIPTION
            }
        yield


def _literal_has_nul(source: str | None, document: object) -> bool:
    # Only a raw NUL or an escape (``\u0000``, ``\u{0}``: all start with ``\u``) can put
    # a NUL in a string literal, so a source with neither needs no walk of its document
    # (walking it on every request was a visible share of a jobs page, bench/jobs_query.py).
    if source is not None and "\x00" not in source and "\\u" not in source:
        return False
    return any(
        isinstance(node, StringValueNode) and "\x00" in node.value for node in _walk(document)
    )


def _walk(node: object) -> Iterator[object]:
    if node is None:
        return
    yield node
    for key in getattr(node, "keys", ()):
        child = getattr(node, key, None)
        if isinstance(child, list | tuple):
            for item in child:
                yield from _walk(item)
        elif hasattr(child, "keys"):
            yield from _walk(child)


# A JSON ``\u0000`` escape not itself escaped (an even number of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class NulCharacterMiddleware:
    """REST: 400 for NUL in the path, the query string or a JSON body (PostgreSQL rejects it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        target = bytes(raw_path) + b"?" + bytes(scope.get("query_string", b""))
        if b"%00" in target or b"\x00" in target or "\x00" in scope.get("path", ""):
            await _nul_rejected(scope, receive, send)
            return
        if scope.get("path") == "/graphql":
            await self.app(scope, receive, send)  # GraphQL answers in its own format
            return
        tail = b""
        started = False

        async def scanning_receive() -> Message:
            nonlocal tail
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if _JSON_NUL.search(tail + chunk):
                    raise _NulInBody
                tail = (tail + chunk)[-64:]  # an escape may straddle two chunks
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, scanning_receive, tracking_send)
        except _NulInBody:
            if not started:
                await _nul_rejected(scope, receive, send)


class _NulInBody(Exception):
    pass


async def _nul_rejected(scope: Scope, receive: Receive, send: Send) -> None:
    body = {"error": "Invalid request payload", "details": "NUL characters are not allowed"}
    await JSONResponse(body, status_code=400)(scope, receive, send)


class ErrorMaskingMiddleware:
    """HTTP: an exception no route handled becomes a bare JSON answer, never a traceback.

    PostgreSQL being down is 503 with ``Retry-After`` (clients retry; the pool recovers on
    its own); anything else is 500 carrying only the request id, with the details logged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            method, path = scope.get("method"), scope.get("path")
            if is_database_outage(exc):
                log.warning("database unavailable on %s %s: %r", method, path, exc)
                response = JSONResponse(
                    {"error": OUTAGE_MESSAGE},
                    status_code=503,
                    headers={"Retry-After": RETRY_AFTER_SECONDS},
                )
            else:
                log.exception("unhandled error on %s %s", method, path)
                response = JSONResponse(
                    {"error": "Internal server error", "requestId": current_request_id()},
                    status_code=500,
                )
            if not started:
                await response(scope, receive, send)
