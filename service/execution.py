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
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    Undefined,
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
#: A non-null value -> its completed form, or ``_SLOW`` when graphql-core must complete it.
Complete = Callable[[Any], Any]
#: A plain field: its attribute (None for ``__typename``), non-null, and its completion.
Field = tuple[str | None, bool, Complete]
#: A selection on one type: each response name, its fields, and how to read it if plain.
Plan = list[tuple[str, Any, Field | None]]
_NOT_PLAIN = object()  # a cached "no completion": the selection needs graphql-core


class FastLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain fields completed inline (see the module doc).

    Each plain selection is turned once per request into a completion function (a closure
    over its fields, their attributes and coercions), then applied to every value: an
    object of a list costs its getattr calls and coercions, not a collection of its
    selection, a plan lookup and a type check per field.
    """

    _fast_by_schema: dict[int, dict[tuple[str, str], Plain]] = {}
    _classes_by_schema: dict[int, dict[type, GraphQLObjectType]] = {}
    _coercions_by_schema: dict[int, dict[str, Coerce | None]] = {}

    def _fast(self) -> dict[tuple[str, str], Plain]:
        fast = self._fast_by_schema.get(id(self.schema))
        if fast is None:
            fast = self._fast_by_schema[id(self.schema)] = fast_fields(self.schema)
        return fast

    def _classes(self) -> dict[type, GraphQLObjectType]:
        classes = self._classes_by_schema.get(id(self.schema))
        if classes is None:
            classes = self._classes_by_schema[id(self.schema)] = strawberry_classes(self.schema)
        return classes

    def _cache(self) -> dict[Any, Any]:
        # Per request: a selection's fields depend on the document and its variables.
        return cast(dict[Any, Any], self.__dict__.setdefault("_compiled", {}))

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        # graphql-core collects a selection once per type and reuses that object for every
        # item of a list, so the plan is made once per selection, not once per object.
        cache = self._cache()
        found = cache.get(id(grouped_field_set))
        if found is not None and found[0] is grouped_field_set:
            return cast(Plan, found[1])
        plan: Plan = []
        for name, details in grouped_field_set.items():
            plan.append((name, details, self._field(parent_type, details)))
        cache[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _field(self, parent_type: GraphQLObjectType, details: Any) -> Field | None:
        """How to read and complete one field of ``parent_type``, or None if not plain."""
        field_name = details[0].node.name.value
        leaf = self._fast().get((parent_type.name, field_name))
        if leaf is not None:
            return leaf
        if field_name == TYPENAME:
            return (None, True, _typename(parent_type.name))
        field = parent_type.fields.get(field_name)
        definition = (field.extensions or {}).get(_DEFINITION) if field else None
        if field is None or not isinstance(definition, StrawberryField):
            return None
        if not definition.is_basic_field or definition.extensions:
            return None
        if not getattr(field.resolve, "_is_default", False):
            return None
        non_null = isinstance(field.type, GraphQLNonNull)
        inner = field.type.of_type if non_null else field.type
        if isinstance(inner, GraphQLEnumType | GraphQLScalarType):
            return None  # a leaf would be in ``fast`` if it could be read directly
        complete = self._completion(inner, details)
        return None if complete is None else (definition.python_name, non_null, complete)

    def _completion(self, gql_type: GraphQLOutputType, details: Any) -> Complete | None:
        """How to complete a non-null value of ``gql_type`` (nullable), or None if not plain."""
        if isinstance(gql_type, GraphQLList):
            item = gql_type.of_type
            item_non_null = isinstance(item, GraphQLNonNull)
            item_complete = self._completion(item.of_type if item_non_null else item, details)
            if item_complete is None:
                return None
            return _list_completion(item_complete, item_non_null)
        if isinstance(gql_type, GraphQLEnumType | GraphQLScalarType):
            return self._coercion(gql_type)
        if isinstance(gql_type, GraphQLObjectType):
            possible = [gql_type]
        elif isinstance(gql_type, GraphQLInterfaceType | GraphQLUnionType):
            possible = list(self.schema.get_possible_types(gql_type))
        else:
            return None
        classes = self._classes()
        by_class: dict[type, Complete] = {}
        for cls, object_type in classes.items():
            if object_type in possible:
                read = self._object_completion(object_type, details)
                if read is None:
                    return None
                by_class[cls] = read
        return _object_completion_by_class(by_class)

    def _object_completion(self, object_type: GraphQLObjectType, details: Any) -> Complete | None:
        """How to complete an object of ``object_type`` with the selection ``details``."""
        cache = self._cache()
        key = (object_type.name, id(details))
        found = cache.get(key)
        if found is not None and found[0] is details:
            return None if found[1] is _NOT_PLAIN else cast(Complete, found[1])
        grouped, deferred, _ = self.collect_subfields(object_type, details)
        read: Complete | None = None
        if not deferred:
            fields = [(name, self._field(object_type, sub)) for name, sub in grouped.items()]
            if all(f is not None for _, f in fields):
                read = _object_reader([(n, *cast(Field, f)) for n, f in fields])
        cache[key] = (details, _NOT_PLAIN if read is None else read)
        return read

    def _coercion(self, gql_type: GraphQLEnumType | GraphQLScalarType) -> Coerce | None:
        known = self._coercions_by_schema.setdefault(id(self.schema), {})
        if gql_type.name not in known:  # an enum's is a dict of its members: built once
            known[gql_type.name] = _leaf_coercion(gql_type)
        return known[gql_type.name]

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
        for response_name, details, field in self._plan(parent_type, grouped_field_set):
            out = _SLOW if field is None else _read(field, source_value, parent_type.name)
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


def _read(field: Field, source: Any, typename: str) -> Any:
    """One plain field of ``source``, completed, or ``_SLOW``."""
    attribute, non_null, complete = field
    if attribute is None:
        return typename
    value = getattr(source, attribute, Undefined)
    if value is None:
        return _SLOW if non_null else None
    return _SLOW if value is Undefined else complete(value)


def _object_reader(fields: list[tuple[str, str | None, bool, Complete]]) -> Complete:
    """An object's completion: each field read and completed, or ``_SLOW`` at the first odd
    value (the hot loop of a large answer: kept to a getattr and a call per field)."""

    def read(source: Any) -> Any:
        out: dict[str, Any] = {}
        for name, attribute, non_null, complete in fields:
            if attribute is None:
                value = complete(source)
            else:
                value = getattr(source, attribute, Undefined)
                if value is None:
                    if non_null:
                        return _SLOW
                    out[name] = None
                    continue
                if value is Undefined:
                    return _SLOW
                value = complete(value)
                if value is _SLOW:
                    return _SLOW
            out[name] = value
        return out

    return read


def _list_completion(item: Complete, item_non_null: bool) -> Complete:
    def complete(value: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            return _SLOW
        items: list[Any] = []
        for x in value:
            if x is None:
                if item_non_null:
                    return _SLOW
                items.append(None)
                continue
            done = item(x)
            if done is _SLOW:
                return _SLOW
            items.append(done)
        return items

    return complete


def _object_completion_by_class(by_class: dict[type, Complete]) -> Complete:
    # The exact class says the object type; an object cast to another type
    # (``strawberry.cast``) or of a class not known here is graphql-core's to resolve.
    def complete(value: Any) -> Any:
        read = by_class.get(type(value))
        if read is None or get_strawberry_type_cast(value) is not None:
            return _SLOW
        return read(value)

    return complete


def _merge(results: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    for name, value in rest.items():
        results[name] = value
    # A field graphql-core skipped (unknown to the type) is left out, as graphql-core does.
    return {name: value for name, value in results.items() if value is not Undefined}
