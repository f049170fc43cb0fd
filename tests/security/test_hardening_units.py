"""GraphQL limits, introspection switch, error masking (app.graphql.hardening), small schemas."""

from __future__ import annotations

import logging

import pytest
import strawberry

from app.graphql.hardening import MaskUnexpectedErrors, graphql_extensions
from app.settings import GraphQLSettings, Settings
from resolvers.errors import ResolverError
from schema import build_schema


class Expected(ResolverError):
    code = "NOT_FOUND"


@strawberry.type
class Node:
    name: str = "n"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class Query:
    @strawberry.field
    def node(self) -> Node:
        return Node()

    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError('SELECT * FROM api_tokens -- File "/app/secret.py", line 1')

    @strawberry.field
    def expected(self) -> str:
        raise Expected("you asked for it")


def toy_schema(**graphql: object) -> strawberry.Schema:
    settings = Settings(graphql=GraphQLSettings(**graphql))  # type: ignore[arg-type]
    return strawberry.Schema(query=Query, extensions=graphql_extensions(settings, (ResolverError,)))


def test_depth_limit() -> None:
    schema = toy_schema(graphql_max_depth=3)
    assert not schema.execute_sync("{ node { child { name } } }").errors
    result = schema.execute_sync("{ node { child { child { child { name } } } } }")
    assert result.errors and "exceeds maximum operation depth" in result.errors[0].message


def test_alias_limit() -> None:
    schema = toy_schema(graphql_max_aliases=2)
    aliases = " ".join(f"a{i}: node {{ name }}" for i in range(3))
    result = schema.execute_sync("{ " + aliases + " }")
    assert result.errors and "aliases" in result.errors[0].message.lower()


def test_token_limit() -> None:
    schema = toy_schema(graphql_max_tokens=20)
    result = schema.execute_sync("{ " + "node { name } " * 10 + "}")
    assert result.errors and "token" in result.errors[0].message.lower()


def test_unexpected_errors_are_masked_with_a_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="app.graphql.hardening"):
        result = toy_schema().execute_sync("{ boom }")
    assert result.errors
    error = result.errors[0]
    assert error.message == "Internal server error"
    assert "SELECT" not in str(error.formatted) and "File" not in str(error.formatted)
    request_id = error.extensions["requestId"]  # type: ignore[index]
    assert request_id and request_id in caplog.text and "RuntimeError" in caplog.text


def test_expected_errors_keep_their_message_and_code() -> None:
    result = toy_schema().execute_sync("{ expected }")
    assert result.errors
    assert result.errors[0].message == "you asked for it"
    assert result.errors[0].extensions == {"code": "NOT_FOUND"}


def test_validation_errors_are_not_masked() -> None:
    result = toy_schema().execute_sync("{ nosuchfield }")
    assert result.errors and "nosuchfield" in result.errors[0].message


INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.mark.parametrize("enabled", [True, False])
def test_introspection_follows_the_graphiql_switch(enabled: bool) -> None:
    settings = Settings(graphql=GraphQLSettings(graphiql_enabled=enabled))
    schema = build_schema(extensions=graphql_extensions(settings, (ResolverError,)))
    result = schema.execute_sync(INTROSPECTION)
    assert bool(result.errors) is not enabled


def test_mask_extension_is_fresh_per_operation() -> None:
    # Strawberry calls factories per operation; an instance would share stream state.
    factories = graphql_extensions(Settings(), (ResolverError,))
    masks = [f() for f in factories if isinstance(f(), MaskUnexpectedErrors)]
    assert len(masks) == 1 and masks[0] is not factories[3]()


@strawberry.type
class EchoQuery:
    @strawberry.field
    def echo(self, text: str = "", texts: list[str] | None = None) -> str:
        return text + "".join(texts or [])


@pytest.mark.parametrize(
    "document",
    [
        '{ echo(text: "a\\u0000b") }',  # the classic escape
        '{ echo(text: "\\u{0}") }',  # the braced escape (graphql-core 3.3)
        '{ echo(texts: ["ok", "\\u0000"]) }',  # inside a list
        'query Q { ...F } fragment F on EchoQuery { echo(text: "\\u0000") }',  # in a fragment
    ],
)
def test_nul_in_a_string_literal_is_refused(document: str) -> None:
    schema = strawberry.Schema(
        query=EchoQuery, extensions=graphql_extensions(Settings(), (ResolverError,))
    )
    result = schema.execute_sync(document)
    assert result.errors and result.errors[0].message == "NUL characters are not allowed in input"
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "document",
    [
        '{ echo(text: "plain") }',
        '{ echo(text: "\\u00e9 and \\u{1F600}") }',  # escapes, none of them NUL
        '{ echo(text: "back\\\\u0000slash") }',  # an escaped backslash, then "u0000"
    ],
)
def test_other_literals_pass(document: str) -> None:
    schema = strawberry.Schema(
        query=EchoQuery, extensions=graphql_extensions(Settings(), (ResolverError,))
    )
    result = schema.execute_sync(document)
    assert not result.errors, result.errors


def test_nul_in_a_variable_is_refused() -> None:
    schema = strawberry.Schema(
        query=EchoQuery, extensions=graphql_extensions(Settings(), (ResolverError,))
    )
    result = schema.execute_sync(
        "query($t: [String!]) { echo(texts: $t) }", variable_values={"t": ["a\x00"]}
    )
    assert result.errors and result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
