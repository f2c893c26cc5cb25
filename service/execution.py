"""A graphql-core executor that completes plain leaf fields without the per-field machinery.

A ``standsOn`` answer of a few hundred entities with their evidence has tens of thousands
of scalar fields. graphql-core completes each one alike: a ``Path``, a ``ResolveInfo``,
the resolver call through Strawberry's wrapper, awaitable checks, and the leaf coercion
(an enum's walks every value of the enum); that was 70% of a large request's time
(docs/benchmarks.md, the profile). A field with no resolver of its own (Strawberry's
"basic" field: the default resolver, ``getattr``) whose type is a scalar or an enum needs
none of it: it is read and coerced here, directly.

Anything else -- resolvers, objects, lists, a null in a non-null field, a value the fast
coercion does not recognise -- goes through graphql-core's own ``execute_field``, so errors,
their paths and null propagation are exactly graphql-core's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum
from typing import Any, cast

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

_DEFINITION = "strawberry-definition"  # where Strawberry keeps a field's definition
_MAX_INT = 2**31 - 1

#: A value -> its output form, or ``_SLOW`` when graphql-core must decide (and say why not).
Coerce = Callable[[Any], Any]
_SLOW = object()


def _string(value: Any) -> Any:
    return value if type(value) is str else _SLOW


def _int(value: Any) -> Any:
    return value if type(value) is int and -_MAX_INT - 1 <= value <= _MAX_INT else _SLOW


def _float(value: Any) -> Any:
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        return float(value)
    return _SLOW


def _boolean(value: Any) -> Any:
    return value if type(value) is bool else _SLOW


_SCALARS: dict[str, Coerce] = {
    GraphQLString.name: _string,
    GraphQLInt.name: _int,
    GraphQLFloat.name: _float,
    GraphQLBoolean.name: _boolean,
}


def _enum(gql_enum: GraphQLEnumType) -> Coerce:
    # Strawberry's enum coercion loops over every value per call; a dict of members does not.
    names: dict[Any, str] = {}
    for name, value in gql_enum.values.items():
        names[value.value] = name
    members = getattr(gql_enum, "wrapped_cls", None)
    if isinstance(members, type) and issubclass(members, Enum):
        for member in members:
            for name, value in gql_enum.values.items():
                if value.value == member.value:
                    names[member] = name

    def coerce(value: Any) -> Any:
        try:
            return names.get(value, _SLOW)
        except TypeError:  # unhashable: graphql-core says what is wrong with it
            return _SLOW

    return coerce


def _leaf_coercion(gql_type: Any) -> Coerce | None:
    if isinstance(gql_type, GraphQLEnumType):
        return _enum(gql_type)
    if isinstance(gql_type, GraphQLScalarType) and gql_type.name != GraphQLID.name:
        return _SCALARS.get(gql_type.name)
    return None


def fast_fields(schema: GraphQLSchema) -> dict[tuple[str, str], tuple[str, bool, Coerce]]:
    """(type, field) -> (attribute, non-null, coercion) for every plain leaf field."""
    found: dict[tuple[str, str], tuple[str, bool, Coerce]] = {}
    for type_name, gql_type in schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in gql_type.fields.items():
            definition = (field.extensions or {}).get(_DEFINITION)
            if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
                continue
            if definition.extensions or field.resolve is None:
                continue
            if not getattr(field.resolve, "_is_default", False):
                continue
            non_null = isinstance(field.type, GraphQLNonNull)
            inner = field.type.of_type if non_null else field.type
            coerce = _leaf_coercion(inner)
            if coerce is not None:
                found[(type_name, field_name)] = (definition.python_name, non_null, coerce)
    return found


Plain = tuple[str, bool, Coerce]  # attribute, non-null, coercion
#: A selection on one type: each response name, its fields, and how to read it if plain.
Plan = list[tuple[str, Any, Plain | None]]


class FastLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain leaf fields completed inline (see the module doc)."""

    _fast_by_schema: dict[int, dict[tuple[str, str], Plain]] = {}

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        # graphql-core collects a selection once per type and reuses that object for every
        # item of a list, so the plan is made once per selection, not once per object.
        plans: dict[int, tuple[GroupedFieldSet, Plan]] = self.__dict__.setdefault("_plans", {})
        found = plans.get(id(grouped_field_set))
        if found is not None and found[0] is grouped_field_set:
            return found[1]
        fast = self._fast_by_schema.get(id(self.schema))
        if fast is None:
            fast = self._fast_by_schema[id(self.schema)] = fast_fields(self.schema)
        plan: Plan = [
            (name, details, fast.get((parent_type.name, details[0].node.name.value)))
            for name, details in grouped_field_set.items()
        ]
        plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # Strawberry passes an empty one
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        slow: GroupedFieldSet = {}
        for response_name, details, plain in self._plan(parent_type, grouped_field_set):
            if plain is not None:
                value = getattr(source_value, plain[0], Undefined)
                if value is None:
                    if not plain[1]:
                        results[response_name] = None
                        continue
                elif value is not Undefined:
                    out = plain[2](value)
                    if out is not _SLOW:
                        results[response_name] = out
                        continue
            slow[response_name] = details
            results[response_name] = Undefined  # keeps the response's field order
        if not slow:
            return results
        rest = super().execute_fields(parent_type, source_value, path, slow, position_context)
        if self.is_awaitable(rest):

            async def merged() -> dict[str, Any]:
                return _merge(results, await rest)

            return merged()
        return _merge(results, cast(dict[str, Any], rest))


def _merge(results: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    for name, value in rest.items():
        results[name] = value
    # A field graphql-core skipped (unknown to the type) is left out, as graphql-core does.
    return {name: value for name, value in results.items() if value is not Undefined}
