"""The main job end to end (without serving): every DeepSeek model reaches PyTorch and LLaMA."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import Driver

from service.app import create_app
from shoulders.cli.up import DEEPSEEK_SEEDS
from shoulders.settings import Settings
from tests.api_server import serve
from tests.test_hf_ingest import RECORDINGS

# DeepSeek-V3.2-Exp is crawled too, but nothing recorded about it (card, page) links a
# paper with an arXiv id or a code repository, so it has no chain to either target.
DEEPSEEK_MODELS = [
    s.removeprefix("hf:")
    for s in DEEPSEEK_SEEDS
    if s.startswith("hf:deepseek-ai/") and s != "hf:deepseek-ai/DeepSeek-V3.2-Exp"
]


@pytest.fixture(scope="module")
def main_job_graph(driver: Driver, settings: Settings) -> Driver:
    from tests.conftest import wipe

    wipe(driver, settings.neo4j_database)
    done = subprocess.run(
        [sys.executable, "-m", "shoulders.cli", "up", "--no-serve", "--replay", str(RECORDINGS)],
        capture_output=True,
        text=True,
        env={**os.environ, "SHOULDERS_LOG_FORMAT": "json"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "replaying" in done.stdout and "GraphQL API" in done.stdout
    return driver


@pytest.mark.parametrize("model", DEEPSEEK_MODELS)
@pytest.mark.parametrize("target", ["github:pytorch/pytorch", "arxiv:2302.13971"])
def test_every_deepseek_model_reaches(
    main_job_graph: Driver, settings: Settings, model: str, target: str
) -> None:
    records, _, _ = main_job_graph.execute_query(
        "MATCH (m:Model {key: $model}), (t:Entity {key: $target}) "
        "MATCH p = shortestPath((m)-[*..12]->(t)) "
        "RETURN [r IN relationships(p) | r.evidence_field] AS evidence",
        model=f"hf:model:{model}",
        target=target,
        database_=settings.neo4j_database,
    )
    assert records, f"no chain from {model} to {target}"
    assert all(records[0]["evidence"])  # every hop has its evidence


README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"```graphql\n(.*?)```\s*\n[^`]*?```json\n(.*?)```", re.S)


def readme_examples() -> list[tuple[str, str]]:
    section = README.read_text().split("## Example queries", 1)[1].split("\n## ", 1)[0]
    return EXAMPLE.findall(section)


def test_readme_examples_return_what_the_readme_shows(
    main_job_graph: Driver, settings: Settings
) -> None:
    examples = readme_examples()
    assert len(examples) >= 2
    with serve(create_app(settings)) as served:
        for query, shown in examples:
            assert served.data(query) == json.loads(shown), query
