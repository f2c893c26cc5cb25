"""The dump bootstrap's reader: a Parquet dump of Hub model metadata -> record batches.

The ``hub-stats`` models table (one row per model: id, author, sha, tags, cardData,
createdAt, lastModified, config, library_name, pipeline_tag, downloads, likes, and
large columns lineage does not need) is read with pyarrow, one record batch of rows at
a time and only the columns the mapper reads, so memory holds a batch, never the table.
Each row becomes the listing item it stands for and goes through the same mapper.

Mapping is Python and takes one core (about 1,400 rows/s here), so ``write_dump_csv``
reads the batches in this process and hands them to worker processes through a bounded
queue (memory stays a few batches per worker), each writing its own CSV files; the keys
a part only named become ``referenced`` nodes once all parts are in.
"""

from __future__ import annotations

import os
import queue
import resource
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.bulk.csv_files import CsvPart, CsvSnapshot, ImportFiles
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
    file = pq.ParquetFile(path)
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
    workers = max(1, workers or os.cpu_count() or 1)
    stats.workers = workers
    how = _Mapping(run_id, site.rstrip("/"), utc_now(), f"dump:{path.name}")
    if workers == 1:
        batches = dump_batches(path, run_id, site, stats, rows_per_batch)
        files = CsvSnapshot(folder).add_all(batches)
        stats.peak_rss_mib = [_peak_rss_mib()]
        return files
    # spawn, not fork: the caller may hold a driver's sockets and threads.
    context = get_context("spawn")
    tasks: Queue[tuple[int, pa.RecordBatch] | None] = context.Queue(maxsize=2 * workers)
    results: Queue[tuple[CsvPart, DumpStats] | str] = context.Queue()
    procs = [
        context.Process(target=_worker, args=(tasks, results, folder / f"part-{k}", how))
        for k in range(workers)
    ]
    for proc in procs:
        proc.start()
    try:
        first_row = 0
        for table in _tables(path, rows_per_batch):
            _put(tasks, (first_row, table), procs)
            first_row += table.num_rows
        for _ in procs:
            _put(tasks, None, procs)
        merged = CsvSnapshot(folder / "referenced")
        for _ in procs:
            outcome = _get(results, procs)
            if isinstance(outcome, str):
                raise DumpError(f"a mapping process failed: {outcome}")
            merged.absorb(outcome[0])
            stats.add(outcome[1])
        for proc in procs:
            proc.join()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        # After a failure batches may be left unread: exit without flushing them.
        tasks.cancel_join_thread()
    stats.peak_rss_mib.insert(0, _peak_rss_mib())
    return merged.close()


def _worker(
    tasks: Queue[tuple[int, pa.RecordBatch] | None],
    results: Queue[tuple[CsvPart, DumpStats] | str],
    folder: Path,
    how: _Mapping,
) -> None:
    """A mapping process: batches until the sentinel, then its part of the CSV."""
    try:
        stats = DumpStats()
        csv = CsvSnapshot(folder)
        while (task := tasks.get()) is not None:
            first_row, table = task
            csv.add(_map_table(table, stats, how, first_row))
        stats.peak_rss_mib = [_peak_rss_mib()]
        results.put((csv.close_part(), stats))
    except Exception as exc:  # reported to the parent, which raises it
        results.put(f"{type(exc).__name__}: {exc}")


def _put(tasks: Queue[Any], item: Any, procs: Sequence[BaseProcess]) -> None:
    while True:
        try:
            tasks.put(item, timeout=1.0)
            return
        except queue.Full:
            _check(procs)


def _get(results: Queue[Any], procs: Sequence[BaseProcess]) -> Any:
    while True:
        try:
            return results.get(timeout=1.0)
        except queue.Empty:
            _check(procs)


def _check(procs: Sequence[BaseProcess]) -> None:
    """A worker that died (killed, out of memory) would leave the queues waiting forever."""
    dead = [p for p in procs if p.exitcode not in (None, 0)]
    if dead:
        raise DumpError(f"a mapping process died (exit code {dead[0].exitcode})")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
