"""Log redaction is linear in the text's length and bounded (app.observability.log_redaction).

The work is counted (characters the scanners examine), never timed: for hostile inputs of
n characters it stays below a small constant times n, also when n doubles.
"""

from __future__ import annotations

import pytest

from app.observability import logging_setup
from app.observability.log_redaction import REDACTED, Work, redact_text
from app.observability.logging_setup import redact_string, redact_value

# Hostile shapes for the old regexes: long runs of scheme/word characters, many anchors
# that never complete, separators without values.
SHAPES = {
    "path without token": lambda n: "/" + "a" * n,
    "scheme run": lambda n: "a" * n + "://",
    "unterminated passwords": lambda n: "x://b:c" * (n // 7),
    "word boundaries": lambda n: "a-" * (n // 2),
    "key words": lambda n: "password" * (n // 8),
    "keys without values": lambda n: "token:" * (n // 6),
    "colons": lambda n: ":" * n,
    "mixed": lambda n: ("a://b:c@" + "password=" + "-a" * 10) * (n // 37),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_redaction_work_is_linear(shape: str) -> None:
    for n in (1000, 32_000, 64_000):
        text = SHAPES[shape](n)
        work = Work()
        redact_text(text, work=work)
        assert work.chars <= 4 * len(text) + 16, (shape, n, work.chars)


def test_the_reported_32000_character_path_is_examined_once_per_scanner() -> None:
    text = "/api/v1/jobs/" + "a" * 32_000
    work = Work()
    assert redact_text(text, work=work) == text
    assert work.chars <= 2 * len(text) + 16  # one pass of each of the two scanners


def test_redaction_still_masks() -> None:
    assert redact_text("postgres://mlp:hunter2@db:5432/x") == f"postgres://mlp:{REDACTED}@db:5432/x"
    assert redact_text("a://u:p@h and B://v:q@i") == f"a://u:{REDACTED}@h and B://v:{REDACTED}@i"
    assert redact_text("Authorization: Bearer abc.def") == f"Authorization: Bearer {REDACTED}"
    assert redact_text("secretKey = 'x1', n=2") == f"secretKey = '{REDACTED}', n=2"
    assert redact_text('{"api_key": "k"}') == '{"api_key": "' + REDACTED + '"}'
    assert redact_text("job xgb-1 is Running at http://host/path") == (
        "job xgb-1 is Running at http://host/path"
    )


def test_long_strings_are_cut_with_a_marker_before_redaction() -> None:
    limit = logging_setup.MAX_STRING_CHARS
    text = "x" * (limit * 10)
    out = redact_string(text)
    assert out == "x" * limit + f"...[truncated {limit * 9} chars]"
    assert redact_value("path", text) == out


def test_a_cut_never_shows_part_of_a_password() -> None:
    text = "x" * 100 + "postgres://mlp:" + "s" * 500 + "@db"
    out = redact_string(text, limit=200)
    assert "sss" not in out and REDACTED in out and "[truncated" in out
