"""The dump bootstrap's reader: a Parquet dump of Hub model metadata -> record batches.

The ``hub-stats`` models table (one row per model: id, author, sha, tags, cardData,
createdAt, lastModified, config, library_name, pipeline_tag, downloads, likes, and
large columns lineage does not need) is read with pyarrow, one record batch of rows at
a time and only the columns the mapper reads, so memory holds a batch, never the table.
Each row becomes the listing item it stands for and goes through the same mapper.

Mapping is Python and takes one core (about 1,500 rows/s here), so ``write_dump_csv``
shares the batches among worker processes: each reads the file and maps every n-th batch
into CSV files of its own, keeping its account of keys (written, only named) in an
SQLite file rather than in memory; one query over those files gives the ``referenced``
rows once all parts are in (``ingest/bulk/key_book.py``).
"""

from __future__ import annotations

import os
import resource
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.bulk.csv_files import CsvSnapshot, ImportFiles, merge_parts
from ingest.bulk.key_book import DiskKeys
from ingest.hub.adapt import ROW_COLUMNS, BadItem, model_from_row, records
from ingest.records import Provenance, RecordBatch
from ingest.sources.base import utc_now
from schema import keys

ROWS_PER_BATCH = 5_000
#: Mapping processes at most (the merge attaches one SQLite file per process; SQLite's
#: default limit is 10).
MAX_WORKERS = 8
KEYS_FILE = "keys.sqlite"
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
    workers: int = 1
    #: Each process's peak resident memory (MiB): this one's, then its workers'.
    peak_rss_mib: list[float] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_LISTED:
            self.failures.append(reason)

    def add(self, other: DumpStats) -> None:
        self.rows += other.rows
        self.mapped += other.mapped
        self.failed += other.failed
        self.failures = (self.failures + other.failures)[:MAX_LISTED]
        self.peak_rss_mib += other.peak_rss_mib


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


@dataclass(frozen=True)
class _Mapping:
    """What every row's records share: the run, the Hub named, one fetch time per file."""

    run_id: str
    site: str
    fetched_at: str
    revision: str  # of a row without a sha: the file's name


def dump_batches(
    path: Path,
    run_id: str,
    site: str,
    stats: DumpStats | None = None,
    rows_per_batch: int = ROWS_PER_BATCH,
) -> Iterator[RecordBatch]:
    """The records of every row, ``rows_per_batch`` rows per batch, streamed."""
    stats = stats if stats is not None else DumpStats()
    how = _Mapping(run_id, site.rstrip("/"), utc_now(), f"dump:{path.name}")
    first_row = 0
    for table in _tables(path, rows_per_batch):
        yield _map_table(table, stats, how, first_row)
        first_row += table.num_rows


def _tables(path: Path, rows_per_batch: int) -> Iterator[pa.RecordBatch]:
    # pre_buffer keeps every column chunk it read for the life of the iterator: memory grew
    # with the file read (about 0.7 MiB per 5,000 rows, per process); without it, flat.
    file = pq.ParquetFile(path, pre_buffer=False)
    yield from file.iter_batches(batch_size=rows_per_batch, columns=columns(path))


def _map_table(
    table: pa.RecordBatch, stats: DumpStats, how: _Mapping, first_row: int
) -> RecordBatch:
    """``table``'s records; its rows are the file's from ``first_row`` + 1 on."""
    batch = RecordBatch()
    for number, row in enumerate(table.to_pylist(), start=first_row + 1):
        stats.rows += 1
        try:
            model = model_from_row(row)
            prov = Provenance(
                SOURCE,
                f"{how.site}/api/models/{model.id}",
                model.sha or how.revision,
                how.fetched_at,
                how.run_id,
            )
            batch.extend(records(model, prov, how.site))
        except (BadItem, keys.KeyError_, ValueError) as exc:
            stats.fail(f"row {number}: {exc}")
            continue
        stats.mapped += 1
    return batch


def write_dump_csv(
    path: Path,
    folder: Path,
    run_id: str,
    site: str,
    stats: DumpStats,
    workers: int = 0,
    rows_per_batch: int = ROWS_PER_BATCH,
) -> ImportFiles:
    """The dump's import CSV in ``folder``, mapped by ``workers`` processes (0: one per
    core): the same rows as one process writes, in other files and another order."""
    columns(path)  # a clear DumpError before any worker starts
    workers = max(1, min(workers or os.cpu_count() or 1, MAX_WORKERS))
    stats.workers = workers
    if workers == 1:
        batches = dump_batches(path, run_id, site, stats, rows_per_batch)
        files = CsvSnapshot(folder).add_all(batches)
        stats.peak_rss_mib = [_peak_rss_mib()]
        return files
    # One fetch time for the whole file, whichever process maps a row.
    how = _Mapping(run_id, site.rstrip("/"), utc_now(), f"dump:{path.name}")
    parts: list[ImportFiles] = []
    # spawn, not fork: the caller may hold a driver's sockets and threads.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(_write_part, path, folder / f"part-{k}", (k, workers), rows_per_batch, how)
            for k in range(workers)
        ]
        for future in futures:
            try:
                files, part_stats = future.result()
            except BrokenProcessPool as exc:
                raise DumpError(f"a mapping process died: {exc}") from None
            except (OSError, ValueError, sqlite3.Error) as exc:
                raise DumpError(f"a mapping process failed: {type(exc).__name__}: {exc}") from None
            parts.append(files)
            stats.add(part_stats)
    books = [folder / f"part-{k}" / KEYS_FILE for k in range(workers)]
    files = merge_parts(parts, books, folder / "referenced")
    for book in books:
        book.unlink()
    stats.peak_rss_mib.insert(0, _peak_rss_mib())
    return files


def _write_part(
    path: Path, folder: Path, share: tuple[int, int], rows_per_batch: int, how: _Mapping
) -> tuple[ImportFiles, DumpStats]:
    """A mapping process: every ``share[1]``-th batch of the file from the ``share[0]``-th
    (reading is cheap; mapping is what is shared), its keys kept on disk."""
    mine, every = share
    stats = DumpStats()
    folder.mkdir(parents=True)
    keys = DiskKeys(folder / KEYS_FILE)
    csv = CsvSnapshot(folder, keys)
    first_row = 0
    for number, table in enumerate(_tables(path, rows_per_batch)):
        if number % every == mine:
            csv.add(_map_table(table, stats, how, first_row))
        first_row += table.num_rows
    csv.close_files()
    keys.close()
    stats.peak_rss_mib = [_peak_rss_mib()]
    return csv.files, stats


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
