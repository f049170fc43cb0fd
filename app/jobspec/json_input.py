"""Checks of untrusted JSON (GraphQL requests, REST bodies, websocket messages), all linear.

Each check is iterative and linear in the input: deep JSON used to reach recursive code
(``json.loads`` itself, the NUL scan, variable coercion) and end in a RecursionError, which
became a 500 or leaked "maximum recursion depth exceeded" in an error message.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Python ``str`` can hold lone UTF-16 surrogates (JSON ``"\\ud800"``); they cannot be
#: encoded as UTF-8, so PostgreSQL (and any UTF-8 writer) fails on them.
_SURROGATES = range(0xD800, 0xE000)


class InvalidJson(ValueError):
    """The text is not acceptable JSON for a GraphQL request; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_json(data: str | bytes, max_depth: int) -> object:
    """``json.loads`` with strict UTF-8 and a nesting limit checked before decoding."""
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJson(f"the body is not valid UTF-8 (byte {exc.start})") from None
    else:
        text = data
    if json_nesting_depth(text, max_depth) > max_depth:
        raise InvalidJson(f"JSON nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError:  # unreachable within max_depth; kept as a last guard
        raise InvalidJson("JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"not valid JSON: {exc.msg} at position {exc.pos}") from None


def json_nesting_depth(text: str, limit: int) -> int:
    """Deepest ``[``/``{`` nesting of JSON text (strings skipped); stops once past ``limit``.

    The regular expression drops strings and everything but brackets in C; what is left is
    walked once, so a 5,000-level body is refused after ``limit`` + 1 brackets.
    """
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", text):
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


# A JSON string (its closing quote optional, so a match never fails and never backtracks)
# or a run of characters that are neither brackets nor quotes.
_NOT_BRACKETS = re.compile(r'"(?:[^"\\]+|\\.)*"?|[^\[\]{}"]+', re.DOTALL)


def bad_character(value: object) -> str | None:
    """Why a string anywhere in ``value`` (keys too) cannot be stored, else None."""
    found = bad_string_at(value)
    return found[1] if found else None


def bad_string_at(value: object) -> tuple[str, str] | None:
    """``(path, reason)`` of the first string (key or value) that cannot be stored, else None.

    NUL: PostgreSQL text cannot hold it. A lone surrogate: not encodable as UTF-8 (the JSON
    decoder accepts ``"\\ud800"``). ``path`` is dotted (``x[0].y``); the top level is "body".
    Iterative: no recursion whatever the nesting.
    """
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            reason = _string_problem(item)
            if reason:
                return path or "body", reason
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                reason = _string_problem(key) if isinstance(key, str) else None
                if reason:
                    return path or "body", reason
                stack.append((child_path, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "NUL characters are not allowed in input"
    if not text.isascii() and any(ord(c) in _SURROGATES for c in text):
        return "lone UTF-16 surrogates are not allowed in input"
    return None


def value_depth(value: object) -> int:
    """Deepest list/object nesting of a decoded JSON value (iterative)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item)
    return deepest
