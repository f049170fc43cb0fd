"""Every GraphQL error carries a code of the closed set; client mistakes log one line.

The schema is the server's own (app.graphql.asgi.graphql_schema) and every document here
fails before any resolver runs, so no database is needed.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from graphql import GraphQLError

from app.graphql.asgi import graphql_schema
from app.graphql.hardening import ERROR_CODES, INTERNAL, error_code
from app.settings import Settings

CREATE = """mutation($input: CreateJobInput!) { createJob(input: $input) { __typename } }"""


def _input(**resources: Any) -> dict[str, Any]:
    return {
        "jobName": "a",
        "algorithm": {"algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, **resources}},
    }


CASES = [
    pytest.param(CREATE, {"input": _input(cpuCores="two")}, "cpuCores", id="variable-type"),
    pytest.param(CREATE, {"input": {"jobName": "a", "algorithm": {}}}, "resources",
                 id="variable-missing-required-field"),
    pytest.param("query($t: DateTime) { jobs(filter: {createdAfter: $t}) { totalCount } }",
                 {"t": "yesterday"}, "DateTime", id="variable-datetime"),
    pytest.param('{ jobs(filter: {createdAfter: "yesterday"}) { totalCount } }', None,
                 "DateTime", id="literal-datetime"),
    pytest.param('{ jobs(filter: {phases: [RUNING]}) { totalCount } }', None, "RUNING",
                 id="literal-enum"),
    pytest.param("{ nosuchfield }", None, "nosuchfield", id="validation"),
    pytest.param("{ jobs { ", None, "Syntax Error", id="parse"),
]


@pytest.mark.parametrize(("document", "variables", "mentions"), CASES)
async def test_client_mistakes_are_bad_user_input_logged_in_one_line(
    document: str, variables: dict[str, Any] | None, mentions: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = graphql_schema(Settings())
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(document, variable_values=variables)
    assert result.errors, result
    for error in result.errors:
        assert error.extensions and error.extensions["code"] == "BAD_USER_INPUT", error.formatted
        assert "requestId" not in error.extensions
    assert mentions in result.errors[0].message
    ours = ("strawberry.execution", "app.graphql.hardening")
    lines = [r for r in caplog.records if r.name in ours]
    expected = [("app.graphql.hardening", logging.INFO)] * len(result.errors)
    assert [(r.name, r.levelno) for r in lines] == expected
    for record in lines:
        assert record.exc_info is None
        assert "\n" not in record.getMessage() and "BAD_USER_INPUT" in record.getMessage()


def test_an_exception_outside_the_document_stays_internal() -> None:
    # No path and no location: raised by an extension, not about the client's document.
    error = GraphQLError("boom", original_error=RuntimeError("boom"))
    assert error_code((), error) == INTERNAL
    located_but_executing = GraphQLError("boom", path=["jobs"], original_error=KeyError("x"))
    assert error_code((), located_but_executing) == INTERNAL


def test_codes_are_the_closed_set() -> None:
    assert {
        "BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "DATABASE_UNAVAILABLE",
        "KARMADA_UNAVAILABLE", "INTERNAL",
    } == ERROR_CODES
