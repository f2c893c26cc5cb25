"""The local Neo4j's lifecycle (`shoulders neo4j start|status|stop`) and the Browser it serves.

Lifecycle tests run their own server (artifacts/neo4j-lifecycle, Bolt 7689, HTTP 7476) so the shared
test server is never stopped. A file lock serialises concurrent pytest runs on that one home.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import httpx
import pytest
from neo4j import GraphDatabase

from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings, env_names
from tests.support import REPO_ROOT

LIFECYCLE_HOME = REPO_ROOT / "artifacts" / "neo4j-lifecycle"
LIFECYCLE_ENV = {
    "SHOULDERS_NEO4J_HOME": str(LIFECYCLE_HOME),
    "NEO4J_URI": "bolt://127.0.0.1:7689",
    "NEO4J_HTTP_PORT": "7476",
    "NEO4J_USER": "neo4j",
    "NEO4J_PASSWORD": "shoulders-lifecycle",
    "NEO4J_DATABASE": "neo4j",
    # Small, so a third JVM fits next to the shared servers on a 2-core machine.
    "SHOULDERS_NEO4J_HEAP": "512m",
    "SHOULDERS_NEO4J_PAGECACHE": "128m",
}


@pytest.fixture(scope="module")
def lifecycle(settings: Settings) -> Iterator[dict[str, str]]:
    """Environment of the lifecycle server; it is stopped before and after the module."""
    LIFECYCLE_HOME.mkdir(parents=True, exist_ok=True)
    with (LIFECYCLE_HOME.parent / "neo4j-lifecycle.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {**os.environ, **LIFECYCLE_ENV}
        server = _server(env)
        # Reuse the shared test home's jars instead of resolving 140 MB again.
        shared = LocalNeo4j(settings)
        if server.lib.is_symlink() and not server.lib.exists():
            server.lib.unlink()  # the shared home was deleted since the last run
        if not server.lib.exists() and shared.installed:
            server.lib.symlink_to(shared.lib, target_is_directory=True)
        server.stop()  # a leftover of an interrupted run: this home is the tests' own
        try:
            yield env
        finally:
            server.stop()


@pytest.mark.slow
def test_start_status_stop(lifecycle: dict[str, str]) -> None:
    server = _server(lifecycle)

    before = _shoulders(["neo4j", "status"], lifecycle)
    assert before.returncode == 3, before
    assert "Neo4j stopped" in before.stdout
    assert server.status().running is False

    # Status while the server boots: a quick, quiet answer (no driver retries or their warnings).
    starting = subprocess.Popen(
        [*_command(), "neo4j", "start"], env=lifecycle, stdout=PIPE, stderr=PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while server.pid() is None and starting.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        booting = _shoulders(["neo4j", "status"], lifecycle)
        stdout, stderr = starting.communicate(timeout=600)
    finally:
        if starting.poll() is None:
            starting.kill()
    assert "retried" not in booting.stderr
    assert (booting.returncode, booting.stdout.split(" (")[0]) in {
        (3, "Neo4j running, Bolt not answering yet"),
        (0, "Neo4j running, Bolt answers"),
    }, booting
    assert starting.returncode == 0, stderr
    assert "running, Bolt answers" in stdout
    assert "http://127.0.0.1:7476/browser/" in stdout
    pid = server.pid()
    assert pid is not None

    again = _shoulders(["neo4j", "start"], lifecycle)
    assert again.returncode == 0, again.stderr
    assert server.pid() == pid, "a second start must not launch another server"

    status = _shoulders(["neo4j", "status"], lifecycle)
    assert status.returncode == 0, status
    assert f"running, Bolt answers (pid {pid})" in status.stdout
    auth = ("neo4j", LIFECYCLE_ENV["NEO4J_PASSWORD"])
    with GraphDatabase.driver(LIFECYCLE_ENV["NEO4J_URI"], auth=auth) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.listConfig('server.bolt.listen_address') YIELD value RETURN value"
        )
    assert records[0]["value"] == "127.0.0.1:7689"  # the lifecycle server, not a shared one
    # The discovery document (Browser's default connect URL) names this server's Bolt port.
    discovery = httpx.get("http://127.0.0.1:7476/", timeout=10).json()
    assert discovery["bolt_direct"] == "bolt://127.0.0.1:7689"

    # The JVM got the --add-opens the page cache needs (else it runs in a slower fallback mode).
    debug_log = (LIFECYCLE_HOME / "logs" / "debug.log").read_text()
    last_start = debug_log.split("Logging config in use")[-1]  # the first line of each start
    assert "using fallback mode" not in last_start

    wrong = _shoulders(["neo4j", "status"], {**lifecycle, "NEO4J_PASSWORD": "not-the-password"})
    assert wrong.returncode == 1
    assert "refuses the credentials" in wrong.stderr
    assert "not-the-password" not in wrong.stdout + wrong.stderr

    stopped = _shoulders(["neo4j", "stop"], lifecycle)
    assert stopped.returncode == 0, stopped.stderr
    assert "Neo4j stopped" in stopped.stdout
    assert server.pid() is None
    assert not _alive(pid)

    after = _shoulders(["neo4j", "status"], lifecycle)
    assert after.returncode == 3
    assert "Neo4j stopped" in after.stdout
    assert _shoulders(["neo4j", "stop"], lifecycle).returncode == 0  # stopping twice is fine


@pytest.mark.slow
def test_start_failure_shows_the_server_log(lifecycle: dict[str, str]) -> None:
    # Hold the HTTP port: Neo4j starts, cannot bind it and exits.
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        env = {**lifecycle, "NEO4J_HTTP_PORT": str(port)}
        failed = _shoulders(["neo4j", "start"], env)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: Neo4j did not start")
    assert f"--- tail of {LIFECYCLE_HOME / 'logs' / 'neo4j.log'} ---" in failed.stderr
    assert re.search(rf"127\.0\.0\.1:{port} is already in use", failed.stderr)
    assert _server(env).pid() is None, "a failed start must not leave a server behind"


def test_bad_heap_is_refused_before_java_runs(lifecycle: dict[str, str]) -> None:
    failed = _shoulders(["neo4j", "start"], {**lifecycle, "SHOULDERS_NEO4J_HEAP": "notasize"})
    assert failed.returncode == 2
    assert "SHOULDERS_NEO4J_HEAP" in failed.stderr
    assert _server(lifecycle).pid() is None


def test_browser_is_served(neo4j_server: LocalNeo4j, settings: Settings) -> None:
    base = f"http://127.0.0.1:{settings.neo4j_http_port}"
    page = httpx.get(f"{base}/browser/", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Neo4j Browser</title>" in page.text
    assert httpx.get(f"{base}/", timeout=10).json()["neo4j_version"].startswith("5.26.")


# --- helpers -----------------------------------------------------------------


def _server(env: dict[str, str]) -> LocalNeo4j:
    """A LocalNeo4j for the settings in ``env`` (the environment a subprocess gets)."""
    names = set(env_names().values())
    return LocalNeo4j(Settings.model_validate({k: v for k, v in env.items() if k in names}))


def _command() -> list[str]:
    # The installed console script when there is one (what users run), else the module.
    script = Path(sys.executable).with_name("shoulders")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shoulders.cli"]


def _shoulders(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
