"""Upstream faults on the Hugging Face routes: each run completes, names what failed and why,
leaves nothing half-written, exits "partial", and a re-run after recovery completes the graph.

Scenarios live in tests/recordings_faults/<scenario>/: each file there replaces the bundled
recording at the same path (``overlay``). Faults already covered by tests/test_hf_source.py
(429/503/502 retried on model_info, timeouts on model_info, the A -> B -> A cycle and a
self-reference, secrets) and tests/test_ingest_runs.py (404) are not repeated here.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from ingest import job
from ingest.http import HttpClient
from ingest.job import IngestRequest, run_ingest
from ingest.runs import ExitCode, RunReport
from shoulders.settings import Settings
from tests.conftest import wipe
from tests.support.dump import canonical_dump
from tests.test_hf_ingest import HF_ONLY, RECORDINGS

FAULTS = Path(__file__).resolve().parent / "recordings_faults"
SEEDS = [
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "hf:model:Qwen/Qwen2.5-7B-Instruct",
    "hf:model:meta-llama/Llama-3.1-8B-Instruct",
]


def overlay(tmp_path: Path, scenario: str, base: Path = RECORDINGS) -> Path:
    """The bundled recordings with the scenario's files put over them."""
    target = tmp_path / scenario
    shutil.copytree(base, target)
    shutil.copytree(FAULTS / scenario, target, dirs_exist_ok=True)
    return target


@dataclass
class Graph:
    """A canonical dump, indexed: node status by key, outgoing edge lines by start key."""

    status: dict[str, str] = field(default_factory=dict)
    reason: dict[str, str] = field(default_factory=dict)
    out: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    lines: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, lines: list[str]) -> Graph:
        graph = cls(lines=lines)
        for line in lines:
            item = json.loads(line)
            if item[0] == "node":
                props = item[2]
                graph.status[props["key"]] = props.get("status", "")
                graph.reason[props["key"]] = props.get("unresolved_reason", "")
            else:
                graph.out[item[1]].add(line)
        return graph


def assert_nothing_half_written(faulty: Graph, clean: Graph) -> None:
    """Every edge is one a clean run writes; every resolved entity has all its edges;
    every failed entity has none (its node and its edges are one transaction)."""
    for start, edges in faulty.out.items():
        assert edges <= clean.out[start], f"{start}: edges a clean run does not write"
    for key, status in faulty.status.items():
        if status == "resolved":
            assert faulty.out[key] == clean.out[key], f"{key} is resolved but lacks edges"
        if status == "unresolved":
            assert not faulty.out[key], f"{key} failed but has edges"
            assert faulty.reason[key], f"{key} failed without a reason on the node"


def failure_reasons(report: RunReport) -> dict[str, str]:
    return {f.key: f.reason for f in report.failures}


def run_node_failures(drv: Driver, settings: Settings, run_id: str) -> list[str]:
    records, _, _ = drv.execute_query(
        "MATCH (r:IngestRun {run_id: $id}) RETURN r.status AS status, r.failures AS failures",
        id=run_id,
        database_=settings.neo4j_database,
    )
    assert records[0]["status"] == "partial"
    return list(records[0]["failures"])


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the HTTP layer asks for, recorded instead of slept (retries stay real)."""
    asked: list[float] = []
    monkeypatch.setattr(job, "HttpClient", functools.partial(HttpClient, sleep=asked.append))
    return asked


@pytest.fixture
def fault_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "http_max_retries": 2,
            "http_max_wait": 60.0,
            "http_timeout": 1.0,
            "report_dir": tmp_path / "reports",
        }
    )


Ingest = Callable[[Path], RunReport]


@pytest.fixture
def ingest(fault_settings: Settings) -> Ingest:
    def run(folder: Path) -> RunReport:
        request = IngestRequest(seeds=SEEDS, replay=folder, sources=HF_ONLY)
        return run_ingest(fault_settings, request)

    return run


@pytest.fixture(scope="module")
def clean(driver: Driver, settings: Settings) -> Iterator[Graph]:
    """What one clean run over the same seeds writes."""
    wipe(driver, settings.neo4j_database)
    report = run_ingest(settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS, sources=HF_ONLY))
    assert report.status == "success", report.failures
    yield Graph.of(canonical_dump(driver, settings.neo4j_database))
    wipe(driver, settings.neo4j_database)


def check_recovery(graph: Driver, settings: Settings, ingest: Ingest, clean: Graph) -> RunReport:
    """Nothing half-written now; a run against the recovered upstream equals a clean run."""
    faulty = Graph.of(canonical_dump(graph, settings.neo4j_database))
    assert_nothing_half_written(faulty, clean)
    assert faulty.lines != clean.lines  # the faults really cost something
    recovered = ingest(RECORDINGS)
    assert recovered.status == "success", recovered.failures
    assert canonical_dump(graph, settings.neo4j_database) == clean.lines
    return recovered


M = "hf:model:"


def test_http_faults_fail_their_items_and_a_rerun_completes(
    graph: Driver,
    settings: Settings,
    clean: Graph,
    ingest: Ingest,
    waits: list[float],
    tmp_path: Path,
) -> None:
    report = ingest(overlay(tmp_path, "hf-upstream"))
    assert report.status == "partial" and report.exit_code() is ExitCode.PARTIAL
    reasons = failure_reasons(report)
    assert set(reasons) == {
        M + "meta-llama/Llama-3.1-70B",  # 503, 502, 500: more than the retries
        M + "deepseek-ai/DeepSeek-V3-Base",  # RateLimit asks for 601 s
        M + "Qwen/Qwen2.5-Math-7B",  # gated: 401 GatedRepo
        M + "Qwen/Qwen2.5-7B-Instruct",  # its card: 503 until the retries ran out
    }
    assert "upstream error: HTTP 500" in reasons[M + "meta-llama/Llama-3.1-70B"]
    rate = reasons[M + "deepseek-ai/DeepSeek-V3-Base"]
    assert "rate limited: HTTP 429" in rate and "SHOULDERS_HTTP_MAX_WAIT" in rate
    assert "gated: HTTP 401" in reasons[M + "Qwen/Qwen2.5-Math-7B"]
    assert reasons[M + "Qwen/Qwen2.5-7B-Instruct"].startswith(
        "model card: upstream error: HTTP 503"
    )
    # R1's card: a 429 (Retry-After: 1) and a 503 (Retry-After: 0), then the card.
    assert M + "deepseek-ai/DeepSeek-R1" not in reasons
    assert 1.0 in waits and 0.0 in waits and max(waits) < 60
    named = run_node_failures(graph, settings, report.run_id)
    assert {line.split(": ", 1)[0] for line in named} == set(reasons)
    check_recovery(graph, settings, ingest, clean)


def test_broken_connections_fail_their_items_and_a_rerun_completes(
    graph: Driver,
    settings: Settings,
    clean: Graph,
    ingest: Ingest,
    waits: list[float],
    tmp_path: Path,
) -> None:
    report = ingest(overlay(tmp_path, "hf-transport"))
    assert report.status == "partial" and report.exit_code() is ExitCode.PARTIAL
    reasons = failure_reasons(report)
    assert set(reasons) == {
        M + "deepseek-ai/DeepSeek-R1",  # every connection reset
        M + "meta-llama/Llama-3.3-70B-Instruct",  # JSON cut short
        M + "Qwen/Qwen2.5-Math-7B",  # card cut short
        M + "Qwen/Qwen2.5-7B-Instruct",  # card slower than the timeout
    }
    assert "Connection reset by peer" in reasons[M + "deepseek-ai/DeepSeek-R1"]
    cut = "without sending complete message body"
    assert cut in reasons[M + "meta-llama/Llama-3.3-70B-Instruct"]
    assert reasons[M + "Qwen/Qwen2.5-Math-7B"].startswith(
        "model card: network error RemoteProtocolError"
    )
    assert reasons[M + "Qwen/Qwen2.5-7B-Instruct"].startswith("model card: timeout")
    # Llama-3.1-8B-Instruct's card: a reset, a cut answer, then the card.
    assert M + "meta-llama/Llama-3.1-8B-Instruct" not in reasons
    assert report.http["retries"] == len(waits) >= 2 * 4 + 2
    check_recovery(graph, settings, ingest, clean)


def test_malformed_bodies_fail_their_items_and_a_rerun_completes(
    graph: Driver, settings: Settings, clean: Graph, ingest: Ingest, tmp_path: Path
) -> None:
    report = ingest(overlay(tmp_path, "hf-bodies"))
    assert report.status == "partial"
    reasons = failure_reasons(report)
    assert set(reasons) == {
        M + "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",  # cut JSON
        M + "meta-llama/Llama-3.3-70B-Instruct",  # JSON bytes that are not UTF-8
    }
    assert all("malformed response" in reason for reason in reasons.values())
    assert report.http["retries"] == 0  # a broken body is not retried: it would not change
    check_recovery(graph, settings, ingest, clean)


def test_hostile_cards_are_read_as_far_as_they_go(
    graph: Driver, settings: Settings, fault_settings: Settings
) -> None:
    """Not faults of the run: a card that is not UTF-8, not YAML, 10 MB or gated."""
    seeds = [M + f"acme/{name}" for name in ("garbled", "broken-yaml", "huge", "gated-card")]
    request = IngestRequest(seeds=seeds, replay=FAULTS / "hf-cards", sources=HF_ONLY)
    report = run_ingest(fault_settings, request)
    assert report.status == "success", report.failures
    assert report.fetched == 5  # the four and acme/root
    warnings = "\n".join(report.warnings)
    assert "acme/broken-yaml: README front matter unreadable" in warnings
    assert "acme/huge: README.md has 9,810,000 characters; only the first 1,000,000" in warnings
    assert "acme/gated-card: card not readable (gated: HTTP 403" in warnings
    records, _, _ = graph.execute_query(
        "MATCH (m:Model)-[r:FINETUNED_FROM]->(:Model {key: 'hf:model:acme/root'}) "
        "RETURN m.key AS m, m.status AS status, collect(r.evidence_field) AS fields",
        database_=settings.neo4j_database,
    )
    found: dict[str, Any] = {r["m"]: r for r in records}
    assert set(found) == set(seeds)
    assert all(r["status"] == "resolved" for r in records)
    # Prose is still read from the undecodable card and (up to the cap) from the huge one.
    for name in ("garbled", "huge", "broken-yaml"):
        assert "README.md#prose" in found[M + f"acme/{name}"]["fields"], name
    assert "README.md#prose" not in found[M + "acme/gated-card"]["fields"]
