"""``ingestRuns``: the most recent IngestRun nodes."""

from __future__ import annotations

from schema.vocabulary import OpsLabel
from service.queries.reader import Reader, ReadTx
from service.queries.rows import RunRow

_RECENT = (
    f"MATCH (r:{OpsLabel.INGEST_RUN.value}) "
    "RETURN properties(r) AS props ORDER BY r.started_at DESC, r.run_id DESC LIMIT $first"
)


async def recent_runs(reader: Reader, first: int) -> list[RunRow]:
    async def work(tx: ReadTx) -> list[RunRow]:
        return [RunRow(r["props"]) for r in await tx.rows(_RECENT, first=first)]

    return await reader.read(work)
