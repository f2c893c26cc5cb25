"""Typed records every source produces and the loader writes.

A ``NodeRecord`` with provenance is an entity a source fetched; without it, a
reference (``status='referenced'``) that only makes sure the node exists. An
``EdgeRecord`` is one assertion: one source saying, at one URL and revision, that
``start`` stands on ``end`` -- two sources (or two fields) saying the same thing
are two records with two assertion ids, and both are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from schema.keys import label_of
from schema.vocabulary import REL_ENDPOINTS, Label, Method, Rel

Scalar = str | int | float | bool | None
PropValue = Scalar | list[str] | list[int] | list[float]


class NodeStatus(StrEnum):
    RESOLVED = "resolved"  # fetched from its source
    REFERENCED = "referenced"  # named by another entity, not fetched (yet)
    UNRESOLVED = "unresolved"  # a fetch was tried and failed; ``unresolved_reason`` says why


@dataclass(frozen=True)
class Provenance:
    """Where and when a source said something."""

    source: str
    url: str
    revision: str | None
    fetched_at: str
    run_id: str


@dataclass(frozen=True)
class Evidence:
    """What, in the source, is the evidence for an edge, and how strong it is."""

    field: str
    value: str
    method: Method = Method.DECLARED
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")


@dataclass(frozen=True)
class NodeRecord:
    key: str
    label: Label
    name: str
    props: Mapping[str, PropValue] = field(default_factory=dict)
    provenance: Provenance | None = None
    status: NodeStatus = NodeStatus.RESOLVED
    reason: str | None = None

    def __post_init__(self) -> None:
        if label_of(self.key) is not self.label:
            raise ValueError(f"key {self.key!r} is not a {self.label}")
        if self.status is NodeStatus.RESOLVED and self.provenance is None:
            object.__setattr__(self, "status", NodeStatus.REFERENCED)


@dataclass(frozen=True)
class EdgeRecord:
    rel: Rel
    start: str
    end: str
    provenance: Provenance
    evidence: Evidence
    detail: str | None = None
    end_name: str | None = None  # display name for a referenced end node

    def __post_init__(self) -> None:
        starts, ends = REL_ENDPOINTS[self.rel]
        if label_of(self.start) not in starts or label_of(self.end) not in ends:
            raise ValueError(f"{self.rel} cannot join {self.start!r} -> {self.end!r}")

    @property
    def assertion(self) -> str:
        """Stable id: the same source saying the same thing in the same place."""
        parts = (
            self.provenance.source,
            self.start,
            self.rel.value,
            self.end,
            self.evidence.field,
            self.evidence.value,
        )
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


@dataclass
class RecordBatch:
    """Records written together in one transaction: all or nothing."""

    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)

    def extend(self, other: RecordBatch) -> None:
        self.nodes.extend(other.nodes)
        self.edges.extend(other.edges)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)
