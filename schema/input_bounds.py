"""Bounds on filter arguments, checked before any resolver or database work.

Without them 40,000 ``clusters`` built a query PostgreSQL answered with a RecursionError,
50,000 ``algorithms`` exceeded the server's parameter limit (reported as a database
outage), and a ``createdAfter`` near year 9999 overflowed on conversion to UTC. Limits:
GRAPHQL_MAX_FILTER_ENTRIES, GRAPHQL_MAX_FILTER_STRING_LENGTH (app.settings).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from resolvers.context import Context
from resolvers.errors import InvalidInput


def check_filter(ctx: Context, value: Any, argument: str = "filter") -> None:
    """InvalidInput naming ``filter.<field>[i]`` and the reason for the first bound broken."""
    limits = ctx.services.settings.graphql
    max_entries = limits.graphql_max_filter_entries
    max_length = limits.graphql_max_filter_string_length
    definition = get_object_definition(value)
    if definition is None:
        return
    for field in definition.fields:
        item = getattr(value, field.python_name, None)
        name = f"{argument}.{field.graphql_name or to_camel_case(field.python_name)}"
        if isinstance(item, list):
            if len(item) > max_entries:
                raise InvalidInput(name, f"at most {max_entries} entries ({len(item)} given)")
            for index, entry in enumerate(item):
                _check_scalar(f"{name}[{index}]", entry, max_length)
        else:
            _check_scalar(name, item, max_length)


def _check_scalar(name: str, value: Any, max_length: int) -> None:
    if isinstance(value, str):
        if len(value) > max_length:
            raise InvalidInput(name, f"at most {max_length} characters ({len(value)} given)")
    elif isinstance(value, datetime):
        try:
            # The database compares in UTC: a time that has no UTC equivalent is refused.
            value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
        except (OverflowError, ValueError):
            raise InvalidInput(name, "out of range once converted to UTC") from None
