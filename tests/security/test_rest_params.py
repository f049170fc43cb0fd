"""REST input parsing (app.server.rest_params): integers, content types, JSON depth, surrogates."""

from __future__ import annotations

import json

import pytest

from app.server.rest_params import (
    ParamInvalid,
    UnsupportedMediaType,
    decode_json_body,
    json_depth_exceeds,
    query_int,
)


@pytest.mark.parametrize(
    "raw", ["\u00b2", "\u2460", "\u0661", "1\u00b2", "9" * 5000, str(2**63), "-1", "+1", " 1",
            "1.0", "1e3", "0x10", "10001"],
)
def test_query_integers_are_ascii_and_bounded(raw: str) -> None:
    with pytest.raises(ParamInvalid) as raised:
        query_int({"limit": raw}, "limit", minimum=0, maximum=10_000)
    assert raised.value.field == "limit"
    assert "integer from 0 to 10000" in raised.value.reason


def test_query_integers_in_range() -> None:
    assert query_int({"limit": "0"}, "limit", minimum=0, maximum=10) == 0
    assert query_int({"limit": "010"}, "limit", minimum=0, maximum=10) == 10
    assert query_int({}, "limit", minimum=0, maximum=10) is None
    assert query_int({"limit": ""}, "limit", minimum=0, maximum=10) is None


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "application/json; charset=utf-16", "application/jsonx",
     "application/json;charset=latin-1", "multipart/form-data"],
)
def test_bodies_other_than_utf8_json_are_415(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        decode_json_body(b"{}", content_type, max_depth=64)


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/json; charset=UTF-8",
                     'application/json;charset="utf-8"'],
)
def test_utf8_json_is_accepted(content_type: str) -> None:
    assert decode_json_body(b'{"a": [1]}', content_type, max_depth=64) == {"a": [1]}


def test_invalid_utf8_is_400() -> None:
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body('{"a": "é"}'.encode("utf-16"), "application/json", max_depth=64)
    assert (raised.value.field, raised.value.reason) == ("body", "must be UTF-8")


def test_deep_bodies_are_refused_before_decoding() -> None:
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body(deep.encode(), "application/json", max_depth=64)
    assert raised.value.field == "body" and "deeper than 64" in raised.value.reason
    assert not json_depth_exceeds("[" * 64 + "]" * 64, 64)
    assert json_depth_exceeds("[" * 65 + "]" * 65, 64)


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"a": "[" * 1000, "b": '\\"[[[[', "c": [[["x"]]]})
    assert not json_depth_exceeds(text, 4)
    assert json_depth_exceeds(text, 3)  # {"c": [[[ is four levels


def test_lone_surrogates_are_refused_naming_the_field() -> None:
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body(b'{"jobName": "a\\ud800b"}', "application/json", max_depth=64)
    assert raised.value.field == "jobName"
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body(b'{"x": [{"y": "\\udfff"}]}', "application/json", max_depth=64)
    assert raised.value.field == "x[0].y"
    # A proper pair is fine.
    assert decode_json_body(b'{"a": "\\ud83d\\ude00"}', "application/json", max_depth=64) == {
        "a": "\U0001f600"
    }


def test_nul_characters_are_refused_naming_the_field() -> None:
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body(b'{"a": {"b": ["ok", "x\\u0000"]}}', "application/json", max_depth=64)
    assert (raised.value.field, raised.value.reason) == (
        "a.b[1]", "NUL characters are not allowed in input")
    with pytest.raises(ParamInvalid) as raised:
        decode_json_body(b'{"a": {"k\\u0000": 1}}', "application/json", max_depth=64)
    assert raised.value.field == "a"
