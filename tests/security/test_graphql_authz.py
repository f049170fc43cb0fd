"""GraphQL under AUTH_MODE=token: HTTP 401 / websocket 4403 without credentials, other
teams' jobs look missing, viewers cannot mutate, revocation ends open subscriptions."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from schema import build_schema
from tests.security.support import (
    SecurePlatform,
    bearer,
    close_code_after_init,
    ensure_namespace,
    job_body,
    recv_json,
    subscribe,
    ws_connection,
)
from tests.support.eventually import wait_for

SCHEMA = build_schema()


def root_fields(type_name: str) -> list[str]:
    graphql_type = SCHEMA._schema.get_type(type_name)
    assert graphql_type is not None
    return sorted(graphql_type.fields)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def teams(token_platform: SecurePlatform) -> dict[str, Any]:
    p = token_platform
    ensure_namespace(p.platform, "team-a")
    tokens = {
        "admin": p.token("root", "admin", ["*"]),
        "a_editor": p.token("alice", "editor", ["team-a"]),
        "a_viewer": p.token("victor", "viewer", ["team-a"]),
    }
    with p.platform.http() as client:
        a_job = client.post("/api/v1/jobs", json=job_body("gql-a", "team-a"),
                            headers=bearer(tokens["a_editor"])).json()["id"]
        d_job = client.post("/api/v1/jobs", json=job_body("gql-default"),
                            headers=bearer(tokens["admin"])).json()["id"]
    return {"tokens": tokens, "a_job": a_job, "d_job": d_job}


def gql(p: SecurePlatform, query: str, variables: dict[str, Any] | None = None,
        token: str | None = None) -> httpx.Response:
    with p.platform.http() as client:
        return client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=bearer(token) if token else {})


@pytest.mark.parametrize(("kind", "field"), [("query", f) for f in root_fields("Query")]
                         + [("mutation", f) for f in root_fields("Mutation")])
def test_every_query_and_mutation_needs_credentials(
    token_platform: SecurePlatform, kind: str, field: str
) -> None:
    # Rejected before parsing or validation, so even a bare selection gets 401.
    for token in (None, "mlp_0123456789abcdef_" + "y" * 43):
        answer = gql(token_platform, f"{kind} {{ {field} }}", token=token)
        assert answer.status_code == 401, answer.text
        assert answer.json() == {"error": "Unauthorized"}


@pytest.mark.parametrize("field", root_fields("Subscription"))
def test_every_subscription_needs_a_token_in_connection_init(
    token_platform: SecurePlatform, field: str
) -> None:
    url = token_platform.platform.ws_url
    assert close_code_after_init(url, None) == 4403
    assert close_code_after_init(url, {"Authorization": "Bearer nope"}) == 4403
    assert close_code_after_init(url, {"Authorization": "mlp_raw_without_scheme"}) == 4403


def test_a_good_token_in_connection_init_is_acknowledged(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    url = token_platform.platform.ws_url
    token = teams["tokens"]["a_viewer"]
    assert close_code_after_init(url, {"Authorization": f"Bearer {token}"}) is None
    assert close_code_after_init(url, {"authorization": f"Bearer {token}"}) is None
    # Or on the handshake itself (non-browser clients, authenticating proxies).
    assert close_code_after_init(url, {}, additional_headers=bearer(token)) is None


def test_legacy_graphql_ws_protocol_accepts_a_token_in_connection_init(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    token = teams["tokens"]["a_viewer"]
    with connect(token_platform.platform.ws_url, subprotocols=["graphql-ws"],  # type: ignore[list-item]
                 open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"


def test_legacy_graphql_ws_protocol_is_rejected_too(token_platform: SecurePlatform) -> None:
    with connect(token_platform.platform.ws_url, subprotocols=["graphql-ws"],  # type: ignore[list-item]
                 open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_error"
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)


JOB = "query($id: ID!) { job(id: $id) { id namespace } jobEvents(id: $id) { sequence } }"
JOBS = "{ jobs(first: 100) { totalCount nodes { id } } }"
DELETE = """mutation($id: ID!) { deleteJob(id: $id) {
  __typename ... on DeleteJobSuccess { message } } }"""
STOP = "mutation($id: ID!) { stopJob(id: $id) { __typename } }"
CREATE = """mutation($input: CreateJobInput!) { createJob(input: $input) {
  __typename ... on InvalidInputError { field message }
  ... on CreateJobSuccess { job { id } } } }"""


def create_input(name: str, namespace: str) -> dict[str, Any]:
    body = job_body(name, namespace)
    return {"input": body}


def test_other_teams_job_looks_missing(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    alice = teams["tokens"]["a_editor"]
    def answer(query: str, job_id: str) -> str:
        # The same text but for the id the caller sent.
        body = gql(token_platform, query, {"id": job_id}, alice).json()
        return json.dumps(body, sort_keys=True).replace(job_id, "<id>")

    for query in (JOB, DELETE, STOP):
        assert answer(query, teams["d_job"]) == answer(query, "nope-00000000"), query
    body = gql(token_platform, JOB, {"id": "nope-00000000"}, alice).json()
    # job(id) is null; jobEvents(id), like every other field taking an id, a NOT_FOUND error.
    assert body["data"] == {"job": None, "jobEvents": None}
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["jobEvents"], {"code": "NOT_FOUND"})
    ]
    for query, field in ((DELETE, "deleteJob"), (STOP, "stopJob")):
        body = gql(token_platform, query, {"id": teams["d_job"]}, alice).json()
        assert body["data"] is None, body
        assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
            ([field], "NOT_FOUND")
        ]
    listed = gql(token_platform, JOBS, token=alice).json()["data"]["jobs"]
    assert listed["totalCount"] == 1 and listed["nodes"] == [{"id": teams["a_job"]}]
    admin = teams["tokens"]["admin"]
    assert gql(token_platform, JOB, {"id": teams["d_job"]}, admin).json()["data"]["job"]


def test_create_in_another_teams_namespace_reads_as_missing(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    forbidden = gql(token_platform, CREATE, create_input("x", "default"),
                    teams["tokens"]["a_editor"]).json()["data"]["createJob"]
    missing = gql(token_platform, CREATE, create_input("x", "nowhere"),
                  teams["tokens"]["admin"]).json()["data"]["createJob"]
    assert forbidden["__typename"] == missing["__typename"] == "InvalidInputError"
    assert forbidden["message"] == missing["message"].replace("nowhere", "default")


def test_viewer_cannot_mutate(token_platform: SecurePlatform, teams: dict[str, Any]) -> None:
    viewer = teams["tokens"]["a_viewer"]
    before = token_platform.fetch("SELECT count(*) AS n FROM training_jobs")[0]["n"]
    for query, variables in ((CREATE, create_input("by-viewer", "team-a")),
                             (DELETE, {"id": teams["a_job"]}), (STOP, {"id": teams["a_job"]})):
        body = gql(token_platform, query, variables, viewer).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert "Traceback" not in json.dumps(body)
    assert token_platform.fetch("SELECT count(*) AS n FROM training_jobs")[0]["n"] == before
    events = token_platform.fetch("SELECT to_status FROM job_events WHERE job_id = $1",
                                  teams["a_job"])
    assert "DELETING" not in {e["to_status"] for e in events}


STATUS = "subscription($id: ID!) { jobStatus(id: $id) { phase } }"


def test_subscription_to_another_teams_job_looks_missing(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    token = teams["tokens"]["a_editor"]
    answers = []
    for job_id in (teams["d_job"], "nope-00000000"):
        with ws_connection(token_platform.platform.ws_url) as ws:
            ws.send(json.dumps({"type": "connection_init",
                                "payload": {"Authorization": f"Bearer {token}"}}))
            assert recv_json(ws)["type"] == "connection_ack"
            subscribe(ws, STATUS, {"id": job_id}, op_id="1")
            reply = recv_json(ws)
            answers.append((reply["type"], [e["message"] for e in reply["payload"]["errors"]]
                            if reply["type"] == "next" else reply["payload"]))
    hidden, missing = answers
    assert hidden[0] == missing[0]
    assert [m.replace(teams["d_job"], "X") for m in hidden[1]] == \
        [m.replace("nope-00000000", "X") for m in missing[1]]


UPDATES = "subscription { jobUpdates { jobId phase } }"


def _expect_unauthenticated_end(ws: Any, op_id: str, interval: float) -> None:
    """After a revocation: ordinary updates may still arrive first; the error must follow
    within the re-check bound, and end the subscription."""
    deadline = time.monotonic() + interval * 4 + 2
    while True:
        reply = recv_json(ws, timeout=max(0.1, deadline - time.monotonic()))
        assert reply["type"] == "next" and reply["id"] == op_id, reply
        if "errors" in reply["payload"]:
            break
    assert reply["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert recv_json(ws)["type"] == "complete"


def test_revoking_a_token_ends_its_open_subscription(token_platform: SecurePlatform) -> None:
    token = token_platform.token("short-lived", "viewer", ["team-a"])
    interval = token_platform.platform.settings.poller.poll_interval_seconds
    with ws_connection(token_platform.platform.ws_url) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        assert recv_json(ws)["type"] == "connection_ack"
        subscribe(ws, UPDATES, op_id="u")
        # Alive while the token is valid: for three re-check intervals only ordinary updates
        # (of team-a's jobs, which other tests started) may arrive, no error, no completion.
        alive_until = time.monotonic() + interval * 3
        while (left := alive_until - time.monotonic()) > 0:
            try:
                update = recv_json(ws, timeout=left)
            except TimeoutError:
                break
            assert update["type"] == "next" and "errors" not in update["payload"], update
        token_platform.revoke(token)
        _expect_unauthenticated_end(ws, "u", interval)
    # And a new connection with it is refused.
    assert close_code_after_init(token_platform.platform.ws_url,
                                 {"Authorization": f"Bearer {token}"}) == 4403


def test_revoking_a_token_ends_a_job_status_subscription_held_by_the_shared_fan_out(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    # A live jobStatus subscriber waits in its job's group, not in its own stream: the
    # connection's credential watch must still end it.
    held = job_body("gql-held", "team-a")
    held["resources"]["instanceResources"].update(cpuCores=96, memoryGiB=768)
    held["resources"]["instanceCount"] = 128  # fits no member: stays PENDING
    with token_platform.platform.http() as client:
        answer = client.post("/api/v1/jobs", json=held, headers=bearer(teams["tokens"]["a_editor"]))
    assert answer.status_code == 201, answer.text
    job_id = answer.json()["id"]
    token = token_platform.token("short-lived-status", "viewer", ["team-a"])
    interval = token_platform.platform.settings.poller.poll_interval_seconds
    fanout = token_platform.platform.app.state.services.fanout
    with ws_connection(token_platform.platform.ws_url) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        assert recv_json(ws)["type"] == "connection_ack"
        subscribe(ws, STATUS, {"id": job_id}, op_id="s")
        first = recv_json(ws)
        assert first["type"] == "next" and "errors" not in first["payload"], first
        wait_for(lambda: fanout.members_of(job_id) == 1, timeout=10, what="the group took it")
        token_platform.revoke(token)
        _expect_unauthenticated_end(ws, "s", interval)
    assert fanout.members_of(job_id) == 0


def test_job_status_subscription_works_for_the_owner(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    token = teams["tokens"]["a_viewer"]
    with ws_connection(token_platform.platform.ws_url) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}}))
        assert recv_json(ws)["type"] == "connection_ack"
        subscribe(ws, STATUS, {"id": teams["a_job"]}, op_id="s")
        first = recv_json(ws)
        assert first["type"] == "next" and "errors" not in first["payload"], first
        wait_for(lambda: recv_json(ws)["type"] == "complete", timeout=30, what="completion")
