"""The typed per-request context: the reader, the request id and fresh DataLoaders.

DataLoaders are made per request, so nothing is cached between users, and every
level of a nested query costs one Cypher round trip, whatever its width. The context
also carries the converter from a stored row to the GraphQL type of its kind
(``service.types.convert.to_entity``), handed in by the app: ``Edge.from``/``Edge.to``
need it, and ``convert`` imports every entity type, which lead back to ``Edge``, so
importing it there would close an import circle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import strawberry
from strawberry.dataloader import DataLoader

from schema.vocabulary import Rel
from service.queries import entities
from service.queries.entities import Direction
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.rows import EdgeRow, EntityRow

if TYPE_CHECKING:
    from service.types.entity import Entity


@dataclass(frozen=True)
class AdjacentKey:
    """One entity's direct edges in one direction, under one filter."""

    key: str
    direction: Direction
    relations: frozenset[Rel]
    include_inferred: bool
    per_key: int


class Loaders:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.entity = DataLoader[str, EntityRow | None](load_fn=self._entities)
        self.between = DataLoader[tuple[str, str], list[EdgeRow]](load_fn=self._between)
        self.adjacent = DataLoader[AdjacentKey, list[EdgeRow]](load_fn=self._adjacent)

    async def _entities(self, keys: list[str]) -> Sequence[EntityRow | None]:
        found = await entities.load_entities(self.reader, keys)
        return [found.get(k) for k in keys]

    async def _between(self, pairs: list[tuple[str, str]]) -> Sequence[list[EdgeRow]]:
        found = await entities.load_edges_between(self.reader, pairs)
        return [found.get(p, []) for p in pairs]

    async def _adjacent(self, keys: list[AdjacentKey]) -> Sequence[list[EdgeRow]]:
        # Usually one group per level: every entity of a level asks with the same arguments.
        groups: dict[tuple[Direction, frozenset[Rel], bool, int], list[str]] = defaultdict(list)
        for k in keys:
            groups[(k.direction, k.relations, k.include_inferred, k.per_key)].append(k.key)
        results: dict[AdjacentKey, list[EdgeRow]] = {}
        for (direction, relations, inferred, per_key), group in groups.items():
            flt = EdgeFilter(relations=relations, include_inferred=inferred)
            found = await entities.load_adjacent(self.reader, group, direction, flt, per_key)
            for key in group:
                results[AdjacentKey(key, direction, relations, inferred, per_key)] = found[key]
        return [results[k] for k in keys]


@dataclass
class Context:
    reader: Reader
    request_id: str
    loaders: Loaders
    to_entity: Callable[[EntityRow], Entity]


Info = strawberry.Info[Context, None]


def make_context(
    reader: Reader, request_id: str, to_entity: Callable[[EntityRow], Entity]
) -> Context:
    return Context(
        reader=reader, request_id=request_id, loaders=Loaders(reader), to_entity=to_entity
    )
