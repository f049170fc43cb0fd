"""Hardening on a running server: body size limit, websocket origins, connection_init
timeout, subscriptions per connection, GraphQL limits and the introspection/GraphiQL switch."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.settings import AuthSettings
from karmada_sim.runtime import EmbeddedSimulator
from tests.security.conftest import FRONTEND_ORIGIN, secure_platform
from tests.security.support import SecurePlatform, job_body, recv_json, subscribe, ws_connection
from tests.support.postgres import PostgresServer

LIMIT = 4096


@pytest.fixture(scope="module")
def hardened(
    pg_server: PostgresServer, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[SecurePlatform]:
    # One platform per module: Tortoise allows one global context per process at a time.
    with secure_platform(
        pg_server, platform_sim, sim_kubeconfig, AuthSettings(),
        server={"max_request_body_bytes": LIMIT},
        graphql={"graphiql_enabled": False, "graphql_connection_init_timeout_seconds": 0.5,
                 "graphql_max_subscriptions_per_connection": 2, "graphql_max_depth": 3},
    ) as running:
        yield running


def job_count(p: SecurePlatform) -> int:
    return int(p.fetch("SELECT count(*) AS n FROM training_jobs")[0]["n"])


def test_oversized_bodies_are_413_and_write_nothing(hardened: SecurePlatform) -> None:
    body = job_body("big")
    body["customHyperparameters"] = {"pad": "x" * (LIMIT * 2)}
    with hardened.platform.http() as client:
        declared = client.post("/api/v1/jobs", json=body)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            data = json.dumps(body).encode()
            for i in range(0, len(data), 1000):
                yield data[i:i + 1000]

        streamed = client.post("/api/v1/jobs", content=chunks(),
                               headers={"Content-Type": "application/json"})
        graphql = client.post("/graphql", json={"query": "{ jobs { totalCount } }",
                                                "variables": {"pad": "x" * LIMIT * 2}})
        small = client.post("/api/v1/jobs", json=job_body("small"))
    for answer in (declared, streamed, graphql):
        assert (answer.status_code, answer.json()) == (413, {"error": "Request body too large"})
    assert small.status_code == 201
    assert job_count(hardened) == 1


def test_a_websocket_message_larger_than_a_body_is_closed_1009(hardened: SecurePlatform) -> None:
    """uvicorn reads a message whole before our checks: its bound is the body limit."""
    with ws_connection(hardened.platform.ws_url) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert recv_json(ws)["type"] == "connection_ack"
        ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {
            "query": "{ __typename }", "variables": {"pad": "x" * LIMIT * 2}}}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                recv_json(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_websocket_origins_come_from_the_allowlist(hardened: SecurePlatform) -> None:
    url = hardened.platform.ws_url
    with (
        pytest.raises(InvalidStatus) as refused,
        ws_connection(url, origin="https://evil.test"),  # type: ignore[arg-type]
    ):
        pass
    assert refused.value.response.status_code == 403
    with ws_connection(url, origin=FRONTEND_ORIGIN) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "connection_init"}))
        assert recv_json(ws)["type"] == "connection_ack"


def test_connection_init_has_a_deadline(hardened: SecurePlatform) -> None:
    started = time.monotonic()
    with ws_connection(hardened.platform.ws_url) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
    assert time.monotonic() - started < 5


def test_subscriptions_per_connection_are_capped(hardened: SecurePlatform) -> None:
    with ws_connection(hardened.platform.ws_url) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert recv_json(ws)["type"] == "connection_ack"
        for op in ("a", "b"):
            subscribe(ws, "subscription { jobUpdates { jobId } }", op_id=op)
        subscribe(ws, "subscription { jobUpdates { jobId } }", op_id="c")
        try:
            reply = recv_json(ws, timeout=5)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code >= 4000
        else:
            assert reply["id"] == "c" and reply["type"] == "error", reply


def test_depth_limit_on_the_wire(hardened: SecurePlatform) -> None:
    shallow = "{ jobs { nodes { id } } }"
    deep = "{ jobs { edges { node { events { sequence } } } } }"
    with hardened.platform.http() as client:
        ok = client.post("/graphql", json={"query": shallow}).json()
        too_deep = client.post("/graphql", json={"query": deep}).json()
    assert "errors" not in ok, ok
    assert too_deep["data"] is None
    assert "exceeds maximum operation depth" in too_deep["errors"][0]["message"], too_deep


def test_introspection_and_graphiql_are_off_together(hardened: SecurePlatform) -> None:
    with hardened.platform.http() as client:
        introspection = client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        page = client.get("/graphql", headers={"Accept": "text/html"})
    assert "errors" in introspection.json()
    assert "graphiql" not in page.text.lower()
