"""Masking credentials in free text, one linear pass per kind (for app.observability.logging_setup).

The former regular expressions backtracked: ``[a-z][a-z0-9+.-]*://`` retried the whole run
of letters from every position, so a 32,000-character path without ``://`` cost ~n²/2 steps
(43 s). These scanners look at each character a bounded number of times: ``find`` jumps to
the next anchor (``://`` or a secret-looking key word), and every walk left or right starts
where the previous one cannot have been, so the work is O(n). ``Work`` counts the characters
examined, which is what tests/ops/test_log_redaction.py asserts (never a wall-clock time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REDACTED = "[REDACTED]"

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_USER_STOP = frozenset(":/@")
#: Key words that make ``<word>=<value>`` / ``"<word>": "<value>"`` a secret. A literal
#: alternation without quantifiers: the engine tries it once per position (linear).
_SECRET_WORD = re.compile(
    "password|secret|token|apikey|api_key|accesskey|secretkey", re.IGNORECASE
)
_VALUE_STOP = frozenset("\"',;&")
# bearer/basic credentials: the match starts only at the literal word and its quantified
# parts ([ \t...]+ then token characters) are disjoint and followed by nothing: linear.
_AUTH_VALUE = re.compile(r"\b(?P<kind>bearer|basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


@dataclass
class Work:
    """Characters examined by the scanners (for tests: the work must stay O(n))."""

    chars: int = 0


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or char == "-"


def url_password_spans(text: str, work: Work, *, cut: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each password in ``scheme://user:password@``.

    ``cut``: the text was truncated, so a password running to its end counts (its ``@`` was
    cut off) and is masked rather than shown in part.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    pos = 0  # find() never looks before this again
    floor = 0  # a scheme cannot start before this (the end of the last password)
    no_at_until = -1  # a password walk starting before this reaches no '@' (memo)
    while (anchor := text.find("://", pos)) != -1:
        work.chars += anchor + 3 - pos
        pos = anchor + 3
        start = anchor  # walk back over the scheme; ':' stops it at the previous "://"
        while start > floor and text[start - 1] in _SCHEME_CHARS:
            start -= 1
            work.chars += 1
        while start < anchor and not text[start].isalpha():
            start += 1
            work.chars += 1
        if start == anchor:
            continue
        user_end = pos  # the user part stops at ':', so it never passes the next "://"
        while user_end < n and text[user_end] not in _USER_STOP and not text[user_end].isspace():
            user_end += 1
            work.chars += 1
        if user_end == pos or user_end >= n or text[user_end] != ":":
            pos = max(pos, user_end)
            continue
        secret_start = user_end + 1
        if secret_start < no_at_until:
            pos = secret_start
            continue
        end = secret_start
        while end < n and text[end] != "@" and not text[end].isspace():
            end += 1
            work.chars += 1
        terminated = end < n and text[end] == "@"
        if end > secret_start and (terminated or (cut and end == n)):
            spans.append((secret_start, end))
            pos = floor = end
        else:
            no_at_until = end
            pos = secret_start
    work.chars += n - pos
    return spans


def secret_assignment_spans(text: str, work: Work) -> list[tuple[int, int]]:
    """(start, end) of each value in ``<..secret word..><sep><value>`` where sep is
    ``["']?\\s*[=:]\\s*["']?`` and the value runs to whitespace or ``"',;&``."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    pos = 0
    while (match := _SECRET_WORD.search(text, pos)) is not None:
        work.chars += match.end() - pos
        key_end = match.end()  # the rest of the key word (e.g. secretKey, password_file)
        while key_end < n and _is_word(text[key_end]):
            key_end += 1
            work.chars += 1
        i = key_end
        if i < n and text[i] in "\"'":
            i += 1
        while i < n and text[i].isspace():
            i += 1
            work.chars += 1
        if i >= n or text[i] not in "=:":
            pos = max(key_end, match.end())
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
            work.chars += 1
        if i < n and text[i] in "\"'":
            i += 1
        end = i
        while end < n and text[end] not in _VALUE_STOP and not text[end].isspace():
            end += 1
            work.chars += 1
        if end > i:
            spans.append((i, end))
        pos = max(end, i)
    work.chars += n - pos
    return spans


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(REDACTED)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def redact_text(text: str, *, cut: bool = False, work: Work | None = None) -> str:
    """Mask credentials inside free text (URLs with passwords, bearer tokens, key=value)."""
    work = work if work is not None else Work()
    text = _replace(text, url_password_spans(text, work, cut=cut))
    text = _AUTH_VALUE.sub(r"\g<kind> " + REDACTED, text)
    return _replace(text, secret_assignment_spans(text, work))


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters plus a marker saying how many were cut."""
    if len(text) <= limit:
        return text, False
    return f"{text[:limit]}...[truncated {len(text) - limit} chars]", True
