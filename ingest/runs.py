"""Cron safety: one run at a time (a lock in Neo4j), the IngestRun node and the JSON report.

Exit codes of ``shoulders ingest`` (also in docs/operations.md):

    0  success: every item was fetched or skipped as unchanged
    1  failure: configuration, authentication or the database stopped the run
    2  usage error: bad arguments or settings
    3  partial: the run finished, some items failed (named in the report)
    4  busy: another ingest holds the lock; nothing was done
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from schema import constraints
from schema.vocabulary import OpsLabel

LOCK_NAME = "ingest"
MAX_LISTED_FAILURES = 500


class ExitCode(IntEnum):
    SUCCESS = 0
    FAILURE = 1
    USAGE = 2
    PARTIAL = 3
    BUSY = 4


class LockBusy(Exception):
    """Another run holds the ingest lock."""


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


@dataclass
class Failure:
    key: str
    source: str
    reason: str


@dataclass
class RunReport:
    run_id: str
    started_at: str
    seeds: list[str]
    mode: str  # live | replay
    status: str = "running"
    finished_at: str | None = None
    fetched: int = 0
    skipped_unchanged: int = 0
    failed: int = 0
    nodes_written: int = 0
    edges_written: int = 0
    entities_seen: int = 0
    swept_edges: int = 0
    sweep: str = "not run"
    http: dict[str, Any] = field(default_factory=dict)
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, key: str, source: str, reason: str) -> None:
        self.failed += 1
        self.bump(source, "failed")
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(Failure(key, source, reason))

    def bump(self, source: str, counter: str, n: int = 1) -> None:
        per = self.per_source.setdefault(source, {})
        per[counter] = per.get(counter, 0) + n

    def exit_code(self) -> ExitCode:
        if self.status == "failed":
            return ExitCode.FAILURE
        return ExitCode.PARTIAL if self.failed or self.status == "partial" else ExitCode.SUCCESS

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"ingest-{self.run_id}.json"
        path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n")
        return path


# --- the lock ------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire(tx: ManagedTransaction, run_id: str, now: float, stale_after: float) -> str | None:
    # SET on the merged node takes its write lock first, so two runs serialise here.
    record = tx.run(
        f"MERGE (l:{OpsLabel.INGEST_LOCK.value} {{name: $name}}) SET l.touched = $now "
        "RETURN l.run_id AS holder, l.heartbeat AS beat, l.host AS host, l.pid AS pid",
        name=LOCK_NAME,
        now=now,
    ).single()
    assert record is not None
    holder = record["holder"]
    if holder is not None:
        stale = record["beat"] is None or record["beat"] < now - stale_after
        # A holder on this machine whose process is gone (SIGKILL, crash) is stale at once.
        dead = record["host"] == socket.gethostname() and not _alive(int(record["pid"] or 0))
        if not (stale or dead):
            return str(holder)
        # The holder will never record its end: say so on its run node.
        tx.run(
            f"MATCH (r:{OpsLabel.INGEST_RUN.value} {{run_id: $holder, status: 'running'}}) "
            "SET r.status = 'abandoned', r.abandoned_by = $run",
            holder=holder,
            run=run_id,
        )
    tx.run(
        f"MATCH (l:{OpsLabel.INGEST_LOCK.value} {{name: $name}}) "
        "SET l.run_id = $run, l.heartbeat = $now, l.host = $host, l.pid = $pid, "
        "l.taken_over = $holder",
        name=LOCK_NAME,
        run=run_id,
        now=now,
        host=socket.gethostname(),
        pid=os.getpid(),
        holder=holder,
    )
    return None


class RunLock:
    """A lock node in Neo4j; a holder that stopped beating for ``stale_after`` s is taken over."""

    def __init__(self, driver: Driver, database: str, run_id: str, stale_after: float) -> None:
        self.driver, self.database, self.run_id, self.stale_after = (
            driver,
            database,
            run_id,
            stale_after,
        )

    def acquire(self) -> None:
        with self.driver.session(database=self.database) as session:
            holder = session.execute_write(_acquire, self.run_id, time.time(), self.stale_after)
        if holder is not None:
            raise LockBusy(f"another ingest run ({holder}) holds the lock")

    def heartbeat(self) -> None:
        self.driver.execute_query(
            f"MATCH (l:{OpsLabel.INGEST_LOCK.value} {{name: $name, run_id: $run}}) SET l.heartbeat = $now",
            name=LOCK_NAME,
            run=self.run_id,
            now=time.time(),
            database_=self.database,
        )

    def release(self) -> None:
        self.driver.execute_query(
            f"MATCH (l:{OpsLabel.INGEST_LOCK.value} {{name: $name, run_id: $run}}) "
            "REMOVE l.run_id, l.heartbeat, l.host, l.pid",
            name=LOCK_NAME,
            run=self.run_id,
            database_=self.database,
        )


# --- the IngestRun node ----------------------------------------------------------
def record_run(driver: Driver, database: str, report: RunReport) -> None:
    """Create or update the IngestRun node with the report's counts and status."""
    props = {
        "status": report.status,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "mode": report.mode,
        "seeds": report.seeds,
        "fetched": report.fetched,
        "skipped_unchanged": report.skipped_unchanged,
        "failed": report.failed,
        "nodes_written": report.nodes_written,
        "edges_written": report.edges_written,
        "swept_edges": report.swept_edges,
        "sweep": report.sweep,
        "http_requests": int(report.http.get("total", 0)),
        "failures": [f"{f.key}: {f.reason}" for f in report.failures[:100]],
    }
    driver.execute_query(
        f"MERGE (r:{OpsLabel.INGEST_RUN.value} {{run_id: $run}}) SET r += $props",
        run=report.run_id,
        props=props,
        database_=database,
    )


def begin_run(
    driver: Driver, database: str, report: RunReport, stale_after: float
) -> RunLock | None:
    """Apply the schema and take the run lock; ``None`` when the run cannot start.

    The report then says why: ``busy`` (another run holds the lock) or ``failed`` (the
    database did not answer). Every kind of run (a crawl, the whole-Hub walk) starts here.
    """
    try:
        constraints.apply(driver, database)
        lock = RunLock(driver, database, report.run_id, stale_after)
        lock.acquire()
    except LockBusy as exc:
        report.status = "busy"
        report.warnings.append(str(exc))
        return None
    except (ServiceUnavailable, AuthError, Neo4jError) as exc:
        report.status = "failed"
        report.warnings.append(f"database: {exc}")
        return None
    return lock
