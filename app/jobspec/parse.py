"""Parse a decoded JSON body into a JobRequest; translate pydantic errors to RequestInvalid.

The error names the first offending field as the client spelled it (camelCase, dots,
``[i]`` for list items) with a short reason such as ``must be >= 1``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.jobspec.errors import RequestInvalid
from app.jobspec.request import JobRequest, RequestLimits

_TYPE_REASONS = {
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "bool_type": "must be a boolean",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "missing": "is required",
    "finite_number": "must be a finite number",
    "string_too_short": "must not be empty",
}


def _location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "request"


def _reason(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _TYPE_REASONS:
        return _TYPE_REASONS[kind]
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']}"
    if kind == "greater_than":
        return f"must be > {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']}"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx['pattern']}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    return str(error["msg"])


def _first_error(error: ValidationError) -> RequestInvalid:
    first = error.errors()[0]
    ctx = first.get("ctx") or {}
    if first["type"] == "request_invalid":
        return RequestInvalid(str(ctx["field"]), str(ctx["reason"]))
    loc = tuple(first["loc"])
    # Union members add their type name to the location (e.g. "...key.str"); drop it.
    if loc and loc[0] == "customHyperparameters" and len(loc) > 2:
        return RequestInvalid(_location(loc[:2]), "must be a string, number or boolean")
    return RequestInvalid(_location(loc), _reason(first))


def parse_job_request(payload: object, limits: RequestLimits | None = None) -> JobRequest:
    """Validate a decoded JSON body; raise RequestInvalid naming the first bad field."""
    if not isinstance(payload, dict):
        raise RequestInvalid("request", "must be a JSON object")
    try:
        return JobRequest.model_validate(payload, context={"limits": limits or RequestLimits()})
    except ValidationError as error:
        raise _first_error(error) from None
