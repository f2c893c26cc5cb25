"""Start ``shoulders serve`` on a free loopback port (a separate process, as in production),
and make sure the graph it serves is not empty."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from shoulders import db
from shoulders.settings import REPO_ROOT, Settings

RECORDINGS = REPO_ROOT / "recordings"
SEEDS = (
    "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
    "hf:meta-llama/Llama-3.1-8B-Instruct",
)


def graph_size(settings: Settings) -> tuple[int, int]:
    with db.driver(settings) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:Entity) WITH count(n) AS nodes "
            "OPTIONAL MATCH (:Entity)-[r]->(:Entity) RETURN nodes, count(r) AS edges",
            database_=settings.neo4j_database,
        )
    return int(records[0]["nodes"]), int(records[0]["edges"])


def ensure_graph(settings: Settings) -> tuple[int, int]:
    """An empty graph gets the bundled recordings' DeepSeek neighbourhood (offline ingest)."""
    if graph_size(settings)[0] == 0:
        from shoulders.ingest.job import IngestRequest, run_ingest

        # The recordings leave some files out on purpose; their warnings are not news here.
        logging.getLogger("shoulders.replay").setLevel(logging.ERROR)
        from shoulders.schema.keys import parse_seed

        request = IngestRequest(seeds=[parse_seed(s) for s in SEEDS], replay=RECORDINGS)
        report = run_ingest(settings, request)
        if report.status not in {"success", "partial"}:
            raise RuntimeError(f"could not load the recordings: {report.warnings}")
    return graph_size(settings)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(log: Path | None = None) -> Iterator[str]:
    """``shoulders serve`` in a child process; yields its URL; stops it (only it) after."""
    port = _free_port()
    env = {**os.environ, "SHOULDERS_LOG_LEVEL": "WARNING"}
    out = log.open("w") if log else subprocess.DEVNULL
    cmd = [
        sys.executable,
        "-m",
        "shoulders.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"shoulders serve exited with {proc.returncode}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("shoulders serve did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()  # type: ignore[union-attr]
