"""Parsing REST input that the handlers must never trust: query integers, names, JSON bodies.

Each failure is a ``ParamInvalid`` naming the field and the reason (REST answers 400
``{"error", "details": "<field>: <why>"}``), or ``UnsupportedMediaType`` (415). All checks
cost at most one linear pass over the input: no recursion, no regex that can backtrack.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.jobspec.json_input import bad_string_at, json_nesting_depth

#: ``Content-Type`` values a JSON body may come with (RFC 8259 §8.1: JSON is UTF-8).
JSON_MEDIA_TYPE = "application/json"
_UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
#: Structural characters of JSON; everything between them is skipped by the C regex engine.


class ParamInvalid(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class UnsupportedMediaType(ValueError):
    pass


def query_int(
    params: Mapping[str, str], name: str, *, minimum: int, maximum: int
) -> int | None:
    """An optional integer query parameter: ASCII digits only, within [minimum, maximum].

    ``str.isdigit`` and ``int`` accept other scripts' digits (``²``, ``①``) and numbers
    of any length; both are refused before any conversion.
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    reason = f"must be an integer from {minimum} to {maximum}"
    # Longer than the maximum's digits (plus a sign) cannot be in range: refused unparsed.
    if len(raw) > len(str(maximum)) + 1 or not raw.isascii():
        raise ParamInvalid(name, reason)
    digits = raw[1:] if raw[:1] == "-" else raw
    if not digits.isdigit():
        raise ParamInvalid(name, reason)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ParamInvalid(name, reason)
    return value


def check_content_type(content_type: str | None) -> None:
    """``application/json`` with charset utf-8 or none; anything else is 415."""
    if not content_type:
        raise UnsupportedMediaType("Content-Type must be application/json")
    media, *params = (part.strip() for part in content_type.split(";"))
    if media.lower() != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType("Content-Type must be application/json")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and (
            value.strip().strip('"').lower() not in _UTF8_CHARSETS
        ):
            raise UnsupportedMediaType("JSON bodies must be UTF-8 (charset=utf-8 or none)")


def json_depth_exceeds(text: str, max_depth: int) -> bool:
    """True if ``text`` nests arrays/objects deeper than ``max_depth`` (outside strings),
    found in one linear pass before any decoding (app.jobspec.json_input)."""
    return json_nesting_depth(text, max_depth) > max_depth


def decode_json_body(raw: bytes, content_type: str | None, *, max_depth: int) -> Any:
    """The decoded body, or ParamInvalid / UnsupportedMediaType saying what is wrong."""
    check_content_type(content_type)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParamInvalid("body", "must be UTF-8") from None
    if json_depth_exceeds(text, max_depth):
        raise ParamInvalid("body", f"nests deeper than {max_depth} levels")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ParamInvalid("body", "malformed JSON") from None
    found = bad_string_at(value)
    if found is not None:
        raise ParamInvalid(*found)
    return value
