"""GraphQL over HTTP: the response media type a client asked for, and its status codes.

The GraphQL-over-HTTP spec's ``application/graphql-response+json`` lets a client tell a
request error (the document did not parse or validate, or its variables did not coerce: no
``data`` at all, status 4xx) from a result with field errors (``data`` present, 200). Plain
``application/json`` stays the answer without an ``Accept`` (or preferring it): always 200,
as before. The audit of the npm ``graphql-http`` package checks both (tests/e2e).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

#: scope["state"] keys shared by the GraphQL app's ASGI entry and its process_result.
MEDIA_KEY = "graphql_response_media"
STATUS_KEY = "graphql_response_status"


def negotiate(accept: str | None) -> str:
    """The media type to answer with: graphql-response+json when the client ranks it at
    least as high as application/json, else application/json (also with no Accept)."""
    if not accept:
        return JSON
    ranks: dict[str, float] = {}
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.lower()
        ranks[kind] = max(ranks.get(kind, 0.0), quality)
    wanted = ranks.get(GRAPHQL_RESPONSE_JSON, 0.0)
    if wanted > 0 and wanted >= ranks.get(JSON, 0.0):
        return GRAPHQL_RESPONSE_JSON
    return JSON


def request_error_status(errors: Iterable[Mapping[str, Any]]) -> int:
    """The status of a response without ``data``: 400 for the client's document or variables,
    503 while the database is down, 500 for a failure of ours (codes: app.graphql.hardening)."""
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if "INTERNAL" in codes:
        return 500
    if "DATABASE_UNAVAILABLE" in codes:
        return 503
    return 400
