"""Bad input to GraphQL over HTTP: a clear 4xx, or an error with ``code: BAD_USER_INPUT``
naming the field and the reason; never a 500, never Python's own words (issue 16, #6)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.security.support import SecurePlatform, bearer

JOBS_COUNT = "SELECT count(*) AS n FROM training_jobs"
PYTHON_WORDS = ("Traceback", "recursion", "subscriptable", "object has no attribute",
                "NoneType", "KeyError", "TypeError", "Internal server error")


@pytest.fixture(scope="module")
def admin(token_platform: SecurePlatform) -> dict[str, str]:
    return bearer(token_platform.token("bad-input", "admin", ["*"]))


def post(p: SecurePlatform, headers: dict[str, str], body: bytes) -> Any:
    with p.platform.http() as client:
        return client.post("/graphql", content=body,
                           headers={**headers, "Content-Type": "application/json"})


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"null", "expected a JSON object"),
        (b'"str"', "expected a JSON object"),
        (b"7", "expected a JSON object"),
        (b"[1]", "Batching is not enabled"),
        (b'{"query": "{ __typename }", "variables": {"v": ' + deep(5000) + b"}}",
         "JSON nested more than 32 levels deep"),
        (deep(5000), "JSON nested more than 32 levels deep"),
        (b'{"query": "{ __typename \xff }"}', "not valid UTF-8"),
        (b'{"query": "{ __typename }", "operationName": 5}', "`operationName` must be a string"),
        (b'{"query": 5}', "must be a string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "`variables` must be an object"),
        (b'{"query": "subscription { jobUpdates { jobId } }"}',
         "subscriptions are not allowed when using POST"),
    ],
)
def test_malformed_bodies_are_400_with_the_reason(
    token_platform: SecurePlatform, admin: dict[str, str], body: bytes, reason: str
) -> None:
    before = token_platform.fetch(JOBS_COUNT)
    answer = post(token_platform, admin, body)
    assert answer.status_code == 400, answer.text
    assert reason in answer.text
    assert not any(word in answer.text for word in PYTHON_WORDS)
    assert token_platform.fetch(JOBS_COUNT) == before


def test_a_subscription_over_get_is_400(token_platform: SecurePlatform,
                                        admin: dict[str, str]) -> None:
    with token_platform.platform.http() as client:
        answer = client.get("/graphql", params={"query": "subscription { jobUpdates { jobId } }"},
                            headers=admin)
    assert answer.status_code == 400
    assert "subscriptions are not allowed when using GET" in answer.text


def cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


JOBS = ("query($f: JobFilterInput, $after: String) "
        "{ jobs(filter: $f, after: $after) { totalCount } }")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"after": cursor("CREATED_AT", True, "9999-12-31T23:59:59.999999-14:00", "x")},
         "after: not a cursor returned by this API for this order"),
        ({"after": cursor("CREATED_AT", True, "2024-01-01T00:00:00+00:00", "a\u0000b")},
         "after: not a cursor returned by this API for this order"),
        ({"after": cursor("CREATED_AT", True, "2024-01-01T00:00:00+00:00", "a\ud800")},
         "after: not a cursor returned by this API for this order"),
        ({"after": cursor("CREATED_AT", True, 10**40, "x")},
         "after: not a cursor returned by this API for this order"),
        ({"after": "%%%not-base64"}, "after: not a cursor returned by this API for this order"),
        ({"f": {"createdAfter": "9999-12-31T23:59:59.999999-14:00"}},
         "filter.createdAfter: out of range once converted to UTC"),
        ({"f": {"nameContains": "x" * 257}}, "filter.nameContains: at most 256 characters"),
        ({"f": {"namespace": "n" * 300}}, "filter.namespace: at most 256 characters"),
        ({"f": {"clusters": ["c"] * 40_000}}, "filter.clusters: at most 100 entries (40000 given)"),
        ({"f": {"algorithms": ["a"] * 50_000}},
         "filter.algorithms: at most 100 entries (50000 given)"),
        ({"f": {"clusters": ["c" * 300]}}, "filter.clusters[0]: at most 256 characters"),
        ({"f": {"nameContains": "a\ud800"}}, "lone UTF-16 surrogates are not allowed"),
        ({"f": {"nameContains": "a\u0000"}}, "NUL characters are not allowed"),
    ],
)
def test_bad_arguments_are_bad_user_input_naming_the_field(
    token_platform: SecurePlatform, admin: dict[str, str], variables: dict[str, Any],
    message: str,
) -> None:
    body = json.dumps({"query": JOBS, "variables": variables}).encode()
    answer = post(token_platform, admin, body)
    assert answer.status_code == 200, answer.text
    error = answer.json()["errors"][0]
    assert message in error["message"], error
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_priority_order_cursor_is_bounded(token_platform: SecurePlatform,
                                              admin: dict[str, str]) -> None:
    query = ('query($after: String) { jobs(after: $after, orderBy: {field: PRIORITY}) '
             '{ totalCount } }')
    for value in (2**31, -(2**31) - 1, 10**40):
        body = json.dumps({"query": query,
                           "variables": {"after": cursor("PRIORITY", True, value, "x")}})
        error = post(token_platform, admin, body.encode()).json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"query": "{ ...Nope }"}, "Unknown fragment 'Nope'."),
        ({"query": "query A { __typename }", "operationName": "B"}, "Unknown operation named"),
        ({"query": "{ jobs { nodes { id } } "}, "Syntax Error"),
    ],
)
def test_document_errors_are_shown_not_masked(
    token_platform: SecurePlatform, admin: dict[str, str], query: dict[str, Any], message: str
) -> None:
    answer = post(token_platform, admin, json.dumps(query).encode())
    assert answer.status_code in (200, 400), answer.text
    assert message in answer.text
    assert "Internal server error" not in answer.text
