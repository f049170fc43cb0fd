"""Property-based hostile input: schemathesis on the committed REST OpenAPI document,
hypothesis-graphql on the schema, and raw bytes. For every input: no 5xx, no stack trace or
internals in the reply, no masked internal error, and nothing written when it is rejected.

Bounded (max_examples): the default sends a few thousand inputs in a few minutes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from app.graphql.hardening import ERROR_CODES
from app.server.openapi import documented_operations, openapi_spec
from schema import sdl
from tests.security.support import SecurePlatform, bearer

SETTINGS = settings(
    deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# The default scale (4) sends a few thousand inputs (about 2,200 across the strategies);
# SECURITY_FUZZ_SCALE=1 is a quick local run, larger values a deeper one.
SCALE = max(1, int(os.environ.get("SECURITY_FUZZ_SCALE", "4")))
REST_EXAMPLES = 25 * SCALE  # per REST operation (valid and invalid inputs mixed)
QUERY_EXAMPLES = 50 * SCALE  # per GraphQL query strategy (valid, invalid)
MUTATION_EXAMPLES = 25 * SCALE  # per GraphQL mutation strategy (they create jobs: slower)
RAW_EXAMPLES = 80 * SCALE  # raw bytes / garbage documents
# What a reply must never contain: stack traces, SQL, driver or Kubernetes internals.
LEAK = re.compile(r"Traceback|File \"|asyncpg|tortoise|psycopg|SELECT .* FROM|kubernetes_asyncio"
                  r"|\bStatus\b.*\bapiVersion\b|Internal server error", re.IGNORECASE)

REST_SCHEMA = schemathesis.openapi.from_dict(openapi_spec())
OPERATIONS = sorted(documented_operations(openapi_spec()))


@pytest.fixture(scope="module")
def admin(token_platform: SecurePlatform) -> str:
    return token_platform.token("fuzzer", "admin", ["*"])


@pytest.fixture(scope="module")
def http(token_platform: SecurePlatform) -> Iterator[httpx.Client]:
    with token_platform.platform.http() as client:
        yield client


def job_count(p: SecurePlatform) -> int:
    return int(p.query("SELECT count(*) AS n FROM training_jobs")[0]["n"])


def writes(p: SecurePlatform) -> tuple[int, int]:
    """Rows and API-made events (the poller's own transitions have no actor)."""
    row = p.query("SELECT (SELECT count(*) FROM training_jobs) AS jobs, "
                  "(SELECT count(*) FROM job_events WHERE actor IS NOT NULL) AS events")[0]
    return int(row["jobs"]), int(row["events"])


def assert_clean(answer: httpx.Response | Any, what: object) -> None:
    assert answer.status_code < 500, (what, answer.status_code, answer.text[:500])
    assert not LEAK.search(answer.text), (what, answer.text[:500])


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_rest_operation_survives_hostile_input(
    token_platform: SecurePlatform, admin: str, method: str, path: str
) -> None:
    operation = REST_SCHEMA[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )
    base_url = token_platform.platform.base_url
    mutating = method != "GET"

    @settings(SETTINGS, max_examples=REST_EXAMPLES)
    @given(case=strategy, authenticated=st.booleans())
    def check(case: Any, authenticated: bool) -> None:
        before = writes(token_platform) if mutating else None
        headers = dict(case.headers or {})
        headers.pop("Authorization", None)
        if authenticated:
            headers.update(bearer(admin))
        try:
            answer = case.call(base_url=base_url, headers=headers, timeout=30)
        except UnicodeEncodeError:
            return  # a header value no HTTP client can send
        assert_clean(answer, case)
        if not authenticated and path not in ("/health", "/api/v1/health",
                                              "/api/v1/openapi.json"):
            assert answer.status_code == 401
        if mutating and answer.status_code >= 400:
            after = writes(token_platform)
            assert after == before, ("rejected input wrote something", case)

    check()


@settings(SETTINGS, max_examples=RAW_EXAMPLES)
@given(body=st.one_of(st.binary(max_size=2048), st.text(max_size=512).map(str.encode)))
def test_rest_create_with_arbitrary_bytes(
    token_platform: SecurePlatform, http: httpx.Client, admin: str, body: bytes
) -> None:
    before = job_count(token_platform)
    answer = http.post("/api/v1/jobs", content=body,
                       headers={**bearer(admin), "Content-Type": "application/json"})
    assert_clean(answer, body)
    if answer.status_code != 201:
        assert job_count(token_platform) == before


JSON_SCALAR = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)


def _json_node(value: Any) -> Any:
    return nodes.String(json.dumps(value))


CUSTOM = {
    "JSON": JSON_SCALAR.map(_json_node),
    "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat())),
}
SDL = sdl()


def with_typenames(document: str) -> str:
    """The document with ``__typename`` on each root field, to tell success from rejection."""
    parsed = graphql.parse(document)
    definitions = []
    for definition in parsed.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            selections = []
            for selection in definition.selection_set.selections:
                if isinstance(selection, graphql.FieldNode) and selection.selection_set:
                    typename = graphql.FieldNode(name=graphql.NameNode(value="__typename"))
                    selection = graphql.FieldNode(
                        alias=selection.alias, name=selection.name,
                        arguments=selection.arguments, directives=selection.directives,
                        selection_set=graphql.SelectionSetNode(
                            selections=(*selection.selection_set.selections, typename)))
                selections.append(selection)
            definition = graphql.OperationDefinitionNode(
                operation=definition.operation, name=definition.name,
                variable_definitions=definition.variable_definitions,
                directives=definition.directives,
                selection_set=graphql.SelectionSetNode(selections=tuple(selections)))
        definitions.append(definition)
    return graphql.print_ast(graphql.DocumentNode(definitions=tuple(definitions)))


def _check_graphql(
    p: SecurePlatform, http: httpx.Client, token: str, document: str, *, mutation: bool
) -> None:
    before = writes(p) if mutation else None
    if mutation:
        document = with_typenames(document)
    answer = http.post("/graphql", json={"query": document}, headers=bearer(token))
    assert_clean(answer, document)
    body = answer.json()
    for error in body.get("errors") or []:
        # Every error is coded (README, "Changes for GraphQL clients"); none is ours.
        code = (error.get("extensions") or {}).get("code")
        assert code in ERROR_CODES and code != "INTERNAL", (document, error)
    if mutation:
        data = body.get("data") or {}
        accepted = any(isinstance(v, dict) and str(v.get("__typename", "")).endswith("Success")
                       for v in data.values())
        if not accepted:
            assert writes(p) == before, ("rejected input wrote", document)


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
def test_graphql_queries_survive_generated_documents(
    token_platform: SecurePlatform, http: httpx.Client, admin: str, mode: Mode
) -> None:
    @settings(SETTINGS, max_examples=QUERY_EXAMPLES)
    @given(document=queries(SDL, custom_scalars=CUSTOM, mode=mode))
    def check(document: str) -> None:
        _check_graphql(token_platform, http, admin, document, mutation=False)

    check()


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
def test_graphql_mutations_survive_generated_documents(
    token_platform: SecurePlatform, http: httpx.Client, admin: str, mode: Mode
) -> None:
    @settings(SETTINGS, max_examples=MUTATION_EXAMPLES)
    @given(document=mutations(SDL, custom_scalars=CUSTOM, mode=mode))
    def check(document: str) -> None:
        _check_graphql(token_platform, http, admin, document, mutation=True)

    check()


@settings(SETTINGS, max_examples=RAW_EXAMPLES)
@given(document=st.text(max_size=300), variables=JSON_SCALAR)
def test_graphql_garbage_documents(
    http: httpx.Client, admin: str, document: str, variables: Any
) -> None:
    answer = http.post("/graphql", json={"query": document, "variables": variables},
                       headers=bearer(admin))
    assert_clean(answer, document)
