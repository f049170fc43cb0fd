"""GraphQL execution with a short path for plain fields.

A page of 50 jobs is ~450 fields, nearly all of them leaves (``id``, ``phase``,
``createdAt``...) that Strawberry resolves by reading an attribute. graphql-core runs its
general machinery for each one: a resolve-info object, the resolver wrapper, completion
through the non-null/list/leaf/object dispatch. That was the largest single cost of the
``jobs`` query (bench/jobs_query.py). For a plain field (no resolver, no arguments) of a
leaf type, or of an object type without ``is_type_of`` (``edge.node``), this executor reads
the attribute and completes it itself, with graphql-core's own checks and error messages,
and leaves every other field (resolvers, arguments, lists, abstract types, middleware) to
graphql-core.

An override of graphql-core's ``execute_fields`` (listed in ``app._compat.OVERRIDES``);
``app.graphql.execution`` chooses it.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphql import GraphQLField, GraphQLLeafType, GraphQLObjectType, is_leaf_type
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from graphql.type import GraphQLNonNull
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

#: How to read a plain field: (read, attribute name, its leaf or object type, non-null).
#: An object plan is only made for object types without ``is_type_of`` (nothing to check).
LeafPlan = tuple[Any, str, GraphQLLeafType | GraphQLObjectType, bool]

# Values whose type alone says they are not awaitable (what Strawberry's is_awaitable checks
# first, spelled out here to save a call per field).
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    """The plan for a field Strawberry resolves by a plain attribute read, else None."""
    # Strawberry marks the resolver of a "basic" field (no resolver, no field extension,
    # no permission class, no exception handler): it calls default_resolver(source, name).
    if not getattr(field_def.resolve, "_is_default", False) or field_def.args:
        return None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or not field.is_basic_field:
        return None
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    named = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if is_leaf_type(named) or (isinstance(named, GraphQLObjectType) and not named.is_type_of):
        return field.default_resolver, field.python_name, named, non_null
    return None


class LeafFastExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing plain fields without the general machinery."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core hands resolvers this executor's own bound methods, which makes every
        # executor a reference cycle: it, and all the operation state it reaches, then waits
        # for the cyclic garbage collector (whose full passes stall the process for up to a
        # second with 10,000 subscriptions). Reaching it through a weak reference instead
        # lets reference counting free it as soon as the operation ends.
        this = weakref.ref(self)

        def gather(*args: Any, **kwargs: Any) -> Any:
            executor = this()
            assert executor is not None  # alive for as long as its operation runs
            return executor.gather_async_work(*args, **kwargs)

        def track(*args: Any, **kwargs: Any) -> Any:
            executor = this()
            assert executor is not None
            return executor.track_async_work(*args, **kwargs)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=gather, track=track)
        # (parent type, id(grouped field set)) -> (the set, its fields with their plans).
        # graphql-core memoizes a selection's grouped field set, so the 50 nodes of a page
        # share one entry; the set is kept so its id cannot be reused meanwhile.
        self._compiled: dict[tuple[GraphQLObjectType, int], tuple[object, list[_Field]]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's execute_fields; a planned field is read and completed inline,
        as execute_field + complete_value would, with their checks and messages."""
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            # Middleware (a schema extension's ``resolve``) must see every field.
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        complete_leaf = self.complete_leaf_value
        try:
            for response_name, details, field_def, plan in self._fields(
                parent_type, grouped_field_set
            ):
                if plan is None or field_def is None:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        details,
                        Path(path, response_name, parent_type.name),
                        position_context,
                    )
                    if result is Undefined:
                        continue
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
                    continue
                read, name, named_type, non_null = plan
                try:
                    value = read(source_value, name)
                    if type(value) not in _PLAIN_TYPES and is_awaitable(value):
                        results[response_name] = self._complete_awaited(
                            parent_type,
                            field_def,
                            details,
                            path,
                            response_name,
                            value,
                            position_context,
                        )
                        awaitable_fields.append(response_name)
                        continue
                    if isinstance(value, Exception):
                        raise value
                    if value is None or value is Undefined:
                        if non_null:
                            raise TypeError(
                                "Cannot return null for non-nullable field"
                                f" {parent_type.name}.{details[0].node.name.value}."
                            )
                        results[response_name] = None
                    elif isinstance(named_type, GraphQLObjectType):
                        completed = self.collect_and_execute_subfields(
                            named_type,
                            details,
                            Path(path, response_name, parent_type.name),
                            value,
                            position_context,
                        )
                        if is_awaitable(completed):
                            completed = self._await_completed(
                                completed, field_def, details, path, response_name, parent_type
                            )
                            awaitable_fields.append(response_name)
                        results[response_name] = completed
                    else:
                        results[response_name] = complete_leaf(named_type, value)
                except Exception as raw_error:
                    field_path = Path(path, response_name, parent_type.name)
                    self.handle_field_error(raw_error, field_def.type, details, field_path)
                    results[response_name] = None
        except Exception:
            if awaitable_fields:
                # As graphql-core: settle what other fields started, they may fail too.
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:  # as graphql-core's execute_fields
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[n] for n in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _fields(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[_Field]:
        key = (parent_type, id(grouped_field_set))
        entry = self._compiled.get(key)
        if entry is None:
            fields: list[_Field] = []
            for response_name, details in grouped_field_set.items():
                node = details[0].node
                field_def = self.schema.get_field(parent_type, node.name.value)
                plan = None
                if field_def is not None and not node.arguments:
                    plan = leaf_plan(field_def)
                fields.append((response_name, details, field_def, plan))
            entry = (grouped_field_set, fields)
            self._compiled[key] = entry
        return entry[1]

    def _complete_awaited(
        self,
        parent_type: GraphQLObjectType,
        field_def: GraphQLField,
        details: FieldDetailsList,
        path: Path | None,
        response_name: str,
        value: Any,
        position_context: Any,
    ) -> Any:
        """An awaitable attribute: graphql-core's own path awaits and completes it."""
        field_path = Path(path, response_name, parent_type.name)
        info = self.build_resolve_info(
            field_def, [d.node for d in details], parent_type, field_path
        )
        return self.complete_awaitable_value(
            field_def.type, details, info, field_path, value, position_context
        )

    async def _await_completed(
        self,
        completed: Any,
        field_def: GraphQLField,
        details: FieldDetailsList,
        path: Path | None,
        response_name: str,
        parent_type: GraphQLObjectType,
    ) -> Any:
        """As execute_field's await_completed: an error of the sub-selection is this field's."""
        try:
            return await completed
        except Exception as raw_error:
            field_path = Path(path, response_name, parent_type.name)
            self.handle_field_error(raw_error, field_def.type, details, field_path)
            return None


#: (response name, its field details, its definition, its plan or None).
_Field = tuple[str, FieldDetailsList, GraphQLField | None, LeafPlan | None]
