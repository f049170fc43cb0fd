"""app.graphql.frames: the shared delivery's frames are the JSON messages the protocols define."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.graphql.frames import frame, frame_prefix, result_payload


@given(operation_id=st.text(), message_type=st.sampled_from(["next", "data"]))
def test_a_frame_is_the_message_with_its_payload(operation_id: str, message_type: str) -> None:
    payload = result_payload({"jobStatus": {"phase": "RUNNING", "note": 'a "quoted" \u00e9'}})
    message = json.loads(frame(frame_prefix(operation_id, message_type), payload))  # type: ignore[arg-type]
    assert message == {
        "id": operation_id,
        "type": message_type,
        "payload": {"data": {"jobStatus": {"phase": "RUNNING", "note": 'a "quoted" \u00e9'}}},
    }


def test_one_payload_serves_every_member() -> None:
    payload = result_payload({"n": 1})
    frames = [json.loads(frame(frame_prefix(op, "next"), payload)) for op in ("1", "2")]
    assert [f["id"] for f in frames] == ["1", "2"]
    assert frames[0]["payload"] == frames[1]["payload"] == {"data": {"n": 1}}


def test_the_payload_carries_errors_and_extensions_only_when_there_are_some() -> None:
    assert result_payload(None) == '{"data":null}'
    assert result_payload({"a": 1}, [], {}) == '{"data":{"a":1}}'
    error = {"message": "Internal server error", "path": ["jobStatus"]}
    assert json.loads(result_payload(None, [error], {"cost": 3})) == {
        "data": None,
        "errors": [error],
        "extensions": {"cost": 3},
    }


def test_the_prefix_is_compact_and_only_for_result_frames() -> None:
    assert frame_prefix("7", "next") == '{"id":"7","type":"next","payload":'
    with pytest.raises(ValueError, match="complete"):
        frame_prefix("7", "complete")  # type: ignore[arg-type]
