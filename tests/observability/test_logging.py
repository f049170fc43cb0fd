"""Structured logs: JSON lines with a request id per request, job ids, and no secrets."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import strawberry
import structlog
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.graphql.metrics import GraphQLMetricsExtension
from app.observability.logging_setup import REDACTED, configure_logging, job_context, redact_text
from app.server.request_logging import RequestObservabilityMiddleware

log = logging.getLogger("tests.ops.handler")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    watched = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved_named = {
        n: (
            list(logging.getLogger(n).handlers),
            logging.getLogger(n).propagate,
            logging.getLogger(n).disabled,
        )
        for n in watched
    }
    try:
        yield
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, (handlers, propagate, disabled) in saved_named.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.propagate, logger.disabled = propagate, disabled
        structlog.reset_defaults()


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def _job(request: Request) -> JSONResponse:
    log.info("reading job")
    return JSONResponse({"id": request.path_params["job_id"]})


def _app() -> Starlette:
    return Starlette(
        routes=[Route("/api/v1/jobs/{job_id}", _job)],
        middleware=[Middleware(RequestObservabilityMiddleware)],
    )


async def test_one_json_line_per_request_with_request_id_and_job_id(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/api/v1/jobs/abc-0a1b2c3d", headers={"X-Request-ID": "req-42"})
        fresh = await client.get("/api/v1/jobs/xyz-0a1b2c3d")
    assert answer.headers["x-request-id"] == "req-42"
    generated = fresh.headers["x-request-id"]
    assert generated and generated != "req-42"
    lines = _json_lines(capsys.readouterr().err)
    inside = [e for e in lines if e["event"] == "reading job"]
    access = [e for e in lines if e["logger"] == "mlplatform.request"]
    assert [e["request_id"] for e in inside] == ["req-42", generated]
    assert inside[0]["job_id"] == "abc-0a1b2c3d" and inside[0]["level"] == "info"
    assert len(access) == 2
    first = access[0]
    assert first["request_id"] == "req-42" and first["status"] == 200
    assert first["route"] == "/api/v1/jobs/{job_id}"
    assert "timestamp" in first


async def test_a_malformed_request_id_is_replaced(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/api/v1/jobs/a", headers={"X-Request-ID": "bad id\ninjected"})
    assert answer.headers["x-request-id"] != "bad id\ninjected"
    assert "injected" not in capsys.readouterr().err


def test_console_format_is_readable_text(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console", "INFO")
    with job_context("job-1-0a1b2c3d"):
        log.info("submitted")
    err = capsys.readouterr().err
    assert "submitted" in err and "job_id=job-1-0a1b2c3d" in err
    with pytest.raises(ValueError):
        json.loads(err.splitlines()[-1])


def test_secrets_never_reach_the_output(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    log.info("connecting to %s", "postgres://ml:hunter2@db:5432/ml")
    log.info("header Authorization: Bearer abc.def.ghi", extra={"password": "hunter3"})
    structlog.get_logger("tests").info(
        "creating secret",
        body={"accessKey": "AKIA123", "nested": {"secretKey": "s3cr3t"}},
        token="tok-123",
    )
    out = capsys.readouterr().err
    for secret in ("hunter2", "hunter3", "abc.def.ghi", "AKIA123", "s3cr3t", "tok-123"):
        assert secret not in out, secret
    assert out.count(REDACTED) >= 6
    assert "postgres://ml:" + REDACTED + "@db:5432/ml" in out


def test_redact_text_keeps_harmless_text() -> None:
    assert redact_text("job xgb-0a1b2c3d is Running") == "job xgb-0a1b2c3d is Running"
    assert redact_text("password=abc") == "password=" + REDACTED
    assert redact_text('"secretKey": "x1"') == '"secretKey": "' + REDACTED + '"'


@strawberry.type
class _Query:
    @strawberry.field
    def job(self, id: strawberry.ID) -> str:
        log.info("resolving job")
        return str(id)


async def test_graphql_job_operations_log_their_job_id(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    schema = strawberry.Schema(query=_Query, extensions=[GraphQLMetricsExtension])

    async def run() -> None:  # its own task, as every HTTP request and websocket operation
        result = await schema.execute(
            "query J($id: ID!) { job(id: $id) }", variable_values={"id": "xgb-0a1b2c3d"}
        )
        assert result.errors is None

    await asyncio.create_task(run())
    log.info("after the operation")
    lines = _json_lines(capsys.readouterr().err)
    [inside] = [e for e in lines if e["event"] == "resolving job"]
    [outside] = [e for e in lines if e["event"] == "after the operation"]
    assert inside["job_id"] == "xgb-0a1b2c3d"
    assert "job_id" not in outside
