"""What an export is made of: one ``standsOn`` walk, and the ingest runs behind its facts.

The walk is the API's own (``service.queries.walk``), in the same read transaction as
the runs, so a document never mixes two states of the graph. The ETag is a digest of
what the document says: every entity's revision and every assertion with its run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schema.vocabulary import OpsLabel
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EdgeRow, EntityRow, Lineage
from service.queries.walk import Budget, walk_upstream

_RUNS = (
    f"UNWIND $ids AS id MATCH (r:{OpsLabel.INGEST_RUN.value} {{run_id: id}}) "
    "RETURN collect(properties(r)) AS rows"
)


@dataclass(frozen=True)
class ExportSource:
    """A lineage with the IngestRun nodes (run id -> properties) its facts came from."""

    lineage: Lineage
    runs: Mapping[str, Mapping[str, Any]]

    @property
    def root(self) -> EntityRow:
        return self.lineage.root

    @property
    def entities(self) -> dict[str, EntityRow]:
        return {n.entity.key: n.entity for n in self.lineage.nodes}

    @property
    def edges(self) -> list[EdgeRow]:
        """Edges between entities of the answer, in a stable order."""
        keys = self.entities
        found = [e for e in self.lineage.edges if e.start in keys and e.end in keys]
        return sorted(found, key=lambda e: (e.start, e.rel.value, e.end))

    @property
    def timestamp(self) -> str:
        """When the newest fact in the document was fetched: stable for unchanged data."""
        times = [a.fetched_at for e in self.lineage.edges for a in e.assertions if a.fetched_at]
        times += [
            str(n.entity.get("fetched_at"))
            for n in self.lineage.nodes
            if n.entity.get("fetched_at")
        ]
        return max(times, default="1970-01-01T00:00:00+00:00")

    @property
    def etag(self) -> str:
        return lineage_etag(self.lineage)


def run_ids(lineage: Lineage) -> list[str]:
    ids = {a.run_id for e in lineage.edges for a in e.assertions if a.run_id}
    ids |= {str(n.entity.get("fetched_run")) for n in lineage.nodes if n.entity.get("fetched_run")}
    return sorted(ids)


def lineage_etag(lineage: Lineage) -> str:
    """A strong validator: changes when any entity's revision or any assertion changes."""
    digest = hashlib.sha256()
    digest.update(f"{lineage.root.key}\x1e{lineage.max_depth}\x1e".encode())
    for n in sorted(lineage.nodes, key=lambda n: n.entity.key):
        e = n.entity
        node = (e.key, e.text("revision"), e.text("fetched_at"), e.text("status"))
        digest.update(("\x1f".join(str(f) for f in node) + "\x1e").encode())
    for edge in sorted(lineage.edges, key=lambda e: e.id):
        for a in edge.assertions:
            fields = (edge.start, edge.rel.value, edge.end, a.assertion, a.run_id, a.fetched_at)
            digest.update(("\x1f".join(str(f) for f in fields) + "\x1e").encode())
    truncation = lineage.truncation
    digest.update(repr(truncation).encode())
    return '"' + digest.hexdigest()[:32] + '"'


async def read_source(
    tx: ReadTx, key: str, depth: int, flt: EdgeFilter, budget: Budget
) -> ExportSource | None:
    lineage = await walk_upstream(tx, key, depth, flt, budget)
    if lineage is None:
        return None
    rows = await tx.table(_RUNS, ids=run_ids(lineage))
    return ExportSource(lineage, {str(r["run_id"]): dict(r) for r in rows})


async def export_source(
    reader: Reader, key: str, depth: int, flt: EdgeFilter, budget: Budget
) -> ExportSource | None:
    """The walk and its runs in one read transaction; None when there is no such entity."""

    async def work(tx: ReadTx) -> ExportSource | None:
        return await read_source(tx, key, depth, flt, budget)

    return await reader.read(work)
