"""arXiv entries -> records. Pure: no I/O, tested on recorded feeds.

A paper node is keyed without its version (the version is the revision). arXiv has
no reference lists (Semantic Scholar supplies CITES); what an entry can add is the
paper's code: a GitHub link in the comment or abstract ("code at github.com/...")
becomes Paper -HAS_CODE-> Repository, inferred, with the sentence as evidence.
"""

from __future__ import annotations

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
)
from ingest.sources.arxiv.payloads import Entry
from ingest.sources.base import Follow, Mapped
from ingest.sources.links import find_repos
from schema import keys
from schema.vocabulary import Label, Method, Rel

# A link in the abstract or the author's comment is the authors' own pointer, but a
# paper may also link code it only uses or compares against.
LINK_CONFIDENCE = 0.8


def map_entry(entry: Entry, prov: Provenance) -> Mapped:
    key = keys.arxiv(entry.arxiv_id)
    aliases = [entry.arxiv_id] + ([entry.doi] if entry.doi else [])
    props: dict[str, PropValue] = {
        "arxiv_id": entry.arxiv_id,
        "title": entry.title,
        "abstract": entry.summary,
        "authors": list(entry.authors),
        "published": entry.published,
        "updated": entry.updated,
        "version": entry.version,
        "categories": list(entry.categories),
        "primary_category": entry.primary_category,
        "doi": entry.doi,
        "comment": entry.comment,
        "journal_ref": entry.journal_ref,
        "abs_url": entry.abs_url,
        "aliases": aliases,
    }
    out = Mapped()
    out.batch.nodes.append(NodeRecord(key, Label.PAPER, entry.title, props, prov))
    seen: set[str] = set()
    for field_name, text in (("arxiv:comment", entry.comment), ("summary", entry.summary)):
        for link in find_repos(text or ""):
            if link.key in seen:
                continue
            seen.add(link.key)
            evidence = Evidence(field_name, link.snippet, Method.INFERRED, LINK_CONFIDENCE)
            out.batch.edges.append(
                EdgeRecord(
                    Rel.HAS_CODE,
                    key,
                    link.key,
                    prov,
                    evidence,
                    detail=link.url,
                    end_name=keys.parse(link.key).name,
                )
            )
            out.follow.append(Follow(link.key, Rel.HAS_CODE))
    return out
