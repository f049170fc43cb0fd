"""app.graphql.execution: the plain-leaf short path answers exactly as graphql-core does."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from app.graphql.execution import LeafFastExecutor, leaf_plan
from app.graphql.hardening import MaskUnexpectedErrors


@strawberry.enum
class Color(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    count: int
    ratio: float | None
    color: Color
    at: datetime
    note: str | None = None

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times

    @strawberry.field
    def child(self) -> Item | None:
        return None if self.count > 2 else items()[self.count + 1]


class Broken:
    """Duck-typed Item whose attributes go wrong in every way a leaf can."""

    id = "b"
    name = None  # non-null: "Cannot return null for non-nullable field"
    count = "many"  # Int cannot represent it
    ratio = "half"  # Float cannot represent it
    color = "purple"  # not a Color
    at = datetime(2026, 1, 1, tzinfo=UTC)
    note = ValueError("an exception value is raised, not returned")

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


class Lazy:
    """Duck-typed Item with awaitable attributes (graphql-core awaits them)."""

    id = "z"
    color = Color.BLUE
    at = datetime(2026, 1, 2, tzinfo=UTC)
    ratio = None
    note = None

    @property
    def name(self) -> Any:
        return _later("lazy")

    @property
    def count(self) -> Any:
        return _later(7)


async def _later(value: object) -> object:
    await asyncio.sleep(0)
    return value


def items() -> list[Item]:
    return [
        Item(
            id=strawberry.ID(f"i{n}"), name=f"item-{n}", count=n, ratio=n / 3 if n else None,
            color=Color.RED if n % 2 else Color.BLUE, at=datetime(2026, 1, n + 1, tzinfo=UTC),
            note="é\x01" if n == 1 else None,
        )
        for n in range(4)
    ]


@strawberry.type
class Edge:
    """Like JobEdge: plain fields only, one of them an object (the short path for objects)."""

    cursor: str
    node: Item
    maybe: Item | None = None


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return items() * 5

    @strawberry.field
    def edges(self) -> list[Edge | None]:
        good = [Edge(cursor=f"c{i.id}", node=i, maybe=i if i.count else None) for i in items()]
        return [
            *good,
            Edge(cursor="broken", node=cast(Item, Broken()), maybe=cast(Item, Broken())),
            Edge(cursor="null", node=cast(Item, None)),
            Edge(cursor="lazy", node=cast(Item, Lazy())),
        ]

    @strawberry.field
    def broken(self) -> list[Item | None]:
        return [cast(Item, Broken()), items()[0]]

    @strawberry.field
    def strict(self) -> Item:
        return cast(Item, Broken())

    @strawberry.field
    def lazy(self) -> Item:
        return cast(Item, Lazy())


DOCUMENT = """
query($skip: Boolean!) {
  items {
    __typename id name count ratio color at note
    alias: name
    ...more
    skipped: count @skip(if: $skip)
    shout(times: 2)
    child { id name child { id color } }
  }
  broken { id ratio at note }
  failing: broken { id name }
  miscounted: broken { count }
  miscolored: broken { color }
}
fragment more on Item { id at total: count }
"""


def run(document: str, fast: bool, extensions: list[Any] | None = None) -> dict[str, Any]:
    schema = strawberry.Schema(
        query=Query,
        extensions=extensions or [],
        execution_context_class=LeafFastExecutor if fast else None,
    )
    result = asyncio.run(schema.execute(document, variable_values={"skip": True}))
    return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}


def test_same_answer_as_graphql_core_for_values_errors_and_nesting() -> None:
    expected = run(DOCUMENT, fast=False)
    assert run(DOCUMENT, fast=True) == expected
    # The comparison covers what it should: values of every kind and each leaf error.
    first = expected["data"]["items"][1]
    assert first["color"] == "RED" and first["at"] == "2026-01-02T00:00:00+00:00"
    assert first["note"] == "é\x01" and "skipped" not in first
    paths = sorted(tuple(e["path"]) for e in expected["errors"])
    assert paths == [
        ("broken", 0, "note"), ("broken", 0, "ratio"), ("failing", 0, "name"),
        ("miscolored", 0, "color"), ("miscounted", 0, "count"),
    ]
    assert expected["data"]["broken"][0] == {
        "id": "b", "ratio": None, "at": "2026-01-01T00:00:00+00:00", "note": None
    }
    # A non-null leaf's error nulls its object, the nearest nullable parent.
    assert expected["data"]["failing"] == [None, {"id": "i0", "name": "item-0"}]
    assert expected["data"]["miscolored"] == [None, {"color": "BLUE"}]


def test_plain_object_fields_complete_as_graphql_core_does() -> None:
    document = """{
      edges { cursor node { id name color } maybe { id ratio note } }
      other: edges { node { count } }
    }"""
    expected = run(document, fast=False)
    assert run(document, fast=True) == expected
    edges = expected["data"]["edges"]
    assert edges[1] == {
        "cursor": "ci1", "node": {"id": "i1", "name": "item-1", "color": "RED"},
        "maybe": {"id": "i1", "ratio": 1 / 3, "note": "é\x01"},
    }
    assert edges[0]["maybe"] is None  # a nullable object field left null
    assert edges[4] is None and edges[5] is None  # non-null node: Broken's name, then null
    assert edges[6]["node"] == {"id": "z", "name": "lazy", "color": "BLUE"}
    assert {tuple(e["path"]) for e in expected["errors"]} >= {
        ("edges", 4, "node", "name"), ("edges", 5, "node"), ("other", 4, "node", "count"),
    }


def test_a_non_null_error_propagates_to_the_nearest_nullable_parent() -> None:
    document = "{ strict { id name } items { id } }"
    expected = run(document, fast=False)
    assert run(document, fast=True) == expected
    assert expected["data"] is None
    assert expected["errors"][0]["message"] == (
        "Cannot return null for non-nullable field Item.name."
    )


def test_awaitable_attributes_are_awaited() -> None:
    document = "{ lazy { id name count color } }"
    assert run(document, fast=True) == run(document, fast=False)
    assert run(document, fast=True)["data"]["lazy"] == {
        "id": "z", "name": "lazy", "count": 7, "color": "BLUE"
    }


class CountingMiddleware(SchemaExtension):
    """An extension with ``resolve``: graphql-core middleware, which sees every field."""

    seen: list[str]

    def resolve(
        self, _next: Any, root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
    ) -> Any:
        CountingMiddleware.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def test_middleware_still_sees_every_leaf() -> None:
    CountingMiddleware.seen = []
    run("{ items { id name } }", fast=True, extensions=[CountingMiddleware])
    assert CountingMiddleware.seen.count("name") == 20


def test_error_masking_applies_to_short_path_errors() -> None:
    document = "{ broken { id note } }"
    masked = [lambda: MaskUnexpectedErrors(public=())]
    expected = run(document, fast=False, extensions=masked)
    got = run(document, fast=True, extensions=masked)
    assert got["data"] == expected["data"]
    assert [e["message"] for e in got["errors"]] == ["Internal server error"]
    assert [e["path"] for e in got["errors"]] == [e["path"] for e in expected["errors"]]


@pytest.fixture
def item_fields() -> Iterator[dict[str, Any]]:
    schema = strawberry.Schema(query=Query)
    item_type = schema._schema.type_map["Item"]
    yield item_type.fields  # type: ignore[attr-defined]


def test_only_plain_leaves_take_the_short_path(item_fields: dict[str, Any]) -> None:
    plain = {name for name, field in item_fields.items() if leaf_plan(field) is not None}
    # shout has a resolver and arguments, child is an object with a resolver.
    assert plain == {"id", "name", "count", "ratio", "color", "at", "note"}
    read, attribute, _, non_null = cast(Any, leaf_plan(item_fields["name"]))
    assert read is getattr  # Strawberry's default resolver
    assert (attribute, non_null) == ("name", True)
    assert leaf_plan(item_fields["note"])[3] is False  # type: ignore[index]
    edge_fields = strawberry.Schema(query=Query)._schema.type_map["Edge"].fields  # type: ignore[attr-defined]
    assert all(leaf_plan(field) is not None for field in edge_fields.values())  # node too
