"""References of papers from Semantic Scholar, whichever source owns the paper keys.

For ``arxiv:`` papers (owned by the arXiv source) the crawler asks the s2 source to
add their references right after arXiv re-read them: one ``/paper/batch`` call for
the whole batch (which papers S2 knows), then the reference pages of each known
paper. Results carry ``source="s2"``, so the report counts them under S2 and a later
run that re-reads them withdraws only S2's edges.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pydantic import ValidationError

from ingest.http import HttpError, NotFound, RateLimited
from ingest.sources.base import FetchResult, Stamp
from ingest.sources.s2.client import SERVICE, S2Client
from ingest.sources.s2.mapper import map_references, s2_id
from ingest.sources.s2.payloads import Paper, Reference

#: For papers whose metadata comes from elsewhere, the batch only has to say "known".
PRESENCE_FIELDS = "title"


def references_of(
    keys_: Sequence[str],
    client: S2Client,
    stamp: Stamp,
    known: Mapping[str, Paper | None] | None = None,
) -> Iterator[FetchResult]:
    """One FetchResult per key: its CITES edges, or why there are none.

    Without ``known``, one batch call first tells which papers S2 knows, so unknown
    ones cost no reference request. If that call fails (not for a rate limit), every
    paper is asked for directly: a 404 then says "unknown" just as well.
    """
    ordered = sorted(keys_)  # a stable request body, whatever order the crawl reached them
    if known is None:
        try:
            known = _presence(ordered, client)
        except RateLimited as exc:  # asking per paper would only make it worse
            for key in ordered:
                yield FetchResult(key, error=f"Semantic Scholar: {exc}", source=SERVICE)
            return
    for key in ordered:
        if key in known and known[key] is None:
            yield FetchResult(key, source=SERVICE, warnings=[f"{key}: unknown to Semantic Scholar"])
            continue
        yield _references(key, client, stamp)


def _presence(ordered: list[str], client: S2Client) -> dict[str, Paper | None]:
    try:
        _, papers = client.batch([s2_id(k) for k in ordered], PRESENCE_FIELDS)
    except RateLimited:
        raise
    except (HttpError, ValidationError, ValueError):
        return {}
    return dict(zip(ordered, papers, strict=True))


def _references(key: str, client: S2Client, stamp: Stamp) -> FetchResult:
    references: list[Reference] = []
    url = ""
    try:
        for url_, page in client.references(s2_id(key)):
            url = url or url_
            references.extend(page.data)
    except NotFound:
        return FetchResult(key, source=SERVICE, warnings=[f"{key}: unknown to Semantic Scholar"])
    except (HttpError, ValidationError) as exc:
        return FetchResult(key, error=f"Semantic Scholar references: {exc}", source=SERVICE)
    mapped = map_references(key, references, stamp.provenance(SERVICE, url, None))
    warnings = (
        [f"{key}: {mapped.unresolved} references Semantic Scholar could not resolve"]
        if mapped.unresolved
        else []
    )
    return FetchResult(key, mapped.batch, mapped.follow, source=SERVICE, warnings=warnings)
