"""API errors of the simulated API server, each rendering a Kubernetes `Status` object.

Hierarchy (code, reason):

    ApiError(code, reason, message)      base; `.status()` is the `meta.k8s.io/v1 Status` body
    +-- BadRequest          400 BadRequest
    +-- Unauthorized        401 Unauthorized
    +-- Forbidden           403 Forbidden
    +-- NotFound            404 NotFound       `<plural>.<group> "<name>" not found`
    +-- MethodNotAllowed    405 MethodNotAllowed
    +-- AlreadyExists       409 AlreadyExists  `<plural>.<group> "<name>" already exists`
    +-- Conflict            409 Conflict       stale resourceVersion on update
    +-- Gone                410 Expired        watch/list resourceVersion too old
    +-- UnsupportedMediaType 415 UnsupportedMediaType
    +-- Invalid             422 Invalid        `details.causes[]` with field + message
    +-- TooManyRequests     429 TooManyRequests
    +-- InternalError       500 InternalError
    +-- ServiceUnavailable  503 ServiceUnavailable

`details` carries `name`, `group`, `kind` (the plural, as the real server puts it) and, for
Invalid, `causes`. The messages follow apimachinery's `k8s.io/apimachinery/pkg/api/errors`.
"""

from __future__ import annotations

from typing import Any


def qualified_resource(plural: str, group: str) -> str:
    """`rayjobs.ray.io`, or `pods` for the core group (apimachinery GroupResource.String)."""
    return f"{plural}.{group}" if group else plural


class ApiError(Exception):
    """An error the API server answers with a `Status` object."""

    code = 500
    reason = "InternalError"

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        group: str | None = None,
        kind: str | None = None,
        causes: list[dict[str, str]] | None = None,
        code: int | None = None,
        reason: str | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if reason is not None:
            self.reason = reason
        self.details: dict[str, Any] = {}
        if name is not None:
            self.details["name"] = name
        if group is not None:
            self.details["group"] = group
        if kind is not None:
            self.details["kind"] = kind
        if causes:
            self.details["causes"] = causes
        if retry_after_seconds is not None:
            self.details["retryAfterSeconds"] = retry_after_seconds

    def status(self) -> dict[str, Any]:
        """The `Status` object for this error."""
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


class Unauthorized(ApiError):
    code = 401
    reason = "Unauthorized"


class Forbidden(ApiError):
    code = 403
    reason = "Forbidden"


class NotFound(ApiError):
    code = 404
    reason = "NotFound"

    @classmethod
    def of(cls, plural: str, group: str, name: str) -> NotFound:
        """`<resource> "<name>" not found`."""
        return cls(
            f'{qualified_resource(plural, group)} "{name}" not found',
            name=name,
            group=group,
            kind=plural,
        )


class MethodNotAllowed(ApiError):
    code = 405
    reason = "MethodNotAllowed"


class AlreadyExists(ApiError):
    code = 409
    reason = "AlreadyExists"

    @classmethod
    def of(cls, plural: str, group: str, name: str) -> AlreadyExists:
        """`<resource> "<name>" already exists`."""
        return cls(
            f'{qualified_resource(plural, group)} "{name}" already exists',
            name=name,
            group=group,
            kind=plural,
        )


class Conflict(ApiError):
    code = 409
    reason = "Conflict"

    @classmethod
    def stale(cls, plural: str, group: str, name: str) -> Conflict:
        """The optimistic-concurrency failure message of the real server."""
        return cls(
            f'Operation cannot be fulfilled on {qualified_resource(plural, group)} "{name}": '
            "the object has been modified; please apply your changes to the latest version "
            "and try again",
            name=name,
            group=group,
            kind=plural,
        )


class Gone(ApiError):
    code = 410
    reason = "Expired"


class UnsupportedMediaType(ApiError):
    code = 415
    reason = "UnsupportedMediaType"


class Invalid(ApiError):
    code = 422
    reason = "Invalid"

    @classmethod
    def of(cls, kind: str, group: str, name: str, causes: list[tuple[str, str]]) -> Invalid:
        """`<Kind>.<group> "<name>" is invalid: [field: message, ...]` with causes."""
        listed = ", ".join(f"{f}: {m}" for f, m in causes)
        text = listed if len(causes) == 1 else f"[{listed}]"
        qualified = f"{kind}.{group}" if group else kind
        return cls(
            f'{qualified} "{name}" is invalid: {text}',
            name=name,
            group=group,
            kind=kind,
            causes=[{"reason": _cause_reason(m), "message": m, "field": f} for f, m in causes],
        )


def _cause_reason(message: str) -> str:
    # apimachinery field.ErrorType -> CauseType strings.
    if message.startswith("Required value"):
        return "FieldValueRequired"
    if message.startswith("Unsupported value"):
        return "FieldValueNotSupported"
    if message.startswith("Forbidden"):
        return "FieldValueForbidden"
    return "FieldValueInvalid"


class TooManyRequests(ApiError):
    code = 429
    reason = "TooManyRequests"


class InternalError(ApiError):
    code = 500
    reason = "InternalError"


class ServiceUnavailable(ApiError):
    code = 503
    reason = "ServiceUnavailable"
