"""A whole ingest over the papers/code/libraries neighbourhood: replayed APIs, real Neo4j."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from ingest.replay.server import ReplayServer
from ingest.runs import RunReport
from shoulders.settings import BUNDLED_RECORDINGS, Settings, env_names

RECORDINGS = BUNDLED_RECORDINGS
SOURCES = frozenset({"arxiv", "s2", "github", "pypi"})
SEEDS = ["arxiv:2412.19437", "github:deepseek-ai/deepseek-v3", "pypi:torch"]
# Dependencies of transformers that the recordings leave out (reached at code depth 2).
#: transformers' own dependencies: their PyPI answers are constructed (name only), see
#: ingest/recordings/pypi/README.md
CONSTRUCTED = {
    "pypi:filelock",
    "pypi:huggingface-hub",
    "pypi:numpy",
    "pypi:packaging",
    "pypi:pyyaml",
    "pypi:regex",
    "pypi:requests",
    "pypi:tokenizers",
    "pypi:tqdm",
}


def _edge(driver: Driver, database: str, start: str, rel: str, end: str) -> dict[str, Any] | None:
    records, _, _ = driver.execute_query(
        "MATCH (a:Entity {key: $start})-[r]->(b:Entity {key: $end}) WHERE type(r) = $rel "
        "RETURN properties(r) AS r",
        start=start,
        end=end,
        rel=rel,
        database_=database,
    )
    return dict(records[0]["r"]) if records else None


def _node(driver: Driver, database: str, key: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (n:Entity {key: $key}) RETURN properties(n) AS n", key=key, database_=database
    )
    assert records, f"no node {key}"
    return dict(records[0]["n"])


def _pointed_at(server: ReplayServer, settings: Settings, report_dir: Path) -> Settings:
    by_env = {env: name for name, env in env_names().items()}
    updates: dict[str, object] = {by_env[e]: url for e, url in server.endpoints().items()}
    updates["report_dir"] = report_dir  # the ETag cache lives here
    return settings.model_copy(update=updates)


@pytest.fixture(scope="module")
def crawl(
    settings: Settings, driver: Driver, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunReport, dict[str, int]]:
    """One run from the three seeds; its report and the requests each service saw."""
    from tests.conftest import wipe

    wipe(driver, settings.neo4j_database)
    # Our own server (not IngestRequest.replay) so the test can read what each API was asked.
    with ReplayServer(RECORDINGS) as server:
        local = _pointed_at(server, settings, tmp_path_factory.mktemp("reports"))
        report = run_ingest(local, IngestRequest(seeds=SEEDS, sources=SOURCES))
        routes = {f"{method} {path}": n for (method, path), n in server.stats.per_route().items()}
        per_service = dict(server.stats.per_service())
    return report, {**routes, **per_service}


@pytest.fixture(scope="module")
def report(crawl: tuple[RunReport, dict[str, int]]) -> RunReport:
    return crawl[0]


def test_run_succeeds_with_every_dependency_recorded(
    report: RunReport, driver: Driver, settings: Settings
) -> None:
    assert report.status == "success" and report.failures == []
    for key in CONSTRUCTED:  # fetched from their constructed answers, not unresolved
        assert _node(driver, settings.neo4j_database, key)["status"] == "resolved"


def test_paper_chain_to_llama(report: RunReport, driver: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    chain = ["arxiv:2412.19437", "arxiv:2405.04434", "arxiv:2401.02954", "arxiv:2302.13971"]
    for citing, cited in itertools.pairwise(chain):
        edge = _edge(driver, db, citing, "CITES", cited)
        assert edge is not None, f"{citing} -CITES-> {cited}"
        assert edge["source"] == "s2" and edge["evidence_field"] == "references"
        assert edge["evidence_value"] and edge["url"].endswith("&offset=0")
    v3 = _node(driver, db, "arxiv:2412.19437")
    assert (v3["status"], v3["revision"], v3["source"]) == ("resolved", "v2", "arxiv")
    assert _node(driver, db, "arxiv:2302.13971")["name"].startswith("LLaMA")
    code = _edge(driver, db, "arxiv:2412.19437", "HAS_CODE", "github:deepseek-ai/deepseek-v3")
    assert code is not None and code["method"] == "inferred"


def test_code_chain_to_pytorch(report: RunReport, driver: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    repo = "github:deepseek-ai/deepseek-v3"
    pins = {
        "torch": "==2.4.1",
        "triton": "==3.0.0",
        "transformers": "==4.46.3",
        "safetensors": "==0.4.5",
    }
    upstream = {
        "torch": "github:pytorch/pytorch",
        "triton": "github:triton-lang/triton",
        "transformers": "github:huggingface/transformers",
        "safetensors": "github:huggingface/safetensors",
    }
    for package, spec in pins.items():
        dep = _edge(driver, db, repo, "DEPENDS_ON", f"pypi:{package}")
        assert dep is not None, package
        assert (dep["detail"], dep["evidence_field"]) == (spec, "inference/requirements.txt")
        built = _edge(driver, db, f"pypi:{package}", "BUILT_FROM", upstream[package])
        assert built is not None and built["source"] == "pypi", package
        assert _node(driver, db, upstream[package])["status"] == "resolved"


def test_repository_without_manifests_is_crawled(
    report: RunReport, driver: Driver, settings: Settings, tmp_path: Path
) -> None:
    # Nothing in the seeds above leads to R1's repository: crawl it as a seed of its own.
    local = settings.model_copy(update={"report_dir": tmp_path})
    request = IngestRequest(
        seeds=["github:deepseek-ai/deepseek-r1"], replay=RECORDINGS, sources=SOURCES
    )
    r1 = run_ingest(local, request)
    assert r1.status == "success" and not r1.failures
    assert (
        "github:deepseek-ai/deepseek-r1: no dependency manifests in the repository" in r1.warnings
    )
    node = _node(driver, settings.neo4j_database, "github:deepseek-ai/deepseek-r1")
    assert node["manifests"] == [] and node["status"] == "resolved"


def test_request_counts_are_reported_and_papers_are_batched(
    crawl: tuple[RunReport, dict[str, int]],
) -> None:
    report, seen = crawl
    assert report.per_source["arxiv"]["fetched"] == 4 and report.per_source["s2"]["fetched"] == 4
    assert report.http["retries"] == 1  # the scripted S2 429
    # The report counts every request (the 429 included); PyPI is one GET per package asked
    # (4 captured + 9 constructed), and the replay server saw exactly those.
    assert report.http["total"] == seen["arxiv"] + seen["s2"] + seen["github"] + seen["pypi"]
    assert seen["pypi"] == 4 + 9
    # Papers: one arXiv query and one S2 batch per crawl level (3 levels, 4 papers fetched);
    # only the reference pages are per paper (S2 has intents/influence only there).
    assert seen["GET /arxiv/api/query"] == 3
    assert seen["POST /s2/graph/v1/paper/batch"] == 3
    assert seen["s2"] == 3 + 4 + 1


def test_second_run_gets_304s(settings: Settings, graph: Driver, tmp_path: Path) -> None:
    with ReplayServer(RECORDINGS) as server:
        local = _pointed_at(server, settings, tmp_path)  # one ETag cache for both runs
        request = IngestRequest(
            seeds=["github:deepseek-ai/deepseek-v3"], sources=frozenset({"github"})
        )
        first = run_ingest(local, request)
        second = run_ingest(local, request)
        statuses = [r.status for r in server.stats.requests]
    assert first.http["not_modified"] == 0
    # Repository and tree answer 304; the tree is unchanged, so the manifest is not asked again.
    assert second.http["not_modified"] == 2 and statuses.count(304) == 2
    assert second.skipped_unchanged == 1
