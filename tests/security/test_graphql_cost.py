"""Fragment bombs and other costly documents are refused before validation (issue 16, #2).

The measure of a document (app.graphql.cost) is asserted by the work it does (AST nodes
examined, fragment sizes computed), never by wall-clock time; on a running server the
refused documents are shown never to reach graphql-core's validation or execution (spies).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query, parse

from app.graphql.cost import document_cost
from app.graphql.execution import LeafFastExecutor
from tests.security.support import SecurePlatform, bearer

LIMIT = 1000


def fragment_bomb(levels: int) -> str:
    """``query { ...F<levels> }`` where each fragment spreads the previous one twice."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    )
    return f"query {{ ...F{levels} }} fragment F0 on Query {{ __typename }} {fragments}"


@pytest.mark.parametrize("levels", [22, 30, 200])
def test_a_fragment_bomb_is_measured_in_linear_work(levels: int) -> None:
    document = parse(fragment_bomb(levels))
    cost = document_cost(document, LIMIT)
    assert cost.error is not None
    assert "expands to more than 1000 selections" in cost.error.message
    assert cost.error.extensions == {"code": "BAD_USER_INPUT"}
    # Each fragment's size computed once; each AST selection examined once: 1 spread in the
    # operation, 1 field in F0 and 2 spreads in each other fragment.
    assert cost.fragment_visits == levels + 1
    assert cost.nodes_examined == 1 + 1 + 2 * levels
    assert cost.expanded_selections == LIMIT + 1  # saturated, not 2**levels


def test_real_documents_pass_with_their_expanded_size() -> None:
    for query in (
        get_introspection_query(descriptions=True, specified_by_url=True,
                                directive_is_repeatable=True, schema_description=True,
                                input_value_deprecation=True),
        "{ jobs(first: 50) { totalCount nodes { id phase } pageInfo { endCursor } } }",
        "query { ...A ...A } fragment A on Query { jobs { totalCount } }",
    ):
        cost = document_cost(parse(query), LIMIT)
        assert cost.error is None, cost.error
        assert 0 < cost.expanded_selections <= LIMIT
    cost = document_cost(parse("query { ...A ...A } fragment A on Query { jobs { totalCount } }"),
                         LIMIT)
    assert cost.expanded_selections == 4  # 2 x (jobs + totalCount)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
         "Cannot spread fragment 'A' within itself (a cycle)."),
        ("{ ...A } fragment A on Query { ...A }",
         "Cannot spread fragment 'A' within itself (a cycle)."),
        ("{ ...Nope }", "Unknown fragment 'Nope'."),
        ("{ ...A } fragment A on Query { x } fragment A on Query { y }",
         "There can be only one fragment named 'A'."),
    ],
)
def test_cycles_unknown_and_duplicate_fragments_are_refused(query: str, message: str) -> None:
    cost = document_cost(parse(query), LIMIT)
    assert cost.error is not None and cost.error.message == message


def test_a_long_fragment_chain_needs_no_recursion() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(5000))
    document = parse(f"{{ ...F0 }} {chain} fragment F5000 on Query {{ __typename }}")
    cost = document_cost(document, LIMIT)
    assert cost.error is None and cost.expanded_selections == 1
    assert cost.fragment_visits == 5001


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Record every graphql-core validation and every execution the server starts."""
    seen: dict[str, list[Any]] = {"validate": [], "execute": []}
    real_validate = strawberry_schema.validate
    real_execute = LeafFastExecutor.execute_operation

    def validate(schema: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        seen["validate"].append(document)
        return real_validate(schema, document, *args, **kwargs)

    def execute_operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["execute"].append(args)
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", validate)
    monkeypatch.setattr(LeafFastExecutor, "execute_operation", execute_operation)
    yield seen


def test_unauthenticated_graphql_over_get_is_401_before_parsing(
    token_platform: SecurePlatform, spies: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = document_cost

    def counting(document: Any, limit: int) -> Any:
        parsed.append("x")
        return real(document, limit)

    monkeypatch.setattr("app.graphql.cost.document_cost", counting)
    with token_platform.platform.http() as client:
        bomb = client.get("/graphql", params={"query": fragment_bomb(30)})
        introspection = client.get("/graphql", params={"query": "{ __schema { types { name } } }"})
        empty = client.get("/graphql?query=")
        page = client.get("/graphql", headers={"Accept": "text/html"})
    for answer in (bomb, introspection, empty):
        assert (answer.status_code, answer.json()) == (401, {"error": "Unauthorized"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert parsed == [] and spies == {"validate": [], "execute": []}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_authenticated_fragment_bomb_is_refused_before_validation(
    token_platform: SecurePlatform, spies: dict[str, list[Any]], method: str
) -> None:
    token = token_platform.token("bomber", "viewer", ["default"])
    with token_platform.platform.http() as client:
        for levels in (22, 30):
            query = fragment_bomb(levels) + f" # {method}"  # a fresh document: no cache hit
            if method == "GET":
                answer = client.get("/graphql", params={"query": query}, headers=bearer(token))
            else:
                answer = client.post("/graphql", json={"query": query}, headers=bearer(token))
            assert answer.status_code == 200
            body = answer.json()
            assert body["data"] is None
            assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
            assert "expands to more than 1000 selections" in body["errors"][0]["message"]
        ok = client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(token))
    assert ok.json() == {"data": {"__typename": "Query"}}
    # Only the small query was validated and executed.
    assert len(spies["validate"]) <= 1 and len(spies["execute"]) == 1
