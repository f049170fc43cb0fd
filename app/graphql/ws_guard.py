"""Guards for the websocket protocols: message shapes, pending connections, credentials.

- Every message is checked before Strawberry's handlers read it: a JSON array or string, a
  non-object payload or a ``subscribe`` without ``id`` used to raise TypeError/KeyError
  inside the handler and drop the socket without a close code. Now: close 4400 with the
  reason, and one info log line.
- Connections that have not sent ``connection_init`` are capped, in all and per client
  address (GRAPHQL_MAX_PENDING_CONNECTIONS[_PER_CLIENT]); beyond the cap a new connection is
  closed with 1013 (try again later) right after the handshake.
- Each operation re-checks the connection's credential (a revoked API token, an expired
  JWT): at most once per poll interval, and at once when the revocation watch of the
  connection's subscriptions (resolvers.credential_watch) already saw it fail.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from app.jobspec.json_input import InvalidJson

log = logging.getLogger(__name__)

#: Close codes (graphql-transport-ws, also used for the legacy protocol).
BAD_MESSAGE = 4400
FORBIDDEN = 4403
INIT_TIMEOUT = 4408
TRY_AGAIN_LATER = 1013

#: Longest operation id accepted (the protocols leave it open; clients use short ids).
MAX_OPERATION_ID_LENGTH = 128

_OPERATION_TYPES = {"graphql-transport-ws": ("subscribe",), "graphql-ws": ("start",)}
_ID_TYPES = {"graphql-transport-ws": ("complete",), "graphql-ws": ("stop",)}


def message_problem(message: object, protocol: str) -> str | None:
    """Why ``message`` (decoded JSON) is not a valid message of ``protocol``, else None."""
    if isinstance(message, InvalidJson):  # what app.graphql.asgi's decode_json hands on
        return message.reason
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str):
        return "a message needs a string 'type'"
    if kind == "connection_init":
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            return "the connection_init payload must be an object"
        return None
    if kind in _OPERATION_TYPES[protocol] or kind in _ID_TYPES[protocol]:
        operation_id = message.get("id")
        if not isinstance(operation_id, str) or not operation_id:
            return f"a {kind} message needs a non-empty string 'id'"
        if len(operation_id) > MAX_OPERATION_ID_LENGTH:
            return f"'id' is longer than {MAX_OPERATION_ID_LENGTH} characters"
    if kind in _OPERATION_TYPES[protocol]:
        payload = message.get("payload")
        if not isinstance(payload, dict):
            return f"the {kind} payload must be an object"
        query = payload.get("query")
        if not isinstance(query, str) or not query:
            # Strawberry raises MissingQueryError on "" (reported as an internal error).
            return "payload.query must be a non-empty string"
        for key in ("variables", "extensions"):
            if not isinstance(payload.get(key), dict | None):
                return f"payload.{key} must be an object or null"
        if not isinstance(payload.get("operationName"), str | None):
            return "payload.operationName must be a string or null"
    return None


class PendingConnections:
    """Websockets accepted but not yet initialised, counted in all and per client address."""

    def __init__(self, max_total: int, max_per_client: int) -> None:
        self.max_total = max_total
        self.max_per_client = max_per_client
        self.per_client: Counter[str] = Counter()
        self.total = 0

    def admit(self, client: str) -> bool:
        if self.total >= self.max_total or self.per_client[client] >= self.max_per_client:
            return False
        self.total += 1
        self.per_client[client] += 1
        return True

    def release(self, client: str) -> None:
        self.total -= 1
        self.per_client[client] -= 1
        if self.per_client[client] <= 0:
            del self.per_client[client]  # no entry left behind per address


class PendingSlot:
    """One connection's place among the pending ones; released once (init or close)."""

    def __init__(self, pending: PendingConnections | None, client: str) -> None:
        self.pending = pending
        self.client = client
        self.held = pending.admit(client) if pending is not None else True

    def release(self) -> None:
        if self.held and self.pending is not None:
            self.pending.release(self.client)
        self.held = False


class CredentialGate:
    """Whether the connection's credential still holds, checked per operation.

    A successful check is trusted for ``ttl_seconds`` (one poll interval): a connection
    sending many operations costs one check per interval, and a revoked credential stops
    working within that interval. ``revoked`` is the connection's revocation watch (its
    future is resolved the moment the watch sees the credential fail).
    """

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self.valid_until = 0.0
        self.denied = False
        self.checks = 0

    async def allows(
        self, check: Callable[[], Awaitable[bool]] | None, revoked: Any = None
    ) -> bool:
        if check is None:  # AUTH_MODE=none: nothing to re-check
            return True
        if self.denied or (revoked is not None and revoked.done()):
            self.denied = True
            return False
        now = time.monotonic()
        if now < self.valid_until:
            return True
        self.checks += 1
        try:
            valid = await check()
        except Exception:  # a database blip: refuse this operation, check again next time
            log.warning("credential re-check failed; refusing the operation", exc_info=True)
            return False
        if not valid:
            self.denied = True
            return False
        self.valid_until = now + self.ttl_seconds
        return True
