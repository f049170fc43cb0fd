"""The committed OpenAPI document of the REST routes, served at GET /api/v1/openapi.json.

It is written by hand (app/server/openapi.json) and kept honest by a drift test against
app.server.rest's
routes (tests/security/test_openapi.py) and by the schemathesis property test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@cache
def openapi_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(OPENAPI_PATH.read_text())
    return spec


def documented_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, path) pairs the document describes."""
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (method.upper(), path)
        for path, item in spec.get("paths", {}).items()
        for method in item
        if method in methods
    }


async def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(openapi_spec())
