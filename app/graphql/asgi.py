"""The GraphQL endpoint: Strawberry's ASGI app with our context, limits and live delivery.

``graphql_app`` builds it from the settings (schema extensions, executor, websocket limits);
``app.server.main`` only mounts it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cross_web import HTTPException  # what Strawberry's views raise and answer as 4xx
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from app._compat.strawberry_logging import ErrorLoggingSchema
from app.auth import AuthenticationFailed, Authenticator
from app.graphql import graphiql_assets
from app.graphql.cost import CostLimitedValidationCache, SafeParserCache
from app.graphql.execution import execution_context_class
from app.graphql.graphiql_example import with_example_document
from app.graphql.hardening import graphql_extensions, log_client_error
from app.graphql.media import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    MEDIA_KEY,
    STATUS_KEY,
    negotiate,
    request_error_status,
)
from app.graphql.metrics import GraphQLMetricsExtension
from app.graphql.ws_guard import PendingConnections
from app.graphql.ws_transport import LegacyWSHandler, TransportWSHandler
from app.jobspec.json_input import InvalidJson, decode_json
from app.settings import Settings
from resolvers.context import Context
from resolvers.errors import ResolverError
from schema import build_schema

log = logging.getLogger(__name__)


@dataclass
class GraphQLContext(Context):
    """The resolvers' context plus what only the transport knows about the request."""

    #: The websocket of a websocket connection (on_ws_connect authenticates on it).
    ws_request: WebSocket | None = None
    #: An HTTP request: app.graphql.hardening refuses subscriptions over it.
    over_http: bool = False


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-connection context and shared live delivery."""

    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler
    #: Deepest JSON nesting accepted in bodies and websocket messages (graphql_app sets it).
    max_json_depth = 32
    #: Websockets awaiting connection_init, capped (app.graphql.ws_guard; graphql_app sets it).
    pending_connections: PendingConnections | None = None

    def parse_json(self, data: str | bytes) -> Any:
        """HTTP bodies (and GET ``variables``): a 400 naming the reason, never a 500."""
        try:
            value = decode_json(data, self.max_json_depth)
        except InvalidJson as exc:
            raise HTTPException(400, f"Invalid request body: {exc.reason}") from None
        if not isinstance(value, dict | list):
            raise HTTPException(400, "Invalid request body: expected a JSON object")
        return value

    def decode_json(self, data: str | bytes) -> object:
        # Websocket messages come here directly: a bad one is handed on as the InvalidJson
        # itself, and app.graphql.ws_guard.message_problem closes the socket 4400 with its reason.
        try:
            return decode_json(data, self.max_json_depth)
        except InvalidJson as exc:
            return exc

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string")
        return data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: answer in the media type the client's Accept prefers (app.graphql.media)."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        accept = next((v.decode("latin-1") for k, v in scope.get("headers") or ()
                       if k == b"accept"), None)
        if negotiate(accept) != GRAPHQL_RESPONSE_JSON:
            await super().__call__(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state[MEDIA_KEY] = GRAPHQL_RESPONSE_JSON

        async def send_negotiated(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                # Only GraphQL results (JSON); GraphiQL's page and plain-text 4xx stay as are.
                if any(k == b"content-type" and v.startswith(JSON.encode()) for k, v in headers):
                    headers = [(k, v) for k, v in headers if k != b"content-type"]
                    headers.append((b"content-type", f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
                                    .encode()))
                    status = state.get(STATUS_KEY) or message["status"]
                    message = {**message, "headers": headers, "status": status}
            await send(message)

        await super().__call__(scope, receive, send_negotiated)

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        data: dict[str, Any] = dict(await super().process_result(request, result))
        state = request.scope.get("state") or {}
        if state.get(MEDIA_KEY) == GRAPHQL_RESPONSE_JSON and result.data is None and all(
            error.path is None for error in result.errors or ()
        ) and result.errors:
            # A request error (parse, validation, variables): no execution, so no `data`.
            data.pop("data", None)
            state[STATUS_KEY] = request_error_status(data.get("errors") or ())
        return data

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        # HTTP: the AuthenticationMiddleware already identified the caller. Websockets:
        # nobody until connection_init (on_ws_connect); the context lives per connection.
        principal = request.state.principal if isinstance(request, Request) else None
        user = principal.user if principal is not None else None
        if isinstance(request, WebSocket):
            return GraphQLContext(
                services=request.app.state.services,
                actor=user,
                principal=principal,
                ws_request=request,
            )
        return GraphQLContext(
            services=request.app.state.services,
            actor=user,
            principal=principal,
            over_http=True,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        # Locally served GraphiQL scripts when fetched (air-gapped clusters), else the CDN.
        # Opening on an example of this API (app.graphql.graphiql_example); Strawberry's own
        # page if an upgrade changed it (tests/graphql/test_graphiql_example.py fails then).
        page = self.graphql_ide_html
        try:
            page = with_example_document(page)
        except ValueError as exc:
            log.warning("GraphiQL opens on Strawberry's welcome text: %s", exc)
        return HTMLResponse(graphiql_assets.offline_graphiql_page(page))

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate connection_init; a bad or missing credential closes with 4403."""
        # get_context made this connection's context with its websocket.
        assert isinstance(context, GraphQLContext) and context.ws_request is not None
        websocket = context.ws_request
        authenticator: Authenticator = websocket.app.state.authenticator
        peer = websocket.client.host if websocket.client else None
        try:
            principal = await authenticator.authenticate_connection_params(
                context.connection_params, websocket.headers, peer
            )
        except AuthenticationFailed as exc:
            log.info("websocket authentication failed: %s", exc)
            raise ConnectionRejectionError({"message": "Unauthorized"}) from None
        context.principal = principal
        context.actor = principal.user

        async def still_valid() -> bool:
            return await authenticator.still_valid(principal)

        context.credentials_valid = still_valid
        return None


def graphql_schema(settings: Settings) -> ErrorLoggingSchema:
    """The schema with its extensions, executor and error log."""
    public_errors: tuple[type[BaseException], ...] = (ResolverError,)
    schema = build_schema(
        extensions=[
            *graphql_extensions(settings, public_errors=public_errors),
            GraphQLMetricsExtension,
            # Module-level LRU caches shared by every operation: list views and
            # dashboards send the same few documents over and over (bench/jobs_query.py).
            lambda: SafeParserCache(maxsize=256),
            # After measuring the document: a fragment bomb never reaches validation.
            lambda: CostLimitedValidationCache(
                settings.graphql.graphql_max_selections, maxsize=256
            ),
        ],
        execution_context_class=execution_context_class(settings.graphql.graphql_fast_executor),
        schema_class=ErrorLoggingSchema,
    )
    assert isinstance(schema, ErrorLoggingSchema)
    schema.log_error = functools.partial(log_client_error, public_errors)
    return schema


def graphql_app(settings: Settings) -> GraphQLApp:
    """The endpoint with the schema, its extensions and executor, and the websocket limits."""
    graphql = GraphQLApp(
        graphql_schema(settings),
        graphql_ide="graphiql" if settings.graphql.graphiql_enabled else None,
        connection_init_wait_timeout=timedelta(
            seconds=settings.graphql.graphql_connection_init_timeout_seconds
        ),
        max_subscriptions_per_connection=settings.graphql.graphql_max_subscriptions_per_connection,
        allowed_origins=settings.cors_origins,
    )
    graphql.max_json_depth = settings.graphql.graphql_max_json_depth
    graphql.pending_connections = PendingConnections(
        settings.graphql.graphql_max_pending_connections,
        settings.graphql.graphql_max_pending_connections_per_client,
    )
    return graphql
