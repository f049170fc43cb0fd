"""Strawberry's schema with its error log handed to the product.

``Schema.process_errors`` logs every error of a result through ``StrawberryLogger`` at ERROR
with the original exception's traceback, before any extension sees it: a client's typo or a
job that does not exist filled the log with tracebacks. This subclass calls ``log_error``
for each error instead; the product decides the level and the line (app.graphql.hardening).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql.error import GraphQLError


class ErrorLoggingSchema(strawberry.Schema):
    """A Schema whose errors are logged by ``log_error`` (set per schema by the product)."""

    log_error: Callable[[GraphQLError], None] = staticmethod(lambda error: None)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: Any | None = None
    ) -> None:
        for error in errors:
            self.log_error(error)
