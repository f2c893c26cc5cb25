"""Compare the graph's edges with the labels: precision, recall, every miss with evidence.

An edge counts as *asserted* when its confidence is at least ``MIN_CONFIDENCE``: below it,
an inferred edge is a hint that ``minConfidence`` filters out of the API's answers, and a
claim the card contradicts (copied front matter) is kept at a confidence below it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from neo4j import Driver

from bench.truth.labels import ARXIV_ID, HUB_ID, KINDS, REL_NAMES, RELATIONS, Gold, Labels
from bench.truth.labels import package_key as _package_key
from schema import keys
from schema.vocabulary import MODEL_LINEAGE, Rel

MIN_CONFIDENCE = 0.5
BANDS = ((0.9, 1.01), (0.75, 0.9), (0.5, 0.75), (0.0, 0.5))

_KIND_OF: dict[Rel, str] = {
    **{rel: "base" for rel in MODEL_LINEAGE},
    Rel.TRAINED_ON: "dataset",
    Rel.DESCRIBED_BY: "paper",
    Rel.MENTIONS_PAPER: "paper",
    Rel.USES_LIBRARY: "library",
    Rel.HAS_CODE: "code",
    Rel.LICENSED_UNDER: "license",
}


@dataclass(frozen=True)
class Edge:
    model: str
    rel: Rel
    end: str
    method: str
    confidence: float
    field: str
    value: str
    detail: str | None

    @property
    def kind(self) -> str:
        return _KIND_OF[self.rel]

    def describe(self) -> str:
        how = f"{self.method} {self.confidence:.2f}"
        detail = f"; {self.detail}" if self.detail else ""
        return f"{self.rel.value} -> {self.end} [{how}] {self.field}: {_clip(self.value)}{detail}"


@dataclass(frozen=True)
class Prediction:
    """One fact the graph asserts: every edge that says it, strongest first."""

    model: str
    kind: str
    target: str
    role: str
    edges: tuple[Edge, ...]

    @property
    def declared(self) -> bool:
        return any(e.method == "declared" for e in self.edges)

    @property
    def confidence(self) -> float:
        return max(e.confidence for e in self.edges)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Result:
    models: int = 0
    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_positives: list[tuple[Prediction, str]] = field(default_factory=list)
    false_negatives: list[tuple[Gold, str]] = field(default_factory=list)
    not_facts_asserted: list[tuple[str, str, str]] = field(default_factory=list)
    not_facts_checked: int = 0
    not_facts_unchecked: list[tuple[str, str, str]] = field(default_factory=list)
    stale_edges: list[Edge] = field(default_factory=list)
    unscored: list[tuple[str, str, str]] = field(default_factory=list)
    bands: dict[tuple[float, float], Tally] = field(default_factory=lambda: defaultdict(Tally))
    versions: Tally = field(default_factory=Tally)
    version_misses: list[tuple[Gold, str]] = field(default_factory=list)

    def tally(self, kind: str, scope: str) -> Tally:
        return self.tallies[(kind, scope)]

    def total(
        self, kinds: Iterable[str] = KINDS, scopes: Iterable[str] = ("declared", "prose")
    ) -> Tally:
        out = Tally()
        for kind in kinds:
            for scope in scopes:
                t = self.tallies.get((kind, scope))
                if t:
                    out.tp, out.fp, out.fn = out.tp + t.tp, out.fp + t.fp, out.fn + t.fn
        return out


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def read_edges(driver: Driver, database: str, model_keys: list[str]) -> dict[str, list[Edge]]:
    records, _, _ = driver.execute_query(
        "MATCH (m:Entity)-[r]->(n:Entity) WHERE m.key IN $keys AND type(r) <> 'RETRACTED' "
        "RETURN m.key AS model, type(r) AS rel, n.key AS end, r.method AS method, "
        "r.confidence AS confidence, r.evidence_field AS field, r.evidence_value AS value, "
        "r.detail AS detail",
        keys=model_keys,
        database_=database,
    )
    out: dict[str, list[Edge]] = defaultdict(list)
    for r in records:
        rel = Rel(r["rel"])
        if rel not in _KIND_OF:
            continue
        out[r["model"]].append(
            Edge(
                r["model"],
                rel,
                r["end"],
                r["method"] or "declared",
                float(r["confidence"] if r["confidence"] is not None else 1.0),
                r["field"] or "",
                r["value"] or "",
                r["detail"],
            )
        )
    return out


def predictions(model: str, edges: list[Edge]) -> list[Prediction]:
    """Edges grouped into the facts they state (two edges saying one thing are one fact)."""
    grouped: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    papers: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        if e.confidence < MIN_CONFIDENCE:
            continue
        if e.kind == "paper":
            papers[e.end.lower()].append(e)
        elif e.kind == "base":
            grouped[("base", e.end.lower(), REL_NAMES[e.rel])].append(e)
        else:
            grouped[(e.kind, e.end.lower(), "")].append(e)
    for target, paper_edges in papers.items():
        own = any(e.rel is Rel.DESCRIBED_BY for e in paper_edges)
        grouped[("paper", target, "own" if own else "linked")] = paper_edges
    return [
        Prediction(model, kind, target, role, tuple(sorted(es, key=lambda e: -e.confidence)))
        for (kind, target, role), es in grouped.items()
    ]


def _matches(gold: Gold, p: Prediction) -> bool:
    if gold.kind != p.kind or gold.target.lower() != p.target:
        return False
    if gold.kind == "base":
        return any(e.rel in RELATIONS[gold.role] for e in p.edges)
    if gold.kind == "paper":
        return gold.role == p.role
    return True


def score(labels: list[Labels], edges: dict[str, list[Edge]]) -> Result:
    result = Result(models=len(labels))
    for lab in labels:
        me = keys.hf_model(lab.model)
        found = predictions(lab.model, edges.get(me, []))
        matched: set[int] = set()
        for g in lab.gold:
            scope = "declared" if g.declared else "prose"
            hit = next((i for i, p in enumerate(found) if _matches(g, p)), None)
            if hit is None:
                result.tally(g.kind, scope).fn += 1
                near = [p for p in found if p.kind == g.kind and p.target == g.target.lower()]
                why = f"graph says {near[0].role or 'it'} instead" if near else "no edge"
                result.false_negatives.append((g, why))
                continue
            matched.add(hit)
            result.tally(g.kind, scope).tp += 1
            if g.kind == "library" and g.version:
                _check_version(result, g, found[hit])
        for i, p in enumerate(found):
            if i in matched:
                continue
            # A second relation to a labelled base (or a second role) is wrong, not new.
            scope = "declared" if p.declared else "prose"
            result.tally(p.kind, scope).fp += 1
            result.false_positives.append((p, _why_wrong(lab, p)))
        for e in edges.get(me, []):
            if e.method == "declared" and e.confidence >= 1.0:
                continue  # bands are about inferred (or contradicted) claims
            band = next(b for b in BANDS if b[0] <= e.confidence < b[1])
            if _edge_right(lab, e):
                result.bands[band].tp += 1
            else:
                result.bands[band].fp += 1
        stale = {k.lower() for g in lab.gold for k in g.stale}
        result.stale_edges += [e for e in edges.get(me, []) if e.end.lower() in stale]
        _check_not_facts(result, lab, found)
        result.unscored += [(lab.model, kind, text) for kind, text in lab.unscored]
    return result


def _edge_right(lab: Labels, e: Edge) -> bool:
    """Does this one edge, alone, state a labelled fact?"""
    if e.kind == "base":
        role = REL_NAMES[e.rel]
    elif e.kind == "paper":
        role = "own" if e.rel is Rel.DESCRIBED_BY else "linked"
    else:
        role = ""
    p = Prediction(lab.model, e.kind, e.end.lower(), role, (e,))
    return any(_matches(g, p) for g in lab.gold)


def _why_wrong(lab: Labels, p: Prediction) -> str:
    same = [g for g in lab.gold if g.kind == p.kind and g.target.lower() == p.target]
    if same:
        return f"labelled {same[0].role or 'with another role'}"
    for n in lab.not_facts:
        if p.target.split(":", 2)[-1] in n.value.lower():
            return f"not_fact: {n.why}"
    return "not in the labels"


def _check_version(result: Result, g: Gold, p: Prediction) -> None:
    text = " ".join(f"{e.detail or ''} {e.value}" for e in p.edges)
    if g.version and re.search(rf"(?<![\w.]){re.escape(g.version)}(?![\w])", text):
        result.versions.tp += 1
    else:
        result.versions.fn += 1
        result.version_misses.append((g, _clip(text, 120)))


def _ids(value: str) -> list[str]:
    return [m.strip(".,;:()") for m in HUB_ID.findall(value)]


def _glob(pattern: str, key_tail: str) -> bool:
    regex = "^" + re.escape(pattern.lower()).replace(r"\*", ".*") + "$"
    return re.match(regex, key_tail.lower()) is not None


def _check_not_facts(result: Result, lab: Labels, found: list[Prediction]) -> None:
    for n in lab.not_facts:
        hits = _not_fact_hits(n.kind, n.value, found)
        if hits is None:
            result.not_facts_unchecked.append((lab.model, n.kind, n.value))
            continue
        result.not_facts_checked += 1
        for p in hits:
            result.not_facts_asserted.append(
                (lab.model, f"{n.kind}: {n.value}", f"{p.kind} {p.target} ({p.role or '-'})")
            )


def tail(p: Prediction) -> str:
    return p.target.split(":", 2)[-1]


def _not_fact_hits(kind: str, value: str, found: list[Prediction]) -> list[Prediction] | None:
    """The predictions a not_fact forbids, or None when it cannot be checked mechanically."""
    lowered = value.lower()
    if kind == "declared_base":
        bases = [p for p in found if p.kind == "base" and p.declared]
        if lowered.startswith("any"):
            return bases
        ids = _ids(value)
        return [p for p in bases if any(_glob(i, tail(p)) for i in ids)] if ids else None
    if kind == "relation":
        name = lowered.split()[0]
        rels = RELATIONS.get(name)
        if rels is None:
            return None
        return [p for p in found if p.kind == "base" and any(e.rel in rels for e in p.edges)]
    if kind in ("base_model", "dataset", "code"):
        want = {"base_model": "base", "dataset": "dataset", "code": "code"}[kind]
        ids = _ids(value)
        if not ids:
            return None
        return [p for p in found if p.kind == want and any(_glob(i, tail(p)) for i in ids)]
    if kind == "paper":
        papers = [p for p in found if p.kind == "paper"]
        if "doi:" in lowered:
            return []
        if " own paper" in lowered:
            own = [p for p in papers if p.role == "own"]
            if "any tag" in lowered:
                return own
            return [p for p in own if tail(p) in ARXIV_ID.findall(value)]
        if lowered.startswith("any arxiv"):
            return papers
        ids = ARXIV_ID.findall(value)
        return [p for p in papers if tail(p) in ids] if ids else None
    if kind == "library":
        names = [_package_key(re.sub(r"\(.*?\)", "", v)) for v in value.split(",")]
        wanted = {n for n in names if n}
        return [p for p in found if p.kind == "library" and p.target in wanted]
    if kind == "license":
        try:
            key = keys.license_(value.split()[0])
        except keys.KeyError_:
            return None
        return [p for p in found if p.kind == "license" and p.target == key]
    return None
