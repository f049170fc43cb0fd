"""GraphiQL opens on this API's example document (app.graphql.graphiql_example)."""

from __future__ import annotations

import json

import pytest
from graphql import parse, validate

from app.graphql.asgi import graphql_app
from app.graphql.graphiql_assets import strawberry_graphiql_html
from app.graphql.graphiql_example import (
    EXAMPLE_DOCUMENT,
    EXAMPLE_VARIABLES,
    with_example_document,
)
from app.settings import Settings
from schema import build_schema


def test_the_example_is_valid_against_the_schema() -> None:
    document = parse(EXAMPLE_DOCUMENT)
    assert validate(build_schema()._schema, document) == []
    operations = {d.name.value: d.operation.value for d in document.definitions}  # type: ignore[attr-defined]
    # The issue asks for a jobs query with filter and paging, and a jobStatus subscription.
    assert operations["Jobs"] == "query" and operations["Status"] == "subscription"
    assert "filter:" in EXAMPLE_DOCUMENT and "after: $after" in EXAMPLE_DOCUMENT
    assert set(json.loads(EXAMPLE_VARIABLES)) == {"id", "after"}


def test_the_page_carries_the_example_instead_of_the_welcome_text() -> None:
    page = with_example_document(strawberry_graphiql_html())
    assert "Welcome to GraphiQL" not in page
    assert EXAMPLE_DOCUMENT in page and EXAMPLE_VARIABLES in page


def test_a_changed_page_is_refused_not_served_unchanged() -> None:
    with pytest.raises(ValueError, match="EXAMPLE_QUERY"):
        with_example_document("<html>no example here</html>")


async def test_the_endpoint_serves_it() -> None:
    # The endpoint's own rendering (the request is not read; GET /graphql in a browser
    # reaches it through Strawberry, tests/deploy/test_graphiql_offline.py).
    page = await graphql_app(Settings()).render_graphql_ide(None)  # type: ignore[arg-type]
    assert page.status_code == 200
    text = bytes(page.body).decode()
    assert "subscription Status($id: ID!)" in text
    assert "Welcome to GraphiQL" not in text
