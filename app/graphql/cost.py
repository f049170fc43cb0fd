"""The cost of a GraphQL document, bounded before anything walks its expanded fragments.

A document of 23 fragments, each spreading the previous one twice, is 903 bytes and expands
to 2**22 selections. graphql-core's validation rules and Strawberry's ``QueryDepthLimiter``
walk fragments expanded (the depth limiter re-enters a fragment at every spread), so that
document froze the event loop for 18 s before any limit answered. Here the parsed document
(already bounded by ``GRAPHQL_MAX_TOKENS`` at parse time) is measured in one pass over its
AST: each fragment's expanded size is computed once, bottom-up, from its own selections and
the fragments it spreads, so the work is linear in the document, never in its expansion.
Unknown fragments, fragment cycles and documents expanding beyond
``GRAPHQL_MAX_SELECTIONS`` are refused here, before validation and execution.

``CostLimitedValidationCache`` runs the measure first and only then Strawberry's cached
validation; a refused document never reaches the validation rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import ParserCache, ValidationCache

BAD_USER_INPUT = "BAD_USER_INPUT"


@dataclass
class DocumentCost:
    """What measuring a document found, and how much work measuring it took."""

    #: Selections (fields, inline fragments) of all operations with fragments expanded,
    #: saturated just above the limit (the count stops growing once it is exceeded).
    expanded_selections: int = 0
    #: AST selection nodes examined (each node of the document at most once).
    nodes_examined: int = 0
    #: Expanded sizes computed: each fragment definition at most once.
    fragment_visits: int = 0
    error: GraphQLError | None = None
    fragments: dict[str, int] = field(default_factory=dict)


@dataclass
class _Definition:
    local: int  # its own fields and inline fragments, at any depth
    spreads: Counter[str]  # fragments it spreads, with how often


def _measure(selection_set: SelectionSetNode | None, cost: DocumentCost) -> _Definition:
    """One definition's own selections and spreads, iteratively (no recursion limit)."""
    local = 0
    spreads: Counter[str] = Counter()
    stack = [selection_set] if selection_set is not None else []
    while stack:
        current = stack.pop()
        for selection in current.selections:
            cost.nodes_examined += 1
            if isinstance(selection, FragmentSpreadNode):
                spreads[selection.name.value] += 1
                continue
            local += 1
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                stack.append(selection.selection_set)
    return _Definition(local, spreads)


def _refuse(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def document_cost(document: DocumentNode, max_selections: int) -> DocumentCost:
    """Measure ``document``; ``error`` is set when it must not be validated or executed."""
    cost = DocumentCost()
    fragments: dict[str, _Definition] = {}
    operations: list[_Definition] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            name = definition.name.value
            if name in fragments:
                cost.error = _refuse(f"There can be only one fragment named '{name}'.")
                return cost
            fragments[name] = _measure(definition.selection_set, cost)
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(_measure(definition.selection_set, cost))
    for measured in [*fragments.values(), *operations]:
        for spread in measured.spreads:
            if spread not in fragments:
                cost.error = _refuse(f"Unknown fragment '{spread}'.")
                return cost
    ceiling = max_selections + 1  # sizes saturate here: no huge integers, no overflow
    sizes: dict[str, int] = {}
    for root in fragments:
        error = _size_of(root, fragments, sizes, ceiling, cost)
        if error is not None:
            cost.error = error
            return cost
    total = 0
    for measured in operations:
        total += measured.local + sum(n * sizes[s] for s, n in measured.spreads.items())
        if total > max_selections:
            break
    cost.expanded_selections = min(total, ceiling)
    cost.fragments = sizes
    if total > max_selections:
        cost.error = _refuse(
            f"The document expands to more than {max_selections} selections "
            "(fragments counted at every spread); split it or use fewer fragment spreads."
        )
    return cost


def _size_of(
    root: str,
    fragments: dict[str, _Definition],
    sizes: dict[str, int],
    ceiling: int,
    cost: DocumentCost,
) -> GraphQLError | None:
    """Expanded size of ``root`` and of what it spreads, post-order with an explicit stack."""
    if root in sizes:
        return None
    on_path: set[str] = set()
    stack: list[tuple[str, Iterator[str]]] = [(root, iter(fragments[root].spreads))]
    on_path.add(root)
    while stack:
        name, pending = stack[-1]
        child = next(pending, None)
        if child is not None:
            if child in on_path:
                return _refuse(f"Cannot spread fragment '{child}' within itself (a cycle).")
            if child not in sizes:
                on_path.add(child)
                stack.append((child, iter(fragments[child].spreads)))
            continue
        stack.pop()
        on_path.discard(name)
        measured = fragments[name]
        size = measured.local
        for spread, count in measured.spreads.items():
            size = min(ceiling, size + count * sizes[spread])
        sizes[name] = size
        cost.fragment_visits += 1
    return None


class CostLimitedValidationCache(ValidationCache):
    """Strawberry's ValidationCache, run only for documents whose cost is bounded.

    A refused document gets its error as the pre-execution error; Strawberry then skips
    validation (``_run_validation`` runs only while ``pre_execution_errors`` is None) and
    answers with that error, over HTTP and both websocket protocols alike.
    """

    def __init__(self, max_selections: int, maxsize: int | None = 256) -> None:
        super().__init__(maxsize=maxsize)
        self.max_selections = max_selections

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            cost = document_cost(document, self.max_selections)
            if cost.error is not None:
                context.pre_execution_errors = [cost.error]
                yield
                return
        yield from super().on_validate()


class SafeParserCache(ParserCache):
    """Strawberry's ParserCache, except that a document that does not parse is left to
    Strawberry's own parse step.

    ParserCache parses in its ``on_parse`` hook, outside the ``try`` of Strawberry's parse
    step (strawberry/schema/schema.py, ``_prepare_operation_async``): a syntax error then
    escaped ``Schema.stream`` and killed the websocket operation (graphql-transport-ws
    sent a bare ``complete``, graphql-ws nothing). Leaving ``graphql_document`` unset makes
    Strawberry parse again (bounded by the token limit) inside its ``try``, which answers
    the syntax error as every transport expects (4400 on graphql-transport-ws).
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield
