"""The two answers as the API and the CLI give them: read, then reason."""

from __future__ import annotations

from dataclasses import dataclass

from service.licensing import check as licence_check
from service.licensing.declared import Declared, declared
from service.licensing.mof import MofEstimate, estimate
from service.licensing.openness import (
    CLOSURE_RELATIONS,
    EntityOpenness,
    KindSummary,
    Verdict,
    closure,
    sentence,
    summarise,
    verdict,
)
from service.queries.licences import MAX_LINEAGE_DEPTH, load_licence_graph
from service.queries.openness import load_closure_licences
from service.queries.reader import Reader
from service.queries.rows import EntityRow, Truncation

DEFAULT_OPENNESS_DEPTH = 8


async def check_licences(
    reader: Reader, key: str, depth: int = MAX_LINEAGE_DEPTH
) -> licence_check.LicenceCheck | None:
    graph = await load_licence_graph(reader, key, depth)
    return licence_check.check(graph) if graph is not None else None


@dataclass(frozen=True)
class Openness:
    root: EntityRow
    declared: list[Declared]
    verdict: Verdict
    reason: str
    items: list[EntityOpenness]
    summary: list[KindSummary]
    sentence: str
    mof: MofEstimate
    truncation: Truncation | None


async def assess_openness(
    reader: Reader, key: str, depth: int = DEFAULT_OPENNESS_DEPTH
) -> Openness | None:
    found = await load_closure_licences(reader, key, depth, CLOSURE_RELATIONS)
    if found is None:
        return None
    root = found.lineage.root
    ours = declared(root, found.licence_edges.get(root.key, []), found.licence_nodes)
    items = closure(found.lineage, found.licence_edges, found.licence_nodes)
    summary = summarise(items)
    v, reason = verdict(root, ours)
    return Openness(
        root=root,
        declared=ours,
        verdict=v,
        reason=reason,
        items=items,
        summary=summary,
        sentence=sentence(root.name, summary),
        mof=estimate(root, ours, items),
        truncation=found.lineage.truncation,
    )
