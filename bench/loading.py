"""Bench A: records per second through the project's Loader, a naive loader, and the bulk import.

All three write the same records (``Synth``) and, checked here, the same graph. The
naive loader is the Loader's own statement sent with one record per transaction, so
the ratio measures batching and nothing else. Generation runs on a second thread
while Neo4j writes, and its time is reported apart: a crawl or a snapshot would
produce the records anyway.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from neo4j import Driver

from ingest.loader import Loader
from ingest.records import RecordBatch


@dataclass(frozen=True)
class LoadTiming:
    """One loader over one stream of records."""

    name: str
    records: int
    transactions: int
    write_seconds: float  # inside Loader.write: what the database path costs
    wall_seconds: float  # generation included (overlapped on a second thread)

    @property
    def per_second(self) -> float:
        return self.records / self.write_seconds if self.write_seconds else 0.0


def prefetched(batches: Iterable[RecordBatch], depth: int = 4) -> Iterator[RecordBatch]:
    """Produce ``batches`` on a thread so generation overlaps Neo4j's work."""
    handoff: queue.Queue[RecordBatch | BaseException | None] = queue.Queue(maxsize=depth)

    def produce() -> None:
        try:
            for batch in batches:
                handoff.put(batch)
        except BaseException as exc:  # handed to the consumer, raised there
            handoff.put(exc)
            return
        handoff.put(None)

    thread = threading.Thread(target=produce, name="bench-generator", daemon=True)
    thread.start()
    while True:
        item = handoff.get()
        if item is None:
            break
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


def load_batched(
    driver: Driver, database: str, batches: Iterable[RecordBatch], name: str
) -> LoadTiming:
    """The project's Loader: one transaction per batch."""
    loader = Loader(driver, database)
    records = transactions = 0
    writing = 0.0
    began = time.perf_counter()
    for batch in prefetched(batches):
        started = time.perf_counter()
        loader.write(batch)
        writing += time.perf_counter() - started
        records += len(batch)
        transactions += 1
    return LoadTiming(name, records, transactions, writing, time.perf_counter() - began)


def load_naive(driver: Driver, database: str, batches: Iterable[RecordBatch]) -> LoadTiming:
    """The baseline: every node and every edge in a transaction of its own."""
    loader = Loader(driver, database)
    records = 0
    writing = 0.0
    began = time.perf_counter()
    for batch in batches:
        started = time.perf_counter()
        for node in batch.nodes:
            loader.write(RecordBatch(nodes=[node]))
        for edge in batch.edges:
            loader.write(RecordBatch(edges=[edge]))
        writing += time.perf_counter() - started
        records += len(batch)
    return LoadTiming("naive", records, records, writing, time.perf_counter() - began)
