"""SIGKILL the ingest at seeded random points: a re-run equals one clean run, and the lock and
the run record of the killed process are taken over at once (same host, dead pid)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from ingest.loader import Loader
from ingest.records import RecordBatch
from shoulders.settings import Settings
from tests.conftest import wipe
from tests.support.dump import canonical_dump
from tests.test_faults_hf import SEEDS as HF_SEEDS
from tests.test_hf_ingest import RECORDINGS
from tests.test_papers_code_ingest import SEEDS as PAPER_CODE_SEEDS

SEEDS = [*HF_SEEDS, *PAPER_CODE_SEEDS]
TRIALS = [11, 23, 37]  # seeds of the kill points
DELAY = 0.15  # seconds each Hub model and arXiv answer waits: a run lasts several seconds


def seed_args() -> list[str]:
    args: list[str] = []
    for key in SEEDS:
        args += ["--seed", "hf:" + key.removeprefix("hf:model:") if key.startswith("hf:") else key]
    return args


def slow_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "slow"
    shutil.copytree(RECORDINGS, copy)
    slowed = [*copy.glob("hf/models/*/*/model.yaml"), *copy.glob("arxiv/*.yaml")]
    for path in slowed:
        doc = yaml.safe_load(path.read_text())
        for response in doc["responses"]:
            response["delay"] = DELAY
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return copy


def resolved(drv: Driver, database: str) -> int:
    records, _, _ = drv.execute_query(
        "MATCH (n:Entity {status: 'resolved'}) RETURN count(n) AS c", database_=database
    )
    return int(records[0]["c"])


@pytest.fixture(scope="module")
def clean(driver: Driver, settings: Settings) -> Iterator[tuple[list[str], int]]:
    wipe(driver, settings.neo4j_database)
    report = run_ingest(settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
    assert report.fetched > 20
    dump = canonical_dump(driver, settings.neo4j_database)
    yield dump, resolved(driver, settings.neo4j_database)
    wipe(driver, settings.neo4j_database)


@pytest.mark.parametrize("trial", TRIALS)
def test_sigkill_at_a_random_point_then_rerun_equals_a_clean_run(
    graph: Driver, settings: Settings, clean: tuple[list[str], int], tmp_path: Path, trial: int
) -> None:
    dump, total = clean
    kill_at = random.Random(trial).randint(1, total * 3 // 4)  # resolved entities written
    env = {**os.environ, "SHOULDERS_INGEST_BATCH": "2", "SHOULDERS_LOG_FORMAT": "json"}
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--replay", str(slow_copy(tmp_path))]
    proc = subprocess.Popen(
        [*cmd, *seed_args()], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120  # a bound on the wait, not a timed assertion
        while proc.poll() is None and time.monotonic() < deadline:
            if resolved(graph, settings.neo4j_database) >= kill_at:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before the kill point"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    db = settings.neo4j_database
    assert canonical_dump(graph, db) != dump  # it really stopped half-way
    records, _, _ = graph.execute_query(
        "MATCH (r:IngestRun {status: 'running'}) RETURN r.run_id AS id", database_=db
    )
    [killed] = [r["id"] for r in records]

    report = run_ingest(settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
    assert report.status in {"success", "partial"} and report.fetched > 0
    assert canonical_dump(graph, db) == dump
    records, _, _ = graph.execute_query(
        "MATCH (l:IngestLock) MATCH (r:IngestRun {run_id: $killed}) "
        "RETURN l.taken_over AS taken_over, l.run_id AS holder, r.status AS status, "
        "r.abandoned_by AS by",
        killed=killed,
        database_=db,
    )
    lock = records[0]
    assert lock["taken_over"] == killed and lock["holder"] is None  # taken over, then released
    assert (lock["status"], lock["by"]) == ("abandoned", report.run_id)


def test_a_paper_and_its_references_are_written_together(
    graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one entity per batch, each arXiv paper still shares its transaction with S2's
    CITES edges: no crash point stores a paper (then skipped as fresh) without them."""
    writes: list[RecordBatch] = []
    original = Loader.write

    def spy(self: Loader, batch: RecordBatch, *args: object, **kwargs: object) -> object:
        writes.append(batch)
        return original(self, batch, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Loader, "write", spy)
    small = settings.model_copy(update={"ingest_batch": 1})
    run_ingest(small, IngestRequest(seeds=PAPER_CODE_SEEDS[:1], replay=RECORDINGS))
    papers = 0
    for batch in writes:
        fetched = {n.key for n in batch.nodes if n.provenance and n.provenance.source == "arxiv"}
        cited_by = {e.start for e in batch.edges if e.provenance.source == "s2"}
        assert cited_by <= fetched, "references written apart from their paper"
        papers += len(fetched)
    assert papers >= 3
