"""Neo4j restarted in the middle of an ingest, and the backup and restore of docs/operations.md,
on a server of their own (artifacts/neo4j-crash, Bolt 7690, HTTP 7477): the shared test server
is never stopped under other tests."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings, env_names
from tests.support import REPO_ROOT
from tests.support.dump import canonical_dump
from tests.test_crash_ingest import SEEDS, resolved, seed_args, slow_copy
from tests.test_hf_ingest import RECORDINGS

HOME = REPO_ROOT / "artifacts" / "neo4j-crash"
ENV = {
    "SHOULDERS_NEO4J_HOME": str(HOME),
    "NEO4J_URI": "bolt://127.0.0.1:7690",
    "NEO4J_HTTP_PORT": "7477",
    "NEO4J_USER": "neo4j",
    "NEO4J_PASSWORD": "shoulders-crash",
    "NEO4J_DATABASE": "neo4j",
    # Small, so this JVM fits next to the shared test server on a 2-core machine.
    "SHOULDERS_NEO4J_HEAP": "512m",
    "SHOULDERS_NEO4J_PAGECACHE": "128m",
}


@dataclass
class Crash:
    server: LocalNeo4j
    settings: Settings
    env: dict[str, str]
    driver: Driver
    clean: list[str]


@pytest.fixture(scope="module")
def crash(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crash]:
    HOME.mkdir(parents=True, exist_ok=True)
    with (HOME.parent / "neo4j-crash.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one pytest run at a time on this home
        reports = tmp_path_factory.mktemp("reports")
        env = {**os.environ, **ENV, "SHOULDERS_REPORT_DIR": str(reports)}
        names = set(env_names().values())
        local = Settings.model_validate({k: v for k, v in env.items() if k in names})
        server = LocalNeo4j(local)
        shared = LocalNeo4j(settings)  # reuse its jars instead of resolving them again
        if server.lib.is_symlink() and not server.lib.exists():
            server.lib.unlink()
        if not server.lib.exists() and shared.installed:
            server.lib.symlink_to(shared.lib, target_is_directory=True)
        server.start()
        try:
            with db.driver(local) as driver:
                _wipe(driver)
                report = run_ingest(local, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
                assert report.fetched > 20, report.warnings
                clean = canonical_dump(driver, local.neo4j_database)
                yield Crash(server, local, env, driver, clean)
        finally:
            server.stop()


def _wipe(driver: Driver) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n")


def test_neo4j_down_mid_run_then_rerun_equals_a_clean_run(crash: Crash, tmp_path: Path) -> None:
    """Neo4j stops under a run for longer than the driver retries: the run ends as a database
    failure (exit 1, no traceback, the report says why); Neo4j comes back; a re-run takes
    the lock over and equals a clean run. (A restart shorter than the driver's 30 s of
    retries is simply ridden out: the run goes on.)"""
    _wipe(crash.driver)
    report_file = tmp_path / "report.json"
    env = {**crash.env, "SHOULDERS_INGEST_BATCH": "2", "SHOULDERS_LOG_FORMAT": "json"}
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--replay", str(slow_copy(tmp_path))]
    cmd += ["--report", str(report_file), *seed_args()]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # bounds on the waits, not timed assertions
        while proc.poll() is None and time.monotonic() < deadline:
            if resolved(crash.driver, crash.settings.neo4j_database) >= 6:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before Neo4j could be stopped"
        crash.server.stop()
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        crash.server.start()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    report = json.loads(report_file.read_text())
    assert report["status"] == "failed"
    assert any(w.startswith("database:") for w in report["warnings"]), report["warnings"]
    rerun = run_ingest(crash.settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
    assert rerun.status in {"success", "partial"}
    assert canonical_dump(crash.driver, crash.settings.neo4j_database) == crash.clean


def test_backup_and_restore_as_docs_operations_says(crash: Crash, tmp_path: Path) -> None:
    """The commands of docs/operations.md, run as written, against this server's home."""
    _wipe(crash.driver)
    run_ingest(crash.settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
    assert canonical_dump(crash.driver, crash.settings.neo4j_database) == crash.clean
    backups = tmp_path / "backups"
    backups.mkdir()
    constraints = _constraints(crash.driver)
    admin_env = {**crash.env, "NEO4J_HOME": str(HOME), "NEO4J_CONF": str(HOME / "conf")}
    java = shutil.which("java") or "java"
    admin = [java, "-cp", f"{HOME / 'lib'}/*", "org.neo4j.server.startup.Neo4jAdminCommand"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*admin, *args], env=admin_env, capture_output=True, text=True, timeout=600, check=False
        )

    refused = run("database", "dump", "neo4j", f"--to-path={backups}")
    assert refused.returncode != 0  # a running database is not dumped (Community)
    crash.server.stop()
    dumped = run("database", "dump", "neo4j", f"--to-path={backups}")
    assert dumped.returncode == 0, dumped.stderr
    assert (backups / "neo4j.dump").stat().st_size > 0
    # Lose the database's files, then load the dump over the empty place.
    shutil.rmtree(HOME / "data" / "databases" / "neo4j")
    shutil.rmtree(HOME / "data" / "transactions" / "neo4j")
    loaded = run(
        "database", "load", "neo4j", f"--from-path={backups}", "--overwrite-destination=true"
    )
    assert loaded.returncode == 0, loaded.stderr
    again = run("database", "dump", "neo4j", f"--to-path={backups}")
    assert again.returncode != 0  # an older dump in the folder is not replaced
    crash.server.start()
    assert canonical_dump(crash.driver, crash.settings.neo4j_database) == crash.clean
    assert _constraints(crash.driver) == constraints


def _constraints(driver: Driver) -> list[str]:
    records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    return [r["name"] for r in records]
