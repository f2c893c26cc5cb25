"""The API over the graph the real ingest builds from the bundled recordings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver

from ingest.job import IngestRequest, run_ingest
from service.app import create_app
from shoulders.settings import BUNDLED_RECORDINGS, Settings
from tests.api_server import Served, serve
from tests.conftest import wipe

RECORDINGS = BUNDLED_RECORDINGS
DISTILL_70B = "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"
SEEDS = [
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
    "hf:model:meta-llama/Llama-3.1-8B-Instruct",
]
LINEAGE = """query($inferred: Boolean!) {
  standsOn(key: "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B", maxDepth: 10,
           includeInferred: $inferred) {
    truncated
    nodes { distance entity { key } }
    edges { fromKey relation toKey method evidence { source field value url revision } }
  }
}"""


@pytest.fixture(scope="module")
def recorded(driver: Driver, settings: Settings) -> Iterator[Served]:
    wipe(driver, settings.neo4j_database)
    report = run_ingest(settings, IngestRequest(seeds=SEEDS, replay=RECORDINGS))
    assert report.fetched > 0 and report.status in {"success", "partial"}
    with serve(create_app(settings)) as served:
        yield served
    wipe(driver, settings.neo4j_database)


def test_stands_on_the_recorded_distill(recorded: Served) -> None:
    lineage = recorded.data(LINEAGE, inferred=True)["standsOn"]
    nodes = {n["entity"]["key"]: n["distance"] for n in lineage["nodes"]}
    edges = {(e["fromKey"], e["relation"], e["toKey"]): e for e in lineage["edges"]}
    base = edges[(DISTILL_70B, "FINETUNED_FROM", "hf:model:meta-llama/Llama-3.3-70B-Instruct")]
    assert base["method"] == "INFERRED"
    assert all(e["field"].startswith("README.md") and e["value"] for e in base["evidence"])
    teacher = edges[(DISTILL_70B, "DISTILLED_FROM", "hf:model:deepseek-ai/DeepSeek-R1")]
    assert "DeepSeek-R1" in teacher["evidence"][0]["value"]
    assert teacher["evidence"][0]["revision"]  # the card's commit sha
    assert "arxiv:2501.12948" in nodes
    assert {"pypi:torch", "github:pytorch/pytorch"} <= set(nodes)
    assert not lineage["truncated"]

    declared = recorded.data(LINEAGE, inferred=False)["standsOn"]
    declared_nodes = {n["entity"]["key"] for n in declared["nodes"]}
    assert "hf:model:meta-llama/Llama-3.3-70B-Instruct" not in declared_nodes
    assert declared_nodes <= set(nodes)
    assert all(e["method"] == "DECLARED" for e in declared["edges"])


def test_dependents_and_explain_on_the_recorded_graph(recorded: Served) -> None:
    dependents = recorded.data(
        """{ dependents(key: "hf:meta-llama/Llama-3.1-8B", maxDepth: 1, first: 100) {
             totalCount edges { relations node { key } } } }"""
    )["dependents"]
    found = {e["node"]["key"]: e["relations"] for e in dependents["edges"]}
    assert "FINETUNED_FROM" in found["hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-8B"]
    assert "FINETUNED_FROM" in found["hf:model:meta-llama/Llama-3.1-8B-Instruct"]
    assert dependents["totalCount"] == len(found)

    explanation = recorded.data(
        """{ explain(from: "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
                     to: "github:pytorch/pytorch") {
             length chains { hops { fromKey relation toKey evidence { source url field } } } } }"""
    )["explain"]
    assert explanation["length"] and explanation["chains"]
    for chain in explanation["chains"]:
        assert chain["hops"][0]["fromKey"] == DISTILL_70B
        assert chain["hops"][-1]["toKey"] == "github:pytorch/pytorch"
        for hop in chain["hops"]:
            assert hop["evidence"] and all(e["source"] and e["url"] for e in hop["evidence"])
