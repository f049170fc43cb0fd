"""Errors from the Karmada API, split by what the caller should do about them.

KarmadaError                 base class; ``status`` is the HTTP status (0 when none)
├── KarmadaUnavailable       no usable answer: connection refused/reset, timeout, 5xx, 429.
│                            Transient: retry later, never change a job's phase because of it.
└── KarmadaRejected          Karmada answered and said no (4xx). Retrying the same request
    │                        will not help.
    ├── NotFound             404: the object (or its namespace) does not exist
    ├── AlreadyExists        409 on create
    ├── Conflict             409 on update: stale resourceVersion
    ├── Invalid              422: the object failed validation; ``causes`` lists field errors
    └── Unauthorized         401/403: our credentials are wrong or lack permissions

Messages are Karmada's own text: log them, never copy them into API responses.
"""

from __future__ import annotations

from typing import Any


class KarmadaError(Exception):
    def __init__(self, message: str, *, status: int = 0, body: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.body = body or {}


class KarmadaUnavailable(KarmadaError):
    pass


class KarmadaRejected(KarmadaError):
    pass


class NotFound(KarmadaRejected):
    pass


class AlreadyExists(KarmadaRejected):
    pass


class Conflict(KarmadaRejected):
    pass


class Invalid(KarmadaRejected):
    @property
    def causes(self) -> list[dict[str, Any]]:
        details = self.body.get("details") or {}
        causes = details.get("causes") or []
        return [c for c in causes if isinstance(c, dict)]


class Unauthorized(KarmadaRejected):
    pass


def error_for_status(status: int, body: dict[str, Any], fallback: str) -> KarmadaError:
    """Map an HTTP error answer (a Kubernetes ``Status`` body when possible) to a class."""
    message = str(body.get("message") or fallback)
    reason = body.get("reason")
    if status in (401, 403):
        return Unauthorized(message, status=status, body=body)
    if status == 404:
        return NotFound(message, status=status, body=body)
    if status == 409:
        cls = AlreadyExists if reason == "AlreadyExists" else Conflict
        return cls(message, status=status, body=body)
    if status == 422:
        return Invalid(message, status=status, body=body)
    if status == 429 or status >= 500:
        return KarmadaUnavailable(message, status=status, body=body)
    return KarmadaRejected(message, status=status, body=body)
