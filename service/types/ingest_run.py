"""``IngestRun``: one run of ``shoulders ingest``, with its counts and failures."""

from __future__ import annotations

from typing import Any

import strawberry

from service.queries.rows import RunRow


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@strawberry.type(description="One ingest run.")
class IngestRun:
    run_id: str
    status: str = strawberry.field(
        description="running | success | partial | failed | abandoned (killed; its lock was taken over)"
    )
    mode: str | None = strawberry.field(description="live | replay")
    started_at: str | None
    finished_at: str | None
    seeds: list[str]
    fetched: int
    skipped_unchanged: int
    failed: int
    nodes_written: int
    edges_written: int
    swept_edges: int
    sweep: str | None
    http_requests: int
    failures: list[str] = strawberry.field(description="'key: reason', the first hundred.")

    @classmethod
    def from_row(cls, row: RunRow) -> IngestRun:
        p = row.props

        def text(name: str) -> str | None:
            value = p.get(name)
            return None if value is None else str(value)

        def texts(name: str) -> list[str]:
            value = p.get(name)
            return [str(v) for v in value] if isinstance(value, list) else []

        return cls(
            run_id=str(p.get("run_id", "")),
            status=str(p.get("status", "unknown")),
            mode=text("mode"),
            started_at=text("started_at"),
            finished_at=text("finished_at"),
            seeds=texts("seeds"),
            fetched=_int(p.get("fetched")),
            skipped_unchanged=_int(p.get("skipped_unchanged")),
            failed=_int(p.get("failed")),
            nodes_written=_int(p.get("nodes_written")),
            edges_written=_int(p.get("edges_written")),
            swept_edges=_int(p.get("swept_edges")),
            sweep=text("sweep"),
            http_requests=_int(p.get("http_requests")),
            failures=texts("failures"),
        )
