"""Semantic Scholar payloads -> records. Pure: no I/O, tested on recorded payloads.

One entity, one node: a paper S2 knows an arXiv id for is keyed ``arxiv:<id>``
(the node the arXiv source fetches); otherwise by DOI, otherwise by S2 paperId.
References S2 could not resolve to any id are counted, not invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
)
from ingest.sources.base import Follow, Mapped
from ingest.sources.s2.payloads import Paper, Reference
from schema import keys
from schema.vocabulary import Label, Method, Rel

# S2 resolves references by parsing PDFs; a small share point at the wrong paper.
REFERENCE_CONFIDENCE = 0.9


@dataclass
class ReferencesMapped(Mapped):
    unresolved: int = 0  # references without any usable id


def s2_id(key: str) -> str:
    """Our key -> the id form the Graph API accepts."""
    parsed = keys.parse(key)
    if parsed.kind == "arxiv":
        return "ARXIV:" + parsed.id
    if parsed.kind == "doi":
        return "DOI:" + parsed.id
    if parsed.kind == "s2":
        return parsed.id
    raise keys.KeyError_(f"not a paper key: {key!r}")


def paper_key(paper: Paper) -> str | None:
    for name, build in (("ArXiv", keys.arxiv), ("DOI", keys.doi)):
        value = paper.external(name)
        if value:
            try:
                return build(value)
            except keys.KeyError_:
                continue
    if paper.paperId:
        try:
            return keys.s2(paper.paperId)
        except keys.KeyError_:
            return None
    return None


def map_paper(key: str, paper: Paper, prov: Provenance) -> NodeRecord:
    """A paper fetched from S2 itself (one without an arXiv id)."""
    props: dict[str, PropValue] = {
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "published": paper.publicationDate,
        "authors": [a.name for a in paper.authors or [] if a.name],
        "s2_paper_id": paper.paperId,
        "doi": paper.external("DOI"),
        "arxiv_id": paper.external("ArXiv"),
        "corpus_id": paper.external("CorpusId"),
    }
    name = paper.title or keys.parse(key).name
    return NodeRecord(key, Label.PAPER, name, props, prov)


def map_references(citing: str, references: list[Reference], prov: Provenance) -> ReferencesMapped:
    out = ReferencesMapped()
    seen: set[str] = set()
    for ref in references:
        cited = paper_key(ref.citedPaper)
        if cited is None:
            out.unresolved += 1
            continue
        if cited == citing or cited in seen:
            continue
        seen.add(cited)
        title = ref.citedPaper.title or cited
        evidence = Evidence("references", title, Method.DECLARED, REFERENCE_CONFIDENCE)
        out.batch.edges.append(
            EdgeRecord(Rel.CITES, citing, cited, prov, evidence, detail=_how(ref), end_name=title)
        )
        out.follow.append(Follow(cited, Rel.CITES))
    return out


def _how(ref: Reference) -> str | None:
    """S2's view of the citation: ``influential; intents=methodology,background``."""
    parts = []
    if ref.isInfluential is not None:
        parts.append("influential" if ref.isInfluential else "not influential")
    if ref.intents:
        parts.append("intents=" + ",".join(ref.intents))
    return "; ".join(parts) or None
