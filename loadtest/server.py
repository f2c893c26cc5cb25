"""Start ``shoulders serve`` on a free loopback port (a separate process, as in production),
and make sure the graph it serves is not empty."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.api_process import serving
from shoulders import db
from shoulders.settings import BUNDLED_RECORDINGS, Settings

RECORDINGS = BUNDLED_RECORDINGS
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
        from ingest.job import IngestRequest, run_ingest

        # The recordings leave some files out on purpose; their warnings are not news here.
        logging.getLogger("shoulders.replay").setLevel(logging.ERROR)
        from schema.keys import parse_seed

        request = IngestRequest(seeds=[parse_seed(s) for s in SEEDS], replay=RECORDINGS)
        report = run_ingest(settings, request)
        if report.status not in {"success", "partial"}:
            raise RuntimeError(f"could not load the recordings: {report.warnings}")
    return graph_size(settings)


@contextmanager
def served(log: Path | None = None) -> Iterator[str]:
    """``shoulders serve`` in a child process; yields its URL; stops it (only it) after."""
    with serving(log=log) as api:
        yield api.url
