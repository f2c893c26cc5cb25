"""SHOULDERS_HF_README: which model cards the HF ingest reads, through the real client.

``unexplained`` reads a README only when the metadata declares no base model; the
replay server's request log shows which cards were asked for, and the graph shows
what each model still gets.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import Driver

from ingest.crawl import Limits
from ingest.job import IngestRequest, run_ingest
from ingest.records import Provenance
from ingest.replay.server import ReplayServer
from ingest.runs import RunReport
from ingest.sources.hf.mapper import extract_claims, map_model, prose_claims
from ingest.sources.hf.payloads import Card, HfModel
from schema.vocabulary import Rel
from shoulders.settings import Settings
from tests.conftest import wipe
from tests.test_hf_ingest import HF_ONLY, LINEAGE_RELS, RECORDINGS, SEEDS, edges, m
from tests.test_hf_source import pointed_at
from tests.test_ingest_runs import cli

DECLARES = "deepseek-ai/DeepSeek-V3.2-Exp"  # cardData.base_model and base_model: tags
DISTILL = "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"  # declares nothing: lineage in prose only


def crawl(settings: Settings, policy: str, request: IngestRequest) -> tuple[RunReport, list[str]]:
    """One run with ``policy``; the README paths the replay server was asked for."""
    with ReplayServer(RECORDINGS) as server:
        report = run_ingest(pointed_at(settings, server, hf_readme=policy), request)
        readmes = [r.path for r in server.stats.requests if "/resolve/" in r.path]
    assert report.status == "success", report.failures
    return report, readmes


def readme_of(readmes: list[str], repo: str) -> list[str]:
    return [p for p in readmes if p.startswith(f"/hf/{repo}/resolve/")]


def test_unexplained_reads_only_the_cards_of_models_that_declare_no_base(
    graph: Driver, settings: Settings
) -> None:
    request = IngestRequest(
        seeds=["hf:model:Qwen/Qwen2.5-7B-Instruct"],
        hf_authors=["deepseek-ai"],
        sources=HF_ONLY,
        limits=Limits(depth=0),
    )
    report, readmes = crawl(settings, "unexplained", request)

    # Declared: the lineage comes from the metadata, and its card is never asked for.
    assert readme_of(readmes, DECLARES) == []
    assert readme_of(readmes, "Qwen/Qwen2.5-7B-Instruct") == []
    for model, base in [
        (DECLARES, "deepseek-ai/DeepSeek-V3.2-Exp-Base"),
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B"),
    ]:
        found = edges(graph, settings, m(model), "FINETUNED_FROM", m(base))
        assert {e["evidence_field"] for e in found} == {"tags", "cardData.base_model"}, model
        assert all(e["method"] == "declared" for e in found)
    records, _, _ = graph.execute_query(
        "MATCH (:Model {key: $key})-[r]->() WHERE r.evidence_field STARTS WITH 'README' "
        "RETURN count(r) AS n",
        key=m("Qwen/Qwen2.5-7B-Instruct"),
        database_=settings.neo4j_database,
    )
    assert records[0]["n"] == 0

    # Undeclared: the card is read once and its prose gives the base and the teacher.
    assert len(readme_of(readmes, DISTILL)) == 1
    weights = edges(graph, settings, m(DISTILL), "FINETUNED_FROM", m("meta-llama/Llama-3.1-8B"))
    assert {e["evidence_field"] for e in weights} == {
        "README.md#table:Base Model",
        "README.md#prose",
    }
    teacher = edges(graph, settings, m(DISTILL), "DISTILLED_FROM", m("DeepSeek-R1"))
    assert len(teacher) == 1 and teacher[0]["method"] == "inferred"

    # The report counts both, and the count of cards read is the server's.
    hf = report.per_source["hf"]
    assert hf["readme_read"] == len(readmes)
    assert hf["readme_read"] + hf["readme_skipped"] == hf["fetched"] == 13  # 12 listed + 1 seed
    assert hf["readme_skipped"] == 2  # DeepSeek-V3.2-Exp and Qwen2.5-7B-Instruct


def _assertions(drv: Driver, settings: Settings) -> set[tuple[str, ...]]:
    records, _, _ = drv.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) "
        "RETURN a.key AS a, type(r) AS t, b.key AS b, r.evidence_field AS f, "
        "r.evidence_value AS v",
        database_=settings.neo4j_database,
    )
    return {(r["a"], r["t"], r["b"], r["f"], r["v"]) for r in records}


def test_unexplained_gives_up_only_readme_assertions_of_declaring_models(
    graph: Driver, settings: Settings
) -> None:
    request = IngestRequest(seeds=SEEDS, sources=HF_ONLY)
    always, always_readmes = crawl(settings, "always", request)
    full = _assertions(graph, settings)
    wipe(graph, settings.neo4j_database)
    unexplained, readmes = crawl(settings, "unexplained", request)
    fewer = _assertions(graph, settings)

    # The default reads every fetched model's card and skips none.
    assert "readme_skipped" not in always.per_source["hf"]
    assert len(always_readmes) == always.per_source["hf"]["readme_read"] == always.fetched
    assert unexplained.fetched == always.fetched
    assert len(readmes) == unexplained.per_source["hf"]["readme_read"] < len(always_readmes)

    assert fewer < full
    records, _, _ = graph.execute_query(
        f"MATCH (n:Model {{status: 'resolved'}}) "
        f"WHERE EXISTS {{ (n)-[r:{LINEAGE_RELS}]->() WHERE r.method = 'declared' }} "
        "RETURN collect(n.key) AS keys",
        database_=settings.neo4j_database,
    )
    declaring = set(records[0]["keys"])
    assert len(declaring) == unexplained.per_source["hf"]["readme_skipped"]
    for start, _, _, field, _ in full - fewer:
        assert start in declaring and field.startswith("README.md"), (start, field)


def _model(**fields: Any) -> HfModel:
    base: dict[str, Any] = {
        "id": "acme/tiny-chat",
        "author": "acme",
        "sha": "1" * 40,
        "last_modified": None,
        "created_at": None,
        "library_name": None,
        "pipeline_tag": None,
        "gated": None,
        "downloads": None,
        "likes": None,
        "tags": (),
        "card_data": {},
        "architectures": (),
        "model_type": None,
    }
    return HfModel(**{**base, **fields})


def test_what_counts_as_declaring_a_base() -> None:
    assert extract_claims(_model(card_data={"base_model": "acme/tiny"})).declares_base
    assert extract_claims(_model(card_data={"base_model": ["acme/a", "acme/b"]})).declares_base
    assert extract_claims(
        _model(tags=("base_model:finetune:acme/tiny", "base_model:acme/tiny"))
    ).declares_base
    assert extract_claims(_model(tags=("base_model:acme/tiny",))).declares_base
    assert not extract_claims(_model()).declares_base
    assert not extract_claims(_model(tags=("license:mit", "dataset:acme/data"))).declares_base
    # Naming itself, or something that is no Hub id, explains nothing: the card is read.
    assert not extract_claims(_model(card_data={"base_model": "acme/tiny-chat"})).declares_base
    assert not extract_claims(
        _model(card_data={"base_model": "../my local checkpoint"})
    ).declares_base


def test_cli_flag_overrides_the_setting(graph: Driver) -> None:
    done = cli(
        "ingest", "--replay", str(RECORDINGS), "--source", "hf", "--depth", "0",
        "--hf-readme", "unexplained", "--seed", f"hf:{DECLARES}", "--seed", f"hf:{DISTILL}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "HF READMEs: unexplained" in " ".join(done.stderr.split())  # rich wraps lines
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["per_source"]["hf"] == {"fetched": 2, "readme_read": 1, "readme_skipped": 1}
    assert cli("ingest", "--hf-readme", "never", "--seed", f"hf:{DISTILL}").returncode == 2


def test_a_cards_claims_are_extracted_once_from_its_body() -> None:
    text = (
        "---\nlicense: mit\ndescription: >-\n"
        "  tiny-chat is based on [acme/yaml-base](https://huggingface.co/acme/yaml-base)\n---\n"
        "tiny-chat is fine-tuned from [acme/tiny-base](https://huggingface.co/acme/tiny-base).\n"
    )
    m = _model(tags=("base_model:finetune:acme/tagged",))
    # Read over the whole card, the front matter would give a claim of its own.
    assert "hf:model:acme/yaml-base" in {c.target for c in prose_claims(m, text)}
    claims = extract_claims(m, Card(text=text, url="https://hub/acme/tiny-chat", revision="1"))
    assert {c.target for c in claims.prose} == {"hf:model:acme/tiny-base"}
    # What the source resolves and what the mapper maps are the same claims.
    assert claims.to_resolve() == {"hf:model:acme/tiny-base"}
    prov = Provenance("hf", "https://hub/api/models/acme/tiny-chat", "1", "2026-01-01", "run")
    mapped = map_model(m, claims, {}, prov, "https://hub")
    lineage = {e.end for e in mapped.batch.edges if e.rel is Rel.FINETUNED_FROM}
    assert lineage == {"hf:model:acme/tagged", "hf:model:acme/tiny-base"}
