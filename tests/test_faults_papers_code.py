"""Upstream faults on the arXiv, Semantic Scholar, GitHub and PyPI routes (as tests/test_faults_hf.py
does for the Hub): the run completes as partial, names each failure, writes nothing half, and a
re-run against the recovered upstream equals a clean run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from ingest.runs import ExitCode, RunReport
from shoulders.settings import Settings
from tests.conftest import wipe
from tests.support.dump import canonical_dump
from tests.test_faults_hf import Graph, assert_nothing_half_written, overlay, waits  # noqa: F401
from tests.test_papers_code_ingest import RECORDINGS, SOURCES
from tests.test_papers_code_ingest import SEEDS as PAPER_CODE_SEEDS

# triton as a seed too, so its fault does not hide behind the manifest that names it.
SEEDS = [*PAPER_CODE_SEEDS, "pypi:triton"]
Failed = set[tuple[str, str]]


def _run(settings: Settings, folder: Path) -> RunReport:
    return run_ingest(settings, IngestRequest(seeds=SEEDS, replay=folder, sources=SOURCES))


def _failed(report: RunReport) -> Failed:
    return {(f.key, f.source) for f in report.failures}


@pytest.fixture
def local(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"http_max_retries": 2, "http_max_wait": 60.0, "report_dir": tmp_path / "reports"}
    )


@pytest.fixture(scope="module")
def clean(
    driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Graph, Failed]]:
    """A clean run's graph, and its failures: dependencies the recordings leave out."""
    wipe(driver, settings.neo4j_database)
    local = settings.model_copy(update={"report_dir": tmp_path_factory.mktemp("reports")})
    report = _run(local, RECORDINGS)
    assert all(source == "pypi" for _, source in _failed(report))
    yield Graph.of(canonical_dump(driver, settings.neo4j_database)), _failed(report)
    wipe(driver, settings.neo4j_database)


def test_faults_on_every_other_source_and_a_rerun_completes(
    graph: Driver,
    settings: Settings,
    local: Settings,
    clean: tuple[Graph, Failed],
    waits: list[float],  # noqa: F811
    tmp_path: Path,
) -> None:
    clean_graph, clean_failed = clean
    report = _run(local, overlay(tmp_path, "papers-code"))
    assert report.status == "partial" and report.exit_code() is ExitCode.PARTIAL
    reasons = {(f.key, f.source): f.reason for f in report.failures}
    faulted = {k: r for k, r in reasons.items() if k not in clean_failed}
    assert set(faulted) == {
        ("arxiv:2405.04434", "arxiv"),  # its feed cut short
        ("arxiv:2401.06066", "s2"),  # its references: every connection reset
        ("github:deepseek-ai/deepseek-v3", "github"),  # its manifest: 502 until retries ran out
        ("github:pytorch/pytorch", "github"),  # GitHub's rate limit, reset far away
        ("pypi:triton", "pypi"),  # cut JSON
    }
    assert "arXiv answered no feed" in faulted[("arxiv:2405.04434", "arxiv")]
    assert "network error ReadError" in faulted[("arxiv:2401.06066", "s2")]  # the reset
    assert "inference/requirements.txt" in faulted[("github:deepseek-ai/deepseek-v3", "github")]
    assert "HTTP 502" in faulted[("github:deepseek-ai/deepseek-v3", "github")]
    rate = faulted[("github:pytorch/pytorch", "github")]
    assert "rate limited: HTTP 403" in rate and "SHOULDERS_HTTP_MAX_WAIT" in rate
    assert "UpstreamError: malformed JSON" in faulted[("pypi:triton", "pypi")]
    # The Atom error entry failed only the batch: its other id was asked alone and fetched.
    assert ("arxiv:2401.06066", "arxiv") not in reasons
    assert report.per_source["arxiv"]["fetched"] >= 2

    faulty = Graph.of(canonical_dump(graph, settings.neo4j_database))
    # The paper and the repository are resolved from what did answer, so "nothing half
    # written" is checked for every entity that did not fail in part.
    partly = {key for key, _ in faulted}
    assert_nothing_half_written(
        Graph(
            status={k: s for k, s in faulty.status.items() if k not in partly},
            reason=faulty.reason,
            out=faulty.out,
            lines=faulty.lines,
        ),
        clean_graph,
    )
    recovered = _run(local, RECORDINGS)
    assert _failed(recovered) == clean_failed
    assert canonical_dump(graph, settings.neo4j_database) == clean_graph.lines
