"""Adding a source = a new folder of role-named files + one registry line.

The toy source (tests/support/toy_source.py) is registered exactly as the real ones
are, then crawled by the real job against the replay server into the real Neo4j.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from ingest.sources import registry
from shoulders.settings import BUNDLED_RECORDINGS, Settings
from tests.support.toy_source import ToySource


def test_a_new_source_is_one_registry_line(
    graph: Driver, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.SOURCES, ToySource.name, ToySource)  # the one line
    run_settings = settings.model_copy(update={"report_dir": tmp_path})
    request = IngestRequest(
        seeds=["pypi:torch"], replay=BUNDLED_RECORDINGS, sources=frozenset({"toy"})
    )

    first = run_ingest(run_settings, request)
    assert first.status == "success", first.warnings
    assert first.per_source["toy"]["fetched"] == 1
    records, _, _ = graph.execute_query(
        "MATCH (p:Package {key: 'pypi:torch'}) "
        "RETURN p.name AS name, p.version AS version, p.source AS source, "
        "p.revision AS revision, p.fetched_run AS run",
        database_=settings.neo4j_database,
    )
    (row,) = records
    assert (row["name"], row["version"], row["source"], row["revision"]) == (
        "torch",
        "2.9.0",
        "toy",
        "2.9.0",
    )
    assert row["run"] == first.run_id  # the crawler stamped the run; the toy knows none

    # The crawler owns freshness: the same version again is skipped, the toy is not asked to map.
    second = run_ingest(run_settings, request)
    assert second.status == "success", second.warnings
    assert second.skipped_unchanged == 1
    assert "fetched" not in second.per_source["toy"]
