"""The ``Entity`` interface every node kind implements, and its common fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from schema.vocabulary import Rel
from service import limits
from service.context import AdjacentKey, Info
from service.licensing.declared import declared
from service.queries.filters import ALL_RELATIONS
from service.queries.rows import EntityRow
from service.types.edge import Edge
from service.types.enums import EntityStatus, Kind, Relation
from service.types.licence_info import LicenceInfo
from service.types.resolver import resolver

# Written for the full-text index; not a fact about the entity.
_HIDDEN = frozenset({"search_text"})


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return str(value)


@strawberry.interface(description="Anything in the graph: a model, dataset, paper, repository...")
class Entity:
    row: strawberry.Private[EntityRow]
    key: str = strawberry.field(description="Unique key, e.g. hf:model:org/name, arxiv:2501.12948.")
    kind: Kind
    name: str
    url: str | None = strawberry.field(
        description="The entity's page (or the URL it was read from)."
    )
    source: str | None = strawberry.field(
        description="The source it was fetched from (hf, arxiv...)."
    )
    source_url: str | None = strawberry.field(description="The exact URL it was fetched from.")
    revision: str | None = strawberry.field(
        description="Source revision: HF commit sha, arXiv version, git sha, package version."
    )
    license: str | None
    last_seen: str | None = strawberry.field(description="When it was last fetched (ISO-8601 UTC).")
    last_run: str | None = strawberry.field(description="The ingest run that last fetched it.")
    status: EntityStatus
    unresolved_reason: str | None

    @resolver(description="Every stored property, as JSON.")
    def properties(self) -> JSON:
        return JSON(
            {k: _json_safe(v) for k, v in sorted(self.row.props.items()) if k not in _HIDDEN}
        )

    @resolver(description="Direct edges to what this entity stands on.")
    async def upstream(
        self,
        info: Info,
        relations: list[Relation] | None = None,
        include_inferred: bool = True,
    ) -> list[Edge]:
        return await _adjacent(
            info, self.key, "up", relations, include_inferred, limits.DIRECT_EDGES_PER_ENTITY
        )

    @resolver(
        description="The licences this entity declares, normalised (SPDX id or LicenseRef, "
        "class), each term with the clause and URL it comes from."
    )
    async def license_info(self, info: Info) -> list[LicenceInfo]:
        return await _licence_info(info, self.row)

    @resolver(description="Direct edges from entities that stand on this one (see dependents).")
    async def downstream(
        self,
        info: Info,
        relations: list[Relation] | None = None,
        include_inferred: bool = True,
        first: int = limits.DEFAULT_PAGE_SIZE,
    ) -> list[Edge]:
        per_key = limits.page_size(first)
        return await _adjacent(info, self.key, "down", relations, include_inferred, per_key)


async def _licence_info(info: Info, row: EntityRow) -> list[LicenceInfo]:
    load_key = AdjacentKey(row.key, "up", frozenset({Rel.LICENSED_UNDER}), True, 10)
    edges = await info.context.loaders.adjacent.load(load_key)
    nodes = await info.context.loaders.entity.load_many([e.end for e in edges])
    found = {n.key: n for n in nodes if n is not None}
    return [LicenceInfo.from_declared(d) for d in declared(row, edges, found)]


async def _adjacent(
    info: Info,
    key: str,
    direction: str,
    relations: list[Relation] | None,
    include_inferred: bool,
    per_key: int,
) -> list[Edge]:
    rels = frozenset(relations) if relations else ALL_RELATIONS
    load_key = AdjacentKey(
        key, "up" if direction == "up" else "down", rels, include_inferred, per_key
    )
    return [Edge.from_row(e) for e in await info.context.loaders.adjacent.load(load_key)]


def common(row: EntityRow) -> dict[str, Any]:
    """The interface's fields, for the concrete types' converters."""
    return {
        "row": row,
        "key": row.key,
        "kind": row.label,
        "name": row.name,
        "url": row.text("page") or row.text("url"),
        "source": row.text("source"),
        "source_url": row.text("url"),
        "revision": row.text("revision"),
        "license": row.text("license"),
        "last_seen": row.text("fetched_at"),
        "last_run": row.text("fetched_run"),
        "status": EntityStatus.of(row.get("status")),
        "unresolved_reason": row.text("unresolved_reason"),
    }


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def str_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
