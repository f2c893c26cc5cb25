"""A graphql-core executor that completes plain fields without the per-field machinery.

A ``standsOn`` answer of a few hundred entities with their evidence has tens of thousands
of fields. graphql-core completes each one alike: a ``Path``, a ``ResolveInfo``, the
resolver call through Strawberry's wrapper, awaitable checks, the leaf coercion (an enum's
walks every value of the enum), and for every object an ``is_type_of`` or ``resolve_type``
and a collected selection; that was 70% of a large request's time (docs/graphql-profile.md).

A field with no resolver of its own (Strawberry's "basic" field: the default resolver,
``getattr``) needs none of it when its type is a scalar or an enum, or an object, an
interface or a list of them whose whole selection below is plain too: it is read and
completed here, directly. Such a selection runs no resolver, so completing it has no side
effects: at the first value the quick path does not recognise (a null in a non-null field,
a value the scalar refuses, an object whose class is not exactly one type's) it gives the
whole field back to graphql-core's own ``execute_field``, so errors, their paths and null
propagation are exactly graphql-core's. Fields with resolvers always go there.
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
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import get_strawberry_type_cast
from strawberry.types.field import StrawberryField

_DEFINITION = "strawberry-definition"  # where Strawberry keeps a field's definition
TYPENAME = "__typename"
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


def _typename(name: str) -> Coerce:
    return lambda _: name


def strawberry_classes(schema: GraphQLSchema) -> dict[type, GraphQLObjectType]:
    """Python class -> its object type, for the classes that stand for exactly one type."""
    found: dict[type, GraphQLObjectType] = {}
    shared: set[type] = set()
    for gql_type in schema.type_map.values():
        definition = (gql_type.extensions or {}).get(_DEFINITION)
        if not isinstance(gql_type, GraphQLObjectType):
            continue
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_type_of:
            continue  # a type that decides membership itself: graphql-core asks it
        origin = definition.origin
        if origin in found:
            shared.add(origin)
        found[origin] = gql_type
    return {cls: t for cls, t in found.items() if cls not in shared}


Plain = tuple[str, bool, Coerce]  # attribute, non-null, coercion
#: A plain field whose value is an object or a list: its attribute and its GraphQL type.
Nested = tuple[str, GraphQLOutputType]
#: A selection on one type: each response name, its fields, and how to read it if plain.
Plan = list[tuple[str, Any, Plain | Nested | None]]


class FastLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain fields completed inline (see the module doc)."""

    _fast_by_schema: dict[int, dict[tuple[str, str], Plain]] = {}
    _classes_by_schema: dict[int, dict[type, GraphQLObjectType]] = {}
    _coercions_by_schema: dict[int, dict[str, Coerce | None]] = {}

    def _fast(self) -> dict[tuple[str, str], Plain]:
        fast = self._fast_by_schema.get(id(self.schema))
        if fast is None:
            fast = self._fast_by_schema[id(self.schema)] = fast_fields(self.schema)
        return fast

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        # graphql-core collects a selection once per type and reuses that object for every
        # item of a list, so the plan is made once per selection, not once per object.
        plans: dict[int, tuple[GroupedFieldSet, Plan]] = self.__dict__.setdefault("_plans", {})
        found = plans.get(id(grouped_field_set))
        if found is not None and found[0] is grouped_field_set:
            return found[1]
        fast = self._fast()
        plan: Plan = []
        for name, details in grouped_field_set.items():
            field_name = details[0].node.name.value
            entry: Plain | Nested | None = fast.get((parent_type.name, field_name))
            if entry is None and field_name == TYPENAME:
                entry = (TYPENAME, True, _typename(parent_type.name))
            if entry is None:
                entry = self._nested(parent_type, field_name, details)
            plan.append((name, details, entry))
        plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _nested(
        self, parent_type: GraphQLObjectType, field_name: str, details: Any
    ) -> Nested | None:
        """A field read by attribute whose whole selection below is plain, or None."""
        field = parent_type.fields.get(field_name)
        definition = (field.extensions or {}).get(_DEFINITION) if field else None
        if field is None or not isinstance(definition, StrawberryField):
            return None
        if not definition.is_basic_field or definition.extensions:
            return None
        if not getattr(field.resolve, "_is_default", False):
            return None
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType):
            runtime = [named]
        elif isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            runtime = list(self.schema.get_possible_types(named))
        else:
            return None  # a leaf would be in ``fast`` if it could be read directly
        for object_type in runtime:
            grouped, deferred, _ = self.collect_subfields(object_type, details)
            if deferred or any(entry is None for _, _, entry in self._plan(object_type, grouped)):
                return None
        return (definition.python_name, field.type)

    def _coercion(self, gql_type: GraphQLEnumType | GraphQLScalarType) -> Coerce | None:
        known = self._coercions_by_schema.setdefault(id(self.schema), {})
        if gql_type.name not in known:  # an enum's is a dict of its members: built once
            known[gql_type.name] = _leaf_coercion(gql_type)
        return known[gql_type.name]

    def _object_type(self, expected: GraphQLNamedType, value: Any) -> GraphQLObjectType | None:
        """The object type of ``value`` by its exact class, if it may stand where expected."""
        classes = self._classes_by_schema.get(id(self.schema))
        if classes is None:
            classes = self._classes_by_schema[id(self.schema)] = strawberry_classes(self.schema)
        found = classes.get(type(value))
        if found is None or get_strawberry_type_cast(value) is not None:
            return None
        if found is expected or (
            isinstance(expected, GraphQLInterfaceType | GraphQLUnionType)
            and self.schema.is_sub_type(expected, found)
        ):
            return found
        return None

    def _complete(self, gql_type: GraphQLOutputType, details: Any, value: Any) -> Any:
        """``value`` completed as ``gql_type`` by a plain walk, or ``_SLOW`` at anything odd."""
        if isinstance(gql_type, GraphQLNonNull):
            if value is None:
                return _SLOW
            gql_type = gql_type.of_type
        elif value is None:
            return None
        if isinstance(gql_type, GraphQLList):
            if type(value) is not list and type(value) is not tuple:
                return _SLOW
            item_type = gql_type.of_type
            items = []
            for item in value:
                done = self._complete(item_type, details, item)
                if done is _SLOW:
                    return _SLOW
                items.append(done)
            return items
        if isinstance(gql_type, GraphQLEnumType | GraphQLScalarType):
            coerce = self._coercion(gql_type)
            return _SLOW if coerce is None else coerce(value)
        object_type = self._object_type(gql_type, value)
        if object_type is None:
            return _SLOW
        grouped, _, _ = self.collect_subfields(object_type, details)
        return self._complete_fields(object_type, grouped, value)

    def _read(self, entry: Plain | Nested, details: Any, source: Any) -> Any:
        """One plain field of ``source``, completed, or ``_SLOW`` for graphql-core to do."""
        if len(entry) == 2:
            value = getattr(source, entry[0], Undefined)
            return _SLOW if value is Undefined else self._complete(entry[1], details, value)
        attribute, non_null, coerce = entry
        value = None if attribute == TYPENAME else getattr(source, attribute, Undefined)
        if value is None and attribute != TYPENAME:
            return _SLOW if non_null else None
        return _SLOW if value is Undefined else coerce(value)

    def _complete_fields(
        self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet, source: Any
    ) -> Any:
        results: dict[str, Any] = {}
        for response_name, details, entry in self._plan(parent_type, grouped):
            out = _SLOW if entry is None else self._read(entry, details, source)
            if out is _SLOW:
                return _SLOW
            results[response_name] = out
        return results

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
        for response_name, details, entry in self._plan(parent_type, grouped_field_set):
            out = _SLOW if entry is None else self._read(entry, details, source_value)
            if out is _SLOW:
                slow[response_name] = details
                out = Undefined  # keeps the response's field order
            results[response_name] = out
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
