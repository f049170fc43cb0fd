"""Which executor runs GraphQL operations: graphql-core's, or the short path for plain fields.

The short path (``LeafFastExecutor``) overrides graphql-core's ``execute_fields``, so it
lives with the other library overrides in ``app._compat.graphql_executor``;
``GRAPHQL_FAST_EXECUTOR=false`` leaves execution entirely to Strawberry and graphql-core.
"""

from __future__ import annotations

from app._compat.graphql_executor import LeafFastExecutor, LeafPlan, leaf_plan

__all__ = ["LeafFastExecutor", "LeafPlan", "execution_context_class", "leaf_plan"]


def execution_context_class(fast: bool) -> type[LeafFastExecutor] | None:
    """The executor for ``GRAPHQL_FAST_EXECUTOR`` (None: Strawberry's own)."""
    return LeafFastExecutor if fast else None
