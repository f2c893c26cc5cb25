"""``Paper``: an arXiv paper, or one known by DOI or Semantic Scholar id."""

from __future__ import annotations

import strawberry

from schema import keys
from service.queries.rows import EntityRow
from service.types.entity import Entity, common, str_list


@strawberry.type(description="A paper (arXiv, DOI or Semantic Scholar).")
class Paper(Entity):
    arxiv_id: str | None = strawberry.field(description="Without version, e.g. 2501.12948.")
    title: str | None
    authors: list[str]
    published: str | None
    version: str | None = strawberry.field(description="The arXiv version read, e.g. v1.")
    doi: str | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Paper:
        parsed = keys.parse(row.key)
        arxiv_id = parsed.id if parsed.kind == "arxiv" else None
        doi = row.text("doi") or (parsed.id if parsed.kind == "doi" else None)
        return cls(
            **common(row),
            arxiv_id=arxiv_id,
            title=row.text("title"),
            authors=str_list(row.get("authors")),
            published=row.text("published"),
            version=row.text("version"),
            doi=doi,
        )
