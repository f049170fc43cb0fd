"""Encoding the websocket frames of shared live delivery (pure).

A frame is ``{"id":<operation id>,"type":"next"|"data","payload":<result>}``. Every member
of a shared group gets the same payload, so it is encoded once per update
(:func:`result_payload`) and each member's frame is its own prefix (:func:`frame_prefix`,
made once per operation) around it (:func:`frame`): no JSON encoding per member.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

#: ``next`` on graphql-transport-ws, ``data`` on the legacy graphql-ws.
MessageType = Literal["next", "data"]

_COMPACT = (",", ":")


def frame_prefix(operation_id: str, message_type: MessageType) -> str:
    """The frame up to its payload, e.g. ``{"id":"7","type":"next","payload":``."""
    if message_type not in ("next", "data"):
        raise ValueError(f"not a result frame type: {message_type!r}")
    return f'{{"id":{json.dumps(operation_id)},"type":"{message_type}","payload":'


def frame(prefix: str, payload: str) -> str:
    """One member's frame: its ``frame_prefix`` around an encoded ``result_payload``."""
    return prefix + payload + "}"


def result_payload(
    data: Any,
    errors: Sequence[Mapping[str, Any]] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> str:
    """An execution result as a frame's payload: ``data``, then ``errors`` and
    ``extensions`` when there are any (formatted as graphql-core formats them)."""
    payload: dict[str, Any] = {"data": data}
    if errors:
        payload["errors"] = list(errors)
    if extensions:
        payload["extensions"] = extensions
    return json.dumps(payload, separators=_COMPACT)
