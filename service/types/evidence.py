"""``Evidence``: one assertion behind an edge — who said it, where, when, and the words."""

from __future__ import annotations

import strawberry

from service.queries.rows import AssertionRow
from service.types.enums import Method


@strawberry.type(description="One source's assertion of an edge.")
class Evidence:
    assertion: str = strawberry.field(description="Stable id of the assertion.")
    source: str = strawberry.field(description="hf | arxiv | s2 | github | pypi")
    url: str | None = strawberry.field(description="The exact URL the evidence was read from.")
    revision: str | None = strawberry.field(description="Source revision (commit sha, version).")
    fetched_at: str | None
    run_id: str | None
    method: Method
    confidence: float
    field: str | None = strawberry.field(
        description="Where in the source: a field or file section."
    )
    value: str | None = strawberry.field(description="The raw value or the exact text snippet.")
    detail: str | None = strawberry.field(
        description="E.g. a version spec (==2.4.1) or a file path."
    )
    first_seen: str | None = strawberry.field(
        description="ISO-8601 UTC: when the source first said it (this lifetime of it)."
    )
    last_seen: str | None = strawberry.field(
        description="ISO-8601 UTC: the last time the source said it."
    )
    retracted_at: str | None = strawberry.field(
        description="ISO-8601 UTC: when the source withdrew it; null while it stands."
    )

    @classmethod
    def from_row(cls, row: AssertionRow) -> Evidence:
        return cls(
            assertion=row.assertion,
            source=row.source,
            url=row.url,
            revision=row.revision,
            fetched_at=row.fetched_at,
            run_id=row.run_id,
            method=row.method,  # already the vocabulary's Method: no enum lookup per row
            confidence=row.confidence,
            field=row.field,
            value=row.value,
            detail=row.detail,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            retracted_at=row.retracted_at,
        )
