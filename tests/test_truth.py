"""Lineage extraction on real cards outside the DeepSeek set, and the evaluation that measures it.

The cards are the labelled corpus in ``bench/truth/corpus/`` (real Hub API answers and
model cards, see its INDEX.md). The pure tests map one card each and check the fact its
template states; the last test runs the evaluation (``python -m bench.truth --quick``)
against the test Neo4j and checks the page it writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from huggingface_hub.hf_api import ModelInfo
from neo4j import Driver

from bench.truth.__main__ import main as truth_main
from bench.truth.labels import load_corpus
from bench.truth.run import CORPUS
from ingest.records import EdgeRecord, Provenance
from ingest.replay.from_captures import constructed_api, load_case, make_recordings
from ingest.replay.server import ReplayServer
from ingest.sources.hf import libraries, links, templates
from ingest.sources.hf.mapper import CONF_CONTRADICTED, extract_claims, map_model
from ingest.sources.hf.payloads import Card, HfModel
from schema.vocabulary import Method, Rel
from shoulders.settings import Settings

PROV = Provenance("hf", "https://huggingface.co/api/models/x", "r1", "2026-01-01T00:00:00Z", "r")


def _folder(repo_id: str) -> Path:
    return CORPUS / repo_id.replace("/", "__")


def _model(repo_id: str) -> tuple[HfModel, Card]:
    case = load_case(_folder(repo_id))
    model = HfModel.from_info(ModelInfo(**case.api))  # type: ignore[arg-type]
    text = (_folder(repo_id) / "README.md").read_text(encoding="utf-8")
    return model, Card(text, f"https://huggingface.co/{repo_id}/resolve/main/README.md", "main")


def _edges(repo_id: str) -> list[EdgeRecord]:
    model, card = _model(repo_id)
    return map_model(
        model, extract_claims(model, card), {}, PROV, "https://huggingface.co"
    ).batch.edges


def _ends(edges: list[EdgeRecord], rel: Rel, min_confidence: float = 0.5) -> set[str]:
    return {e.end for e in edges if e.rel is rel and e.evidence.confidence >= min_confidence}


def _body(repo_id: str) -> str:
    return (_folder(repo_id) / "README.md").read_text(encoding="utf-8")


# --- the corpus and its recordings ---------------------------------------------------------
def test_corpus_is_complete_with_provenance() -> None:
    labels = load_corpus(CORPUS)
    assert len(labels) == 51
    for lab in labels:
        for name in ("README.md", "api_model.json"):
            f = lab.folder / name
            if f.exists():
                assert (lab.folder / f"{name}.source.txt").is_file(), f


def test_recordings_from_captures_replay_the_hub(tmp_path: Path) -> None:
    cases = make_recordings(CORPUS, tmp_path)
    assert len(cases) == 51 and sum(c.constructed for c in cases) == 20
    with ReplayServer(tmp_path) as server:
        import httpx

        hf = server.url("hf")
        captured = httpx.get(f"{hf}/api/models/google/gemma-3-1b-it").content
        assert captured == (_folder("google/gemma-3-1b-it") / "api_model.json").read_bytes()
        # a renamed dataset answers under the id the card wrote, with its new id
        renamed = httpx.get(f"{hf}/api/datasets/wiki_dpr").json()
        assert renamed["id"] == "facebook/wiki_dpr"
        # a README-only card gets an API answer built from its front matter, as the Hub does
        built = httpx.get(f"{hf}/api/models/Vortex5/Abyssal-Seraph-12B").json()
        assert "base_model:merge:Vortex5/LunaMaid-12B" in built["tags"]
        card = httpx.get(f"{hf}/Vortex5/Abyssal-Seraph-12B/resolve/{built['sha']}/README.md")
        assert card.status_code == 200 and card.headers["X-Repo-Commit"] == built["sha"]
        assert server.stats.unmatched() == []
    made = (tmp_path / "hf/models/Vortex5/Abyssal-Seraph-12B/model.yaml").read_text()
    assert made.startswith("kind: constructed")


def test_constructed_api_reads_the_relation_the_hub_would() -> None:
    gguf = constructed_api("a/M-GGUF", "---\nbase_model: b/M\n---\ntext")
    assert "base_model:quantized:b/M" in gguf["tags"]
    lora = constructed_api("a/M-4bit-ft", "---\nbase_model: b/M\nlibrary_name: peft\n---\n")
    assert "base_model:adapter:b/M" in lora["tags"]
    # a card that opens with a blank line still has front matter (QuantFactory's do)
    blank = constructed_api("a/M", "\n---\nlicense: mit\n---\nSee https://arxiv.org/abs/2501.12948")
    assert {"license:mit", "arxiv:2501.12948"} <= set(blank["tags"])


# --- class 2 and 8: how cards state a base --------------------------------------------------
@pytest.mark.parametrize(
    ("repo_id", "rel", "base"),
    [
        # "This is the chat model finetuned on top of [X](link)"
        (
            "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
            Rel.FINETUNED_FROM,
            "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T",
        ),
        # "This model is based on [X](link)."
        (
            "deutsche-telekom/gbert-large-paraphrase-cosine",
            Rel.FINETUNED_FROM,
            "deepset/gbert-large",
        ),
        # "This is [OpenLLaMA 3B V2](link) finetuned on ..."
        ("acrastt/Marx-3B-V2", Rel.FINETUNED_FROM, "openlm-research/open_llama_3b_v2"),
        # Trainer template: "This model is a fine-tuned version of [X](link)"
        ("sayeed99/segformer-b2-fashion", Rel.FINETUNED_FROM, "nvidia/mit-b2"),
        # "Original model: <link>" on a GGUF card
        (
            "bartowski/Qwen2-7B-Multilingual-RP-GGUF",
            Rel.QUANTIZED_FROM,
            "maywell/Qwen2-7B-Multilingual-RP",
        ),
        # "converted to GGUF format from [`X`]"
        (
            "mudler/Minerva-3B-base-v1.0-Q8_0-GGUF",
            Rel.QUANTIZED_FROM,
            "sapienzanlp/Minerva-3B-base-v1.0",
        ),
        # "converted to MLX format from [`X`]()" (an empty link: the id is the text)
        (
            "mlx-community/gemma-3-12b-it-qat-4bit",
            Rel.QUANTIZED_FROM,
            "google/gemma-3-12b-it-qat-q4_0-unquantized",
        ),
        # "distilled from [X](link)" whatever the repo's name
        ("minishlab/potion-code-16M-v2", Rel.DISTILLED_FROM, "nomic-ai/CodeRankEmbed"),
        # LazyMergekit card without front matter: the list and the config
        ("abhinand/Llama-3-OpenBioMed-8B-slerp-v0.3", Rel.MERGED_FROM, "skumar9/Llama-medx_v3"),
    ],
)
def test_prose_base_templates(repo_id: str, rel: Rel, base: str) -> None:
    edges = [e for e in _edges(repo_id) if e.rel is rel and e.end == f"hf:model:{base}"]
    assert edges, (repo_id, rel, base)
    inferred = [e for e in edges if e.evidence.method is Method.INFERRED]
    assert inferred and all(0.5 <= e.evidence.confidence < 1 for e in inferred)
    assert all(e.evidence.value in _body(repo_id) for e in inferred)  # the exact line


def test_copied_front_matter_is_kept_as_a_contradicted_claim() -> None:
    model, card = _model("QuantFactory/Llama-3.2-3B-Instruct-abliterated-GGUF")
    mapped = map_model(model, extract_claims(model, card), {}, PROV, "https://huggingface.co")
    lineage = {(e.rel, e.end): e for e in mapped.batch.edges if e.end.startswith("hf:model:")}
    parent = lineage[(Rel.QUANTIZED_FROM, "hf:model:huihui-ai/Llama-3.2-3B-Instruct-abliterated")]
    assert parent.evidence.confidence >= 0.8
    grandparent = [e for (_, end), e in lineage.items() if "meta-llama" in end]
    assert grandparent and all(e.evidence.confidence == CONF_CONTRADICTED for e in grandparent)
    assert all("contradicted" in (e.detail or "") for e in grandparent)
    assert any("conflicts" in w for w in mapped.warnings)


def test_foreign_front_matter_datasets_are_not_asserted() -> None:
    edges = _edges("mlx-community/gemma-3-12b-it-qat-4bit")
    assert "hf:dataset:OpenGVLab/MMPR-v1.2" not in _ends(edges, Rel.TRAINED_ON)
    assert "hf:model:OpenGVLab/InternVL3-1B-Instruct" not in _ends(edges, Rel.FINETUNED_FROM)


def test_adapter_wording_keeps_the_declared_relation() -> None:
    edges = _edges("IvanKem/Qwen2.5-VL-32-unsloth-4bit-ft")
    base = "hf:model:unsloth/qwen2.5-vl-32b-instruct-bnb-4bit"
    assert {e.rel for e in edges if e.end == base} == {Rel.ADAPTER_OF}


def test_a_name_without_an_id_is_not_guessed() -> None:
    edges = _edges("google/flan-t5-base")  # "based on pretrained T5": no checkpoint named
    assert not {e for e in edges if e.rel in (Rel.FINETUNED_FROM, Rel.DERIVED_FROM)}


# --- class 3: the Trainer's framework versions, canonical package keys ----------------------
def test_framework_versions_become_libraries_with_versions() -> None:
    edges = _edges("sayeed99/segformer-b2-fashion")
    torch = [e for e in edges if e.rel is Rel.USES_LIBRARY and e.end == "pypi:torch"]
    assert any(e.detail == "==2.2.2" and "2.2.2+cu121" in e.evidence.value for e in torch)
    assert {"pypi:transformers", "pypi:datasets", "pypi:tokenizers"} <= _ends(
        edges, Rel.USES_LIBRARY
    )
    assert libraries.package("Pytorch") == "torch"


def test_version_floors_and_pins() -> None:
    floors = {(c.package, c.version) for c in libraries.version_floors(_body("Qwen/Qwen3-0.6B"))}
    assert {("transformers", "4.51.0"), ("sglang", "0.4.6.post1"), ("vllm", "0.8.5")} <= floors
    pins = {
        (c.package, c.version) for c in libraries.pip_installs(_body("inclusionAI/Ling-flash-2.0"))
    }
    assert ("sglang", "0.5.2rc0") in pins and ("sgl-kernel", "0.3.7.post1") in pins


def test_weight_format_tags_are_not_libraries() -> None:
    # the Hub tags t5-base "pytorch" and "jax" for its weight files; the card names neither
    assert not {"pypi:torch", "pypi:jax"} & _ends(_edges("google-t5/t5-base"), Rel.USES_LIBRARY)


# --- class 4: training data in prose vs evaluation data --------------------------------------
def test_prose_training_datasets_but_not_eval_datasets() -> None:
    tiny = _ends(_edges("TinyLlama/TinyLlama-1.1B-Chat-v1.0"), Rel.TRAINED_ON)
    assert {"hf:dataset:stingning/ultrachat", "hf:dataset:openbmb/UltraFeedback"} <= tiny
    gemma = _ends(_edges("google/gemma-3-1b-it"), Rel.TRAINED_ON)
    assert "hf:dataset:CohereForAI/Global-MMLU-Lite" not in gemma


# --- class 5: paper roles --------------------------------------------------------------------
def test_own_paper_from_the_papers_line_not_from_tags() -> None:
    mt5 = _edges("google/mt5-small")
    assert "arxiv:2010.11934" in _ends(mt5, Rel.DESCRIBED_BY)
    gemma = _edges("google/gemma-3-1b-it")  # 29 arxiv tags: benchmarks and the Gemini paper
    assert not _ends(gemma, Rel.DESCRIBED_BY)
    assert "arxiv:2505.09388" in _ends(_edges("Qwen/Qwen3-32B"), Rel.DESCRIBED_BY)
    assert [c.target for c in links.own_papers(_body("Salesforce/codet5p-220m"))] == ["2305.07922"]


# --- class 6 and 9: code vs library, URL punctuation, context sections -----------------------
def test_code_versus_library_links() -> None:
    tiny = _edges("TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert _ends(tiny, Rel.HAS_CODE) == {"github:jzhang38/tinyllama"}
    assert "pypi:trl" in _ends(tiny, Rel.USES_LIBRARY)
    # repositories of the publisher in the safety and feedback text are not the model's code
    llama = _ends(_edges("meta-llama/Llama-3.2-1B"), Rel.HAS_CODE)
    assert not {"github:meta-llama/llama-agentic-system", "github:meta-llama/purplellama"} & llama
    assert not {"github:meta-llama/llama-recipes"} & llama
    # the research org's repository named after the model is its code
    assert "github:qwenlm/qwen3" in _ends(_edges("Qwen/Qwen3-0.6B"), Rel.HAS_CODE)


def test_full_stop_is_not_part_of_a_github_url() -> None:
    edges = _edges("Alibaba-NLP/Tongyi-DeepResearch-30B-A3B")
    assert not [e for e in edges if e.end.startswith("github:") and e.end.endswith(".")]


def test_templates_drop_self_references() -> None:
    body = "This model is a fine-tuned version of [me/it](https://huggingface.co/me/it)."
    shape = templates.shape("me/it", (), None, body)
    assert templates.base_claims("me/it", body, shape) == []


def test_public_urls_replace_the_replay_address() -> None:
    from ingest.replay.public import PublicUrls, public_prefixes

    public = Settings()
    replayed = public.model_copy(
        update={"hf_endpoint": "http://127.0.0.1:9/hf", "pypi_endpoint": "http://127.0.0.1:9/pypi"}
    )
    urls = PublicUrls(public_prefixes(public, replayed))
    assert (
        urls.url("http://127.0.0.1:9/hf/api/models/a/b") == f"{public.hf_endpoint}/api/models/a/b"
    )
    assert urls.url("http://127.0.0.1:9/pypi/pypi/torch/json").endswith("pypi.org/pypi/torch/json")


# --- the evaluation --------------------------------------------------------------------------
def test_quick_evaluation_writes_the_page(graph: Driver, tmp_path: Path) -> None:
    out = tmp_path / "truth.md"
    assert truth_main(["--quick", "--out", str(out), "--workdir", str(tmp_path), "--quiet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Truth")
    assert "python -m bench.truth --quick" in page
    for section in (
        "## Targets",
        "## Per kind of fact",
        "## Confidence bands",
        "## False positives",
    ):
        assert section in page
    row = next(line for line in page.splitlines() if line.startswith("| DeepSeek facts"))
    assert "| 100.0% (" in row and row.endswith("| yes |")
    assert "| 0 | 0 | yes |" in page  # no edge to a stale id
    # class 7: the graph keeps the public URL each replayed request stands for
    records, _, _ = graph.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) RETURN r.url AS url UNION ALL "
        "MATCH (n:Entity) RETURN coalesce(n.url, n.page) AS url"
    )
    urls = [r["url"] for r in records if r["url"]]
    assert urls and not [u for u in urls if "127.0.0.1" in u or "localhost" in u]
    assert any(u.startswith("https://huggingface.co/deepseek-ai/") for u in urls)
    summary = json.loads((tmp_path / "truth.json").read_text())
    assert summary["not_facts_asserted"] == 0
    assert summary["declared_recall"] == 1.0


# --- class 1: renamed ids ------------------------------------------------------------------
def test_renamed_datasets_are_followed_and_a_rerun_changes_nothing(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    from ingest.crawl import Limits
    from ingest.job import IngestRequest, run_ingest
    from tests.support.dump import canonical_dump

    make_recordings(CORPUS, tmp_path)
    request = IngestRequest(
        seeds=["hf:model:google-t5/t5-base"],
        limits=Limits(depth=1),
        replay=tmp_path,
        sources=frozenset({"hf"}),
    )
    first = run_ingest(settings, request)
    db = settings.neo4j_database
    records, _, _ = graph.execute_query(
        "MATCH (:Model {key: 'hf:model:google-t5/t5-base'})-[:TRAINED_ON]->(d:Dataset) "
        "RETURN DISTINCT d.key AS key, d.status AS status, d.url AS url",
        database_=db,
    )
    found = {r["key"]: r for r in records}
    # the tag and the YAML say c4 and the card links wiki_dpr: both were renamed
    assert {"hf:dataset:legacy-datasets/c4", "hf:dataset:facebook/wiki_dpr"} <= set(found)
    assert not {"hf:dataset:c4", "hf:dataset:wiki_dpr"} & set(found)
    c4 = found["hf:dataset:legacy-datasets/c4"]
    assert c4["status"] == "resolved"
    # the node names its canonical URL, which the source really asked (it reads a renamed
    # entity again under its new id, so the URL does not depend on which name came first)
    assert c4["url"] == "https://huggingface.co/api/datasets/legacy-datasets/c4"
    stale, _, _ = graph.execute_query(
        "MATCH (n:Entity) WHERE n.key IN ['hf:dataset:c4', 'hf:dataset:wiki_dpr'] RETURN n",
        database_=db,
    )
    assert stale == []
    before = canonical_dump(graph, db)
    second = run_ingest(settings, request)
    assert second.status == first.status
    # freshness is read under the canonical keys: nothing is fetched twice
    assert second.fetched == 0 and second.skipped_unchanged == first.fetched
    assert canonical_dump(graph, db) == before
