"""arXiv Atom feeds, parsed with the standard library into typed entries.

Error answers are Atom too: an entry whose ``<id>`` is ``http(s)://arxiv.org/api/errors#...``
is the API refusing the query (e.g. a malformed id), not a paper.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from schema.keys import split_arxiv

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ERROR_ID = re.compile(r"^https?://arxiv\.org/api/errors")


class FeedError(ValueError):
    """The body is not an arXiv Atom feed."""


@dataclass(frozen=True)
class Entry:
    arxiv_id: str  # without version: 2412.19437
    version: str | None  # v2
    title: str
    summary: str
    authors: tuple[str, ...]
    published: str | None  # first version
    updated: str | None  # this version
    categories: tuple[str, ...]
    primary_category: str | None
    doi: str | None
    comment: str | None
    journal_ref: str | None
    abs_url: str | None


@dataclass(frozen=True)
class Feed:
    entries: tuple[Entry, ...]
    errors: tuple[str, ...]  # summaries of error entries
    total_results: int | None


def parse_feed(body: bytes | str) -> Feed:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedError(f"not XML: {exc}") from exc
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise FeedError(f"not an Atom feed (root element {root.tag!r})")
    entries: list[Entry] = []
    errors: list[str] = []
    for node in root.findall("atom:entry", _NS):
        entry_id = _text(node, "atom:id")
        if _ERROR_ID.match(entry_id):
            errors.append(_text(node, "atom:summary") or entry_id)
        else:
            try:
                entries.append(_entry(node, entry_id))
            except ValueError:
                errors.append(f"unreadable entry id {entry_id!r}")
    total = _text(root, "opensearch:totalResults")
    return Feed(tuple(entries), tuple(errors), int(total) if total.isdigit() else None)


def _entry(node: ET.Element, entry_id: str) -> Entry:
    arxiv_id, version = split_arxiv(entry_id)
    primary = node.find("arxiv:primary_category", _NS)
    alternate = next(
        (
            link.get("href")
            for link in node.findall("atom:link", _NS)
            if link.get("rel") == "alternate"
        ),
        None,
    )
    return Entry(
        arxiv_id=arxiv_id,
        version=version,
        title=_text(node, "atom:title"),
        summary=_text(node, "atom:summary"),
        authors=tuple(_text(a, "atom:name") for a in node.findall("atom:author", _NS)),
        published=_text(node, "atom:published") or None,
        updated=_text(node, "atom:updated") or None,
        categories=tuple(c.get("term", "") for c in node.findall("atom:category", _NS)),
        primary_category=primary.get("term") if primary is not None else None,
        doi=_text(node, "arxiv:doi") or None,
        comment=_text(node, "arxiv:comment") or None,
        journal_ref=_text(node, "arxiv:journal_ref") or None,
        abs_url=alternate,
    )


def _text(node: ET.Element, path: str) -> str:
    found = node.find(path, _NS)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())  # the legacy format hard-wraps titles and abstracts
