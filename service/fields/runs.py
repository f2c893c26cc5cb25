"""``ingestRuns``: the most recent ingest runs."""

from __future__ import annotations

import strawberry

from service import limits
from service.context import Info
from service.queries.runs import recent_runs
from service.types.ingest_run import IngestRun
from service.types.resolver import resolver


@strawberry.type
class RunsQuery:
    @resolver(description="The most recent ingest runs, newest first.")
    async def ingest_runs(self, info: Info, first: int = 10) -> list[IngestRun]:
        size = limits.page_size(first)
        return [IngestRun.from_row(r) for r in await recent_runs(info.context.reader, size)]
