"""Strawberry's MaskErrors with a public hook per error.

``MaskErrors._process_errors`` is the only place that sees every error of a result (of a
query, a mutation and each subscription event); it masks or keeps each whole. Our masking
also annotates the errors it keeps (``extensions.code``), so this base class overrides it to
call :meth:`MaskEachError.process_error` for each error, which the product overrides
(app.graphql.hardening) without touching Strawberry's internals.
"""

from __future__ import annotations

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors


class MaskEachError(MaskErrors):
    """MaskErrors deciding error by error through :meth:`process_error`."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self.process_error(error) for error in errors]

    def process_error(self, error: GraphQLError) -> GraphQLError:
        """The error as the result carries it; by default Strawberry's rule (mask or keep)."""
        return self.anonymise_error(error) if self.should_mask_error(error) else error
