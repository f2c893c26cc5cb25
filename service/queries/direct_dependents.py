"""A page of direct dependents: a top-k over their keys, or an ordered key-index scan.

A page of the direct dependents of a small root is one top-k over every dependent's key.
A Hub-scale base (57 000 fine-tunes) makes that read 57 000 key strings for 20 of them,
so above ``SCAN_MIN_DEGREE`` the page walks instead the dependents' own key indexes
(``Model.key`` ...) in key order from the cursor and keeps the entities with an edge
into the root: about ``page * entities / degree`` index entries, a few hundred for one
model in nine. Degrees per relation type come from Neo4j's relationship groups (no
relationship is read), and each scan is capped so that a root whose dependents of one
label are rare falls back to the top-k, costing what it did before plus the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schema.vocabulary import ENTITY, REL_ENDPOINTS, Label, Rel
from service.queries.filters import EdgeFilter
from service.queries.reader import ReadTx
from service.queries.rows import Dependent

#: Direct dependents (relationships in, of the chosen types) from which a page scans the
#: key indexes instead of ordering every dependent's key.
SCAN_MIN_DEGREE = 2_000
#: A scan reads at most this many times the index entries the degree predicts ...
SCAN_SLACK = 8
#: ... and never fewer than this (a scan entry costs about a microsecond; a fallback, the top-k).
SCAN_MIN_CAP = 2_000


@dataclass(frozen=True)
class DirectPage:
    rows: list[Dependent]  # up to ``limit``, in key order
    found: bool  # False: no such root


def _relations(flt: EdgeFilter) -> str:
    return (
        f"CALL (a, b) {{ MATCH (b)-[r:{flt.types}]->(a) WHERE {flt.where} "
        f"RETURN collect(DISTINCT {flt.rel}) AS rels }} "
    )


def _head(flt: EdgeFilter) -> str:
    """The root, its degree per relation type, and the top-k page when the degree is small.

    One round trip either way: the top-k subquery runs only below ``$scan_min_degree``.
    ``b`` has no label test: only entities have edges into an entity, and the test costs
    a node read per dependent.
    """
    types = sorted(Rel(r).value for r in flt.relations)
    degrees = ", ".join(f"{t}: COUNT {{ (a)<-[:{t}]-() }}" for t in types)
    return (
        f"MATCH (a:{ENTITY} {{key: $root}}) "
        f"WITH a, {{{degrees}}} AS degrees "
        "WITH a, degrees, reduce(s = 0, d IN [t IN keys(degrees) | degrees[t]] | s + d) AS degree "
        "CALL (a, degree) { WITH a WHERE degree < $scan_min_degree "
        f"MATCH (a)<-[r:{flt.types}]-(b) "
        f"WHERE {flt.where} AND b <> a AND b.key > $after "
        "WITH DISTINCT a, b WITH a, b, b.key AS key ORDER BY key LIMIT $limit "
        + _relations(flt)
        + "RETURN collect([key, elementId(b), rels]) AS rows } "
        # Entities per label, for the scan's caps: counts of a label alone come from the
        # count store (no node is read).
        + " ".join(
            f"CALL () {{ MATCH (n:{x.value}) RETURN count(n) AS n{x.value} }}" for x in Label
        )
        + " RETURN elementId(a) AS id, labels(a) AS labels, degrees, degree, rows, {"
        + ", ".join(f"{x.value}: n{x.value}" for x in Label)
        + "} AS sizes"
    )


def _scan(flt: EdgeFilter, labels: list[Label]) -> str:
    """Per label, its key index in order from ``$after``, up to ``$caps[i]`` entries,
    keeping the first ``$limit`` with a kept edge into the root."""
    parts = ["MATCH (a) WHERE elementId(a) = $id "]
    for i, label in enumerate(labels):
        parts.append(
            f"CALL (a) {{ MATCH (b:{label.value}) USING INDEX b:{label.value}(key) "
            "WHERE b.key > $after "
            f"WITH a, b ORDER BY b.key LIMIT $caps[{i}] "
            f"WITH a, b WHERE b <> a AND EXISTS {{ MATCH (b)-[r:{flt.types}]->(a) "
            f"WHERE {flt.where} }} "
            "WITH a, b LIMIT $limit "
            + _relations(flt)
            + f"RETURN collect([b.key, elementId(b), rels]) AS rows{i} }} "
        )
    parts.append("RETURN [" + ", ".join(f"rows{i}" for i in range(len(labels))) + "] AS rows")
    return "".join(parts)


def scan_labels(
    root_labels: list[str], degrees: dict[str, int], flt: EdgeFilter
) -> dict[Label, int]:
    """Labels a dependent may carry, each with the degree its relation types allow (an upper
    bound: a type may start at several labels)."""
    ends = {x for x in root_labels}
    found: dict[Label, int] = {}
    for rel in flt.relations:
        starts, stops = REL_ENDPOINTS[Rel(rel)]
        if not ends & {x.value for x in stops} or not degrees.get(Rel(rel).value):
            continue
        for label in starts:
            if flt.kinds is None or label in flt.kinds:
                found[label] = found.get(label, 0) + int(degrees[Rel(rel).value])
    return found


def _rows(raw: list[Any], root_key: str) -> list[Dependent]:
    return [
        Dependent(str(key), 1, root_key, tuple(sorted(Rel(x) for x in rels)), str(element_id))
        for key, element_id, rels in raw
    ]


async def direct_page(
    tx: ReadTx,
    root_key: str,
    flt: EdgeFilter,
    after: str,
    limit: int,
    scan_min_degree: int = SCAN_MIN_DEGREE,
) -> DirectPage:
    """The first ``limit`` direct dependents with a key after ``after``, in key order."""
    if flt.as_of is not None:
        # Degrees count today's edges, not the history an as-of answer reads: the top-k.
        scan_min_degree = 1 << 62
    params = flt.params()
    head = await tx.rows(
        _head(flt),
        root=root_key,
        after=after,
        limit=limit,
        scan_min_degree=scan_min_degree,
        **params,
    )
    if not head:
        return DirectPage([], found=False)
    [row] = head
    if int(row["degree"]) < scan_min_degree:
        return DirectPage(_rows(row["rows"], root_key), found=True)
    by_label = scan_labels(list(row["labels"]), dict(row["degrees"]), flt)
    labels = sorted(by_label)
    if labels:
        caps = [
            max(SCAN_MIN_CAP, SCAN_SLACK * limit * int(row["sizes"][x.value]) // by_label[x])
            for x in labels
        ]
        per_label = await tx.table(
            _scan(flt, labels), id=row["id"], after=after, limit=limit, caps=caps, **params
        )
        # A label whose scan found fewer than ``limit`` ran out of entities or hit its cap;
        # the page cannot tell which, so it falls back to the top-k below.
        if all(len(found) >= limit for found in per_label):
            merged = sorted((r for found in per_label for r in found), key=lambda r: str(r[0]))
            return DirectPage(_rows(merged[:limit], root_key), found=True)
    rows = await tx.rows(
        _head(flt), root=root_key, after=after, limit=limit, scan_min_degree=1 << 62, **params
    )
    return DirectPage(_rows(rows[0]["rows"], root_key) if rows else [], found=bool(rows))
