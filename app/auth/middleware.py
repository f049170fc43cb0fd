"""HTTP authentication as ASGI middleware: 401 before any route runs, except public paths.

Websockets pass through: they authenticate in connection_init (app.graphql.asgi's GraphQL view),
so a bad token closes graphql-transport-ws with 4403 as the protocol expects. CORS sits
outside this middleware, so preflight OPTIONS requests are answered before authentication.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.authenticator import AuthenticationFailed, Authenticator

log = logging.getLogger(__name__)

#: Reachable without credentials: probes, the REST API description, and GraphiQL's page
#: (``GET /graphql`` without ``query``: it holds no data; its queries are authenticated).
PUBLIC_PATHS = frozenset(
    {"/health", "/api/v1/health", "/health/live", "/health/ready", "/api/v1/openapi.json"}
)
PUBLIC_PREFIXES = ("/graphiql-assets/",)


def is_public(method: str, path: str, query_string: bytes = b"") -> bool:
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return True
    # GraphiQL's page only: a GET that carries a document (``?query=``) is a GraphQL
    # operation and needs credentials like a POST, so nobody runs GraphQL (introspection
    # included) unauthenticated in the token and oidc modes.
    return method in ("GET", "HEAD") and path == "/graphql" and not _has_query(query_string)


def _has_query(query_string: bytes) -> bool:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any(name == "query" for name, _ in pairs)


class AuthenticationMiddleware:
    """Puts the caller's Principal in ``scope["state"]["principal"]`` or answers 401."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", "GET"), scope.get("path", "")
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else None
        state = scope.setdefault("state", {})
        if method == "OPTIONS":
            await self.app(scope, receive, send)
            return
        try:
            state["principal"] = await self.authenticator.authenticate(headers, peer)
        except AuthenticationFailed as exc:
            if not is_public(method, path, scope.get("query_string", b"")):
                log.info("authentication failed for %s %s: %s", method, path, exc)
                await _unauthorized(scope, receive, send)
                return
            state["principal"] = None
        await self.app(scope, receive, send)


async def _unauthorized(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"error": "Unauthorized"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
    )
    await response(scope, receive, send)
