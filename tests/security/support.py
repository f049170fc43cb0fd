"""Helpers for the security tests: platforms with auth on, tokens, a loopback JWKS server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.auth.principal import Role, grants_for
from app.auth.tokens import TOKEN_PREFIX, hash_token
from tests.support.platform import Platform
from tests.support.postgres import run_coroutine_sync

STORAGE_SECRET = "ml-platform-storage"
GQL_TRANSPORT_WS = "graphql-transport-ws"


class DbProbe:
    """One asyncpg connection on a loop of its own thread: cheap queries from sync tests."""

    def __init__(self, dsn: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.conn: asyncpg.Connection = self.run(asyncpg.connect(dsn))

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self.run(self.conn.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class SecurePlatform:
    """A running platform plus direct access to its database (to mint and revoke tokens)."""

    platform: Platform
    dsn: str
    probe: DbProbe | None = None

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Like fetch, over one persistent connection (for tests that query per example)."""
        if self.probe is None:
            self.probe = DbProbe(self.dsn)
        return [dict(r) for r in self.probe.run(self.probe.conn.fetch(sql, *args))]

    def token(self, user: str, role: str, namespaces: list[str]) -> str:
        """Insert an API token row the way ``token create`` does; return the secret."""
        import secrets

        token_id = secrets.token_hex(8)
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        grants_for(Role.parse(role), namespaces)  # validates the role

        async def insert() -> None:
            conn = await asyncpg.connect(self.dsn)
            try:
                await conn.execute(
                    'INSERT INTO api_tokens (id, "user", role, namespaces, token_hash, created_at)'
                    " VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
                    token_id, user, role, json.dumps(namespaces), hash_token(token),
                    datetime.now(UTC),
                )
            finally:
                await conn.close()

        run_coroutine_sync(insert)
        return token

    def revoke(self, token: str) -> None:
        async def update() -> None:
            conn = await asyncpg.connect(self.dsn)
            try:
                await conn.execute(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2",
                    datetime.now(UTC), hash_token(token),
                )
            finally:
                await conn.close()

        run_coroutine_sync(update)

    def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(self.dsn)
            try:
                return [dict(r) for r in await conn.fetch(sql, *args)]
            finally:
                await conn.close()

        return run_coroutine_sync(run)


def ensure_namespace(platform: Platform, name: str) -> None:
    """The namespace and its default storage Secret on the simulated Karmada (idempotent)."""
    answer = platform.sim_request("POST", "/api/v1/namespaces", json={
        "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert answer.status_code in (201, 409), answer.text
    answer = platform.sim_request("POST", f"/api/v1/namespaces/{name}/secrets", json={
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": STORAGE_SECRET},
        "stringData": {"accessKey": "a", "secretKey": "b"}})
    assert answer.status_code in (201, 409), answer.text


def job_body(name: str, namespace: str = "default") -> dict[str, Any]:
    return {
        "jobName": name,
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
                      "instanceCount": 1, "volumeSizeGB": 0},
        "namespace": namespace,
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- websockets (graphql-transport-ws) ------------------------------------------------------


@contextlib.contextmanager
def ws_connection(url: str, **kwargs: Any) -> Iterator[ClientConnection]:
    with connect(url, subprotocols=[GQL_TRANSPORT_WS], open_timeout=10, **kwargs) as ws:  # type: ignore[list-item]
        yield ws


def close_code_after_init(url: str, payload: dict[str, Any] | None, **kwargs: Any) -> int | None:
    """Send connection_init; the close code if the server closes, None if it acknowledges."""
    with ws_connection(url, **kwargs) as ws:
        message: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = payload
        ws.send(json.dumps(message))
        try:
            reply = json.loads(ws.recv(timeout=10))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        assert reply["type"] == "connection_ack", reply
        return None


def recv_json(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return reply


def subscribe(ws: ClientConnection, query: str, variables: dict[str, Any] | None = None,
              op_id: str | None = None) -> str:
    op_id = op_id or uuid.uuid4().hex[:8]
    ws.send(json.dumps({"id": op_id, "type": "subscribe",
                        "payload": {"query": query, "variables": variables or {}}}))
    return op_id


# --- OIDC: keys and a JWKS served on loopback --------------------------------------------------


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        return {**data, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        headers = {"kid": self.kid, **header}
        return jwt.encode(claims, self.private, algorithm="RS256", headers=headers)


class JwksServer:
    """Serves ``{"keys": [...]}`` at /jwks on 127.0.0.1; counts fetches; keys can rotate."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = []
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                body = json.dumps({"keys": [k.jwk() for k in owner.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks"

    def __enter__(self) -> JwksServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


ISSUER = "https://issuer.test"
AUDIENCE = "ml-platform"


def claims(
    user: str = "carol", groups: list[str] | None = None, **overrides: Any
) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": f"id-{user}", "preferred_username": user,
        "groups": groups if groups is not None else ["team-a-dev"], "iat": now, "exp": now + 300,
    }
    base.update(overrides)
    return base
