"""ErrorMaskingMiddleware: no traceback or internal text ever reaches an HTTP client."""

from __future__ import annotations

import asyncpg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from app.graphql.hardening import ErrorMaskingMiddleware


async def broken(request: Request) -> Response:
    raise RuntimeError('relation "training_jobs" does not exist; password=hunter2')


async def database_down(request: Request) -> Response:
    raise asyncpg.CannotConnectNowError("the database system is starting up")


def _client() -> TestClient:
    app = Starlette(
        routes=[Route("/broken", broken), Route("/down", database_down)],
        middleware=[Middleware(ErrorMaskingMiddleware)],
    )
    return TestClient(app, raise_server_exceptions=False)


def test_an_unexpected_error_is_a_bare_500_with_a_request_id() -> None:
    answer = _client().get("/broken")
    assert answer.status_code == 500
    body = answer.json()
    assert set(body) == {"error", "requestId"}
    assert body["error"] == "Internal server error"
    assert "hunter2" not in answer.text and "training_jobs" not in answer.text


def test_a_database_outage_is_503_with_retry_after() -> None:
    answer = _client().get("/down")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "2"
    assert "starting up" not in answer.text
