"""Custom scalars: how times look on the wire."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry


def serialize_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z``, microseconds always shown: the REST API's ``Z`` form, and
    one fixed width so two times compare as strings the way they compare as times."""
    if value.tzinfo is None:  # SQLite hands back naive UTC times
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_datetime(value: object) -> datetime:
    """RFC 3339 (``Z`` or an offset); a time without offset is taken as UTC."""
    if not isinstance(value, str):
        raise ValueError("DateTime must be an RFC 3339 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"DateTime must be RFC 3339 (2026-01-31T12:00:00Z): {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


#: For ``StrawberryConfig.scalar_map`` on ``datetime`` (schema.build_schema).
DateTime = strawberry.scalar(
    name="DateTime",
    description="An RFC 3339 date-time, always in UTC with `Z` (e.g. "
    "`2026-01-31T12:00:00.000000Z`); inputs may carry any offset.",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)
