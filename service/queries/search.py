"""``search``: full text over entity names, keys and aliases (the ``entity_search`` index).

User text never reaches Lucene's query parser raw: every special character is
escaped and the operator words lower-cased, so ``foo) OR key:*`` is just words.
"""

from __future__ import annotations

import re

from schema.constraints import FULLTEXT_INDEX
from schema.vocabulary import Label
from service import limits
from service.queries.reader import Reader, ReadTx
from service.queries.rows import EntityRow, SearchHit, SearchPage

_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def escape_term(term: str) -> str:
    term = _SPECIAL.sub(r"\\\1", term)
    return term.lower() if term in _OPERATORS else term


def lucene_query(text: str) -> str | None:
    """Exact phrase first, then all words, then any word; None when nothing is left."""
    terms = [escape_term(t) for t in text.split() if t.strip()]
    if not terms:
        return None
    phrase = '"' + " ".join(terms) + '"'
    if len(terms) == 1:
        return f"{phrase}^4 OR {terms[0]}"
    return f"{phrase}^4 OR ({' AND '.join(terms)})^2 OR ({' '.join(terms)})"


_SEARCH = (
    "CALL db.index.fulltext.queryNodes($index, $query, {limit: $window}) YIELD node, score "
    "WHERE $kinds IS NULL OR any(l IN labels(node) WHERE l IN $kinds) "
    "WITH node, score ORDER BY score DESC, node.key "
    "WITH collect({props: properties(node), score: score}) AS hits "
    "RETURN size(hits) AS total, hits[$offset..$offset + $first] AS page"
)


async def search_entities(
    tx: ReadTx, text: str, kinds: frozenset[Label] | None, first: int, offset: int
) -> SearchPage:
    query = lucene_query(text)
    if query is None:
        return SearchPage([], 0, offset)
    rows = await tx.rows(
        _SEARCH,
        index=FULLTEXT_INDEX,
        query=query,
        window=limits.SEARCH_WINDOW,
        kinds=None if kinds is None else sorted(k.value for k in kinds),
        offset=offset,
        first=first,
    )
    row = rows[0]
    hits = [SearchHit(EntityRow.from_props(h["props"]), float(h["score"])) for h in row["page"]]
    return SearchPage(hits, int(row["total"]), offset)


async def search(
    reader: Reader, text: str, kinds: frozenset[Label] | None, first: int, offset: int
) -> SearchPage:
    async def work(tx: ReadTx) -> SearchPage:
        return await search_entities(tx, text, kinds, first, offset)

    return await reader.read(work)
