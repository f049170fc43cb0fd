"""Page cursors: opaque to clients, exact for the server (an order and a position in it)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import attrgetter

from app.db.jobs import NEWEST_FIRST, JobOrder, OrderField
from app.db.models import TrainingJob
from app.jobspec.json_input import bad_character
from resolvers.errors import InvalidInput


def cursor_of(job: TrainingJob, order: JobOrder = NEWEST_FIRST) -> str:
    return cursors_of([job], order)[0]


def cursors_of(jobs: Sequence[TrainingJob], order: JobOrder = NEWEST_FIRST) -> list[str]:
    """Each job's cursor: base64url of ``json.dumps([field name, descending, value, id])``.

    Spelled out, byte for byte, rather than calling json.dumps and base64 per job: a page
    encodes one cursor per edge, and the generic calls cost more than the rest of the edge
    (bench/jobs_query.py).
    """
    head = _CURSOR_HEADS[order]
    read = attrgetter(order.field.value)
    cursors = []
    for job in jobs:
        value = read(job)
        if isinstance(value, datetime):
            value = value.isoformat()
        if isinstance(value, str):
            encoded = _json_string(value)
        elif type(value) is int:
            encoded = int.__repr__(value)  # what json.dumps writes for an int
        else:
            encoded = json.dumps(value)
        raw = f"{head}{encoded}, {_json_string(job.id)}]".encode()
        # base64.urlsafe_b64encode, without its two wrapper calls.
        cursors.append(binascii.b2a_base64(raw, newline=False).translate(_URL_SAFE).decode())
    return cursors


_URL_SAFE = bytes.maketrans(b"+/", b"-_")
#: json.dumps's own string encoder (ASCII-only output, as with ensure_ascii=True).
_json_string: Callable[[str], str] = json.encoder.encode_basestring_ascii
#: ``[field name, descending, `` as json.dumps writes them, for every order.
_CURSOR_HEADS = {
    JobOrder(field, descending): json.dumps([field.name, descending])[:-1] + ", "
    for field in OrderField
    for descending in (True, False)
}


def decode_cursor(cursor: str, order: JobOrder = NEWEST_FIRST) -> tuple[object, str]:
    try:
        field_name, descending, value, job_id = json.loads(base64.urlsafe_b64decode(cursor))
        if (field_name, descending) != (order.field.name, order.descending):
            raise ValueError("cursor of another order")
        if order.field in (OrderField.CREATED_AT, OrderField.UPDATED_AT):
            value = datetime.fromisoformat(value).astimezone(UTC)  # OverflowError near 9999
        elif order.field is OrderField.PRIORITY:
            value = int(value)
            if not -(2**31) <= value < 2**31:  # the column is a PostgreSQL integer
                raise ValueError("priority out of range")
        else:
            value = _cursor_text(value)
        return value, _cursor_text(job_id)
    except (ValueError, TypeError, OverflowError, binascii.Error):
        raise InvalidInput("after", "not a cursor returned by this API for this order") from None


def _cursor_text(value: object) -> str:
    """A cursor's text part, as the database can compare it (else ValueError)."""
    if not isinstance(value, str) or len(value) > 256 or bad_character(value) is not None:
        raise ValueError("not a stored value")
    return value
