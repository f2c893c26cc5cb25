"""The dump bootstrap's reader: a Parquet dump of Hub model metadata -> record batches.

The ``hub-stats`` models table (one row per model: id, author, sha, tags, cardData,
createdAt, lastModified, config, library_name, pipeline_tag, downloads, likes, and
large columns lineage does not need) is read with pyarrow, one record batch of rows at
a time and only the columns the mapper reads, so memory holds a batch, never the table.
Each row becomes the listing item it stands for and goes through the same mapper.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from ingest.hub.adapt import ROW_COLUMNS, BadItem, model_from_row, records
from ingest.records import Provenance, RecordBatch
from ingest.sources.base import utc_now
from schema import keys

ROWS_PER_BATCH = 5_000
SOURCE = "hf"
MAX_LISTED = 100


class DumpError(ValueError):
    """The file is not a readable Parquet dump of models (no ``id`` column, not Parquet)."""


@dataclass
class DumpStats:
    rows: int = 0
    mapped: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_LISTED:
            self.failures.append(reason)


def columns(path: Path) -> list[str]:
    """The dump's columns the mapper reads (``id`` must be one)."""
    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise DumpError(f"{path}: not a Parquet file: {exc}") from None
    wanted = [n for n in names if n in ROW_COLUMNS]
    if "id" not in wanted and "modelId" not in wanted:
        raise DumpError(f"{path}: no id column (has {', '.join(names[:20])})")
    return wanted


def dump_batches(
    path: Path,
    run_id: str,
    site: str,
    stats: DumpStats | None = None,
    rows_per_batch: int = ROWS_PER_BATCH,
) -> Iterator[RecordBatch]:
    """The records of every row, ``rows_per_batch`` rows per batch, streamed."""
    stats = stats if stats is not None else DumpStats()
    site = site.rstrip("/")
    wanted = columns(path)
    fetched_at = utc_now()
    revision_of_file = f"dump:{path.name}"
    for table in pq.ParquetFile(path).iter_batches(batch_size=rows_per_batch, columns=wanted):
        batch = RecordBatch()
        for row in table.to_pylist():
            stats.rows += 1
            try:
                model = model_from_row(row)
                prov = Provenance(
                    SOURCE,
                    f"{site}/api/models/{model.id}",
                    model.sha or revision_of_file,
                    fetched_at,
                    run_id,
                )
                batch.extend(records(model, prov, site))
            except (BadItem, keys.KeyError_, ValueError) as exc:
                stats.fail(f"row {stats.rows}: {exc}")
                continue
            stats.mapped += 1
        yield batch
