"""The GraphQL schema (declarations only; decisions live in ``resolvers``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import DateTime
from schema.subscription import Subscription

SDL_PATH = Path(__file__).with_name("schema.graphql")


def build_schema(
    extensions: list[object] | None = None,
    execution_context_class: type[Any] | None = None,
    schema_class: type[strawberry.Schema] = strawberry.Schema,
) -> strawberry.Schema:
    return schema_class(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions or [],  # type: ignore[arg-type]
        execution_context_class=execution_context_class,
        # RFC 3339 with Z, like the REST API (Strawberry's own prints +00:00).
        config=StrawberryConfig(scalar_map={datetime: DateTime}),
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
