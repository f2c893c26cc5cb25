"""Typed rows the queries return: what the graph stores, grouped as the API shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schema.keys import label_of
from schema.vocabulary import Label, Method, Rel


@dataclass(frozen=True)
class EntityRow:
    key: str
    label: Label
    props: Mapping[str, Any]

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> EntityRow:
        key = str(props["key"])
        return cls(key=key, label=label_of(key), props=dict(props))

    def get(self, name: str) -> Any:
        return self.props.get(name)

    def text(self, name: str) -> str | None:
        value = self.props.get(name)
        return None if value is None else str(value)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.key)


@dataclass(frozen=True)
class AssertionRow:
    """One relationship in the graph: one source saying one thing."""

    assertion: str
    source: str
    url: str | None
    revision: str | None
    fetched_at: str | None
    run_id: str | None
    method: Method
    confidence: float
    field: str | None
    value: str | None
    detail: str | None
    first_seen: str | None = None  # when this lifetime began (older edges: fetched_at)
    last_seen: str | None = None
    retracted_at: str | None = None  # set on history (a RETRACTED edge)

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> AssertionRow:
        def opt(name: str) -> str | None:
            value = p.get(name)
            return None if value is None else str(value)

        method = Method.INFERRED if p.get("method") == Method.INFERRED.value else Method.DECLARED
        confidence = p.get("confidence")
        return cls(
            assertion=str(p.get("assertion") or ""),
            source=str(p.get("source") or ""),
            url=opt("url"),
            revision=opt("revision"),
            fetched_at=opt("fetched_at"),
            run_id=opt("run_id"),
            method=method,
            confidence=1.0 if confidence is None else float(confidence),
            field=opt("evidence_field"),
            value=opt("evidence_value"),
            detail=opt("detail"),
            first_seen=opt("first_seen") or opt("fetched_at"),
            last_seen=opt("last_seen") or opt("fetched_at"),
            retracted_at=opt("retracted_at"),
        )


@dataclass(frozen=True)
class EdgeRow:
    """All current assertions of one relation from ``start`` to ``end``: one API edge."""

    start: str
    rel: Rel
    end: str
    assertions: tuple[AssertionRow, ...]

    @property
    def id(self) -> tuple[str, Rel, str]:
        return (self.start, self.rel, self.end)

    @property
    def method(self) -> Method:
        # Declared if any source declares it; inferred only when every assertion is.
        if any(a.method is Method.DECLARED for a in self.assertions):
            return Method.DECLARED
        return Method.INFERRED

    @property
    def confidence(self) -> float:
        return max((a.confidence for a in self.assertions), default=0.0)

    @classmethod
    def from_record(cls, start: str, rel: str, end: str, assertions: list[Any]) -> EdgeRow:
        return cls(
            start=start,
            rel=Rel(rel),
            end=end,
            assertions=tuple(AssertionRow.from_props(a) for a in assertions),
        )


@dataclass(frozen=True)
class LineageNode:
    entity: EntityRow
    distance: int
    via: EdgeRow | None  # the edge that first reached it; None for the root


@dataclass(frozen=True)
class Truncation:
    """What a walk left out when its budget ran out."""

    reason: str  # "nodes" | "edges"
    at_depth: int
    omitted_nodes: int  # entities found at ``at_depth`` but not kept
    omitted_edges: int  # edges found at ``at_depth`` but not kept
    omitted_frontier: int  # kept entities whose own upstream was not walked
    node_budget: int
    edge_budget: int


@dataclass(frozen=True)
class Lineage:
    root: EntityRow
    max_depth: int
    nodes: list[LineageNode]
    edges: list[EdgeRow]
    truncation: Truncation | None = None


@dataclass(frozen=True)
class Dependent:
    key: str
    distance: int
    through: str  # the entity one step nearer the root that it stands on
    relations: tuple[Rel, ...]
    element_id: str  # Neo4j's, valid in the one read transaction: the next frontier


@dataclass(frozen=True)
class Dependents:
    root: EntityRow
    items: list[Dependent]  # ordered by (distance, key)
    by_relation: dict[Rel, int]
    truncated: bool


@dataclass(frozen=True)
class Explanation:
    start: EntityRow
    end: EntityRow
    chains: list[list[EdgeRow]]
    truncated: bool


@dataclass(frozen=True)
class SearchHit:
    entity: EntityRow
    score: float


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int  # counted within the search window
    offset: int


@dataclass(frozen=True)
class RunRow:
    props: Mapping[str, Any] = field(default_factory=dict)
