"""A small, realistic DeepSeek lineage graph, written by the project's own loader.

Until the recorded ingest lands, the API tests stand on this: the facts are the ones
the Hugging Face cards, arXiv, GitHub and PyPI state (trimmed), each edge with the
provenance and evidence a source would record.
"""

from __future__ import annotations

from neo4j import Driver

from ingest.loader import Loader
from ingest.records import EdgeRecord, Evidence, NodeRecord, Provenance, RecordBatch
from schema import keys
from schema.vocabulary import Label, Method, Rel

RUN = "20250101T000000Z-apitests"
FETCHED = "2025-01-01T00:00:00+00:00"

DISTILL_70B = keys.hf_model("deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
DISTILL_8B = keys.hf_model("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
R1 = keys.hf_model("deepseek-ai/DeepSeek-R1")
V3_BASE = keys.hf_model("deepseek-ai/DeepSeek-V3-Base")
LLAMA_33_70B = keys.hf_model("meta-llama/Llama-3.3-70B-Instruct")
LLAMA_31_8B = keys.hf_model("meta-llama/Llama-3.1-8B")
LLAMA_31_8B_INSTRUCT = keys.hf_model("meta-llama/Llama-3.1-8B-Instruct")
R1_PAPER = keys.arxiv("2501.12948")
V3_PAPER = keys.arxiv("2412.19437")
V3_REPO = keys.github("deepseek-ai/DeepSeek-V3")
TORCH = keys.pypi("torch")
PYTORCH = keys.github("pytorch/pytorch")
MIT = keys.license_("mit")
DEEPSEEK_ORG = keys.hf_org("deepseek-ai")

#: Repositories that depend on torch, to page through.
FAN_OUT = [keys.github(f"example/torch-user-{i:02d}") for i in range(25)]

BASE_MODEL_SNIPPET = (
    "| DeepSeek-R1-Distill-Llama-70B | "
    "[Llama-3.3-70B-Instruct](https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct) |"
)


def _hf(repo: str, sha: str = "0" * 40) -> Provenance:
    return Provenance("hf", f"https://huggingface.co/api/models/{repo}", sha, FETCHED, RUN)


def _model(repo: str, **props: str | int | list[str]) -> NodeRecord:
    return NodeRecord(keys.hf_model(repo), Label.MODEL, repo, props, _hf(repo))


def _declared(field: str, value: str) -> Evidence:
    return Evidence(field, value, Method.DECLARED, 1.0)


def _inferred(field: str, value: str, confidence: float = 0.7) -> Evidence:
    return Evidence(field, value, Method.INFERRED, confidence)


def deepseek_batch() -> RecordBatch:
    nodes = [
        _model(
            "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
            pipeline_tag="text-generation",
            library_name="transformers",
            license="mit",
            downloads=1000,
            page="https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
        ),
        _model("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", license="mit"),
        _model("deepseek-ai/DeepSeek-R1", license="mit", architectures=["DeepseekV3ForCausalLM"]),
        _model("deepseek-ai/DeepSeek-V3-Base"),
        _model("meta-llama/Llama-3.3-70B-Instruct", license="llama3.3"),
        _model("meta-llama/Llama-3.1-8B", license="llama3.1"),
        _model("meta-llama/Llama-3.1-8B-Instruct", license="llama3.1"),
        NodeRecord(
            R1_PAPER,
            Label.PAPER,
            "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
            {
                "title": "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
                "version": "v1",
                "published": "2025-01-22",
            },
            Provenance(
                "arxiv", "https://export.arxiv.org/api/query?id_list=2501.12948", "v1", FETCHED, RUN
            ),
        ),
        NodeRecord(
            V3_PAPER,
            Label.PAPER,
            "DeepSeek-V3 Technical Report",
            {"title": "DeepSeek-V3 Technical Report", "version": "v2"},
            Provenance(
                "arxiv", "https://export.arxiv.org/api/query?id_list=2412.19437", "v2", FETCHED, RUN
            ),
        ),
        NodeRecord(
            V3_REPO,
            Label.REPOSITORY,
            "deepseek-ai/DeepSeek-V3",
            {"stars": 90000},
            Provenance(
                "github",
                "https://api.github.com/repos/deepseek-ai/DeepSeek-V3",
                "a" * 40,
                FETCHED,
                RUN,
            ),
        ),
        NodeRecord(
            TORCH,
            Label.PACKAGE,
            "torch",
            {"ecosystem": "pypi", "version": "2.4.1"},
            Provenance("pypi", "https://pypi.org/pypi/torch/json", "2.4.1", FETCHED, RUN),
        ),
        NodeRecord(PYTORCH, Label.REPOSITORY, "pytorch/pytorch"),
        NodeRecord(MIT, Label.LICENSE, "mit"),
        NodeRecord(DEEPSEEK_ORG, Label.ORGANIZATION, "deepseek-ai"),
        *(NodeRecord(k, Label.REPOSITORY, k.removeprefix("github:")) for k in FAN_OUT),
    ]
    hf70 = _hf("deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    hf8 = _hf("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    hf_r1 = _hf("deepseek-ai/DeepSeek-R1")
    hf_v3 = _hf("deepseek-ai/DeepSeek-V3-Base")
    gh = Provenance(
        "github",
        "https://raw.githubusercontent.com/deepseek-ai/DeepSeek-V3/main/inference/requirements.txt",
        "a" * 40,
        FETCHED,
        RUN,
    )
    pypi = Provenance("pypi", "https://pypi.org/pypi/torch/json", "2.4.1", FETCHED, RUN)
    edges = [
        EdgeRecord(
            Rel.FINETUNED_FROM,
            DISTILL_70B,
            LLAMA_33_70B,
            hf70,
            _inferred("README.md#base-model-table", BASE_MODEL_SNIPPET, 0.8),
        ),
        # Two assertions on one edge: the card's YAML declares it, its prose says it too.
        EdgeRecord(
            Rel.DISTILLED_FROM,
            DISTILL_70B,
            R1,
            hf70,
            _declared("cardData.base_model", "deepseek-ai/DeepSeek-R1"),
        ),
        EdgeRecord(
            Rel.DISTILLED_FROM,
            DISTILL_70B,
            R1,
            hf70,
            _inferred(
                "README.md#distillation",
                "using reasoning data generated by DeepSeek-R1, we fine-tuned several dense models",
            ),
        ),
        EdgeRecord(
            Rel.FINETUNED_FROM,
            DISTILL_8B,
            LLAMA_31_8B,
            hf8,
            _inferred(
                "README.md#base-model-table", "| DeepSeek-R1-Distill-Llama-8B | Llama-3.1-8B |"
            ),
        ),
        EdgeRecord(
            Rel.DISTILLED_FROM,
            DISTILL_8B,
            R1,
            hf8,
            _declared("cardData.base_model", "deepseek-ai/DeepSeek-R1"),
        ),
        EdgeRecord(
            Rel.FINETUNED_FROM,
            LLAMA_31_8B_INSTRUCT,
            LLAMA_31_8B,
            _hf("meta-llama/Llama-3.1-8B-Instruct"),
            _declared("cardData.base_model", "meta-llama/Llama-3.1-8B"),
            detail="finetune",
        ),
        EdgeRecord(
            Rel.FINETUNED_FROM,
            R1,
            V3_BASE,
            hf_r1,
            _declared("cardData.base_model", "deepseek-ai/DeepSeek-V3-Base"),
        ),
        EdgeRecord(
            Rel.DESCRIBED_BY,
            R1,
            R1_PAPER,
            hf_r1,
            _declared(
                "README.md#citation", "@misc{deepseekai2025deepseekr1, ... eprint={2501.12948}"
            ),
        ),
        EdgeRecord(Rel.LICENSED_UNDER, R1, MIT, hf_r1, _declared("cardData.license", "mit")),
        EdgeRecord(Rel.PUBLISHED_BY, R1, DEEPSEEK_ORG, hf_r1, _declared("author", "deepseek-ai")),
        EdgeRecord(
            Rel.DESCRIBED_BY, V3_BASE, V3_PAPER, hf_v3, _declared("tags", "arxiv:2412.19437")
        ),
        EdgeRecord(
            Rel.HAS_CODE,
            V3_BASE,
            V3_REPO,
            hf_v3,
            _inferred("README.md", "https://github.com/deepseek-ai/DeepSeek-V3", 0.9),
        ),
        EdgeRecord(
            Rel.DEPENDS_ON,
            V3_REPO,
            TORCH,
            gh,
            _declared("inference/requirements.txt", "torch==2.4.1"),
            detail="==2.4.1",
        ),
        EdgeRecord(
            Rel.BUILT_FROM,
            TORCH,
            PYTORCH,
            pypi,
            _declared("info.project_urls.Source", "https://github.com/pytorch/pytorch"),
        ),
        EdgeRecord(
            Rel.CITES,
            R1_PAPER,
            V3_PAPER,
            Provenance(
                "s2",
                "https://api.semanticscholar.org/graph/v1/paper/arXiv:2501.12948/references",
                None,
                FETCHED,
                RUN,
            ),
            _declared("references", "arXiv:2412.19437"),
        ),
        *(
            EdgeRecord(
                Rel.DEPENDS_ON,
                k,
                TORCH,
                Provenance(
                    "github",
                    f"https://raw.githubusercontent.com/{k[7:]}/main/requirements.txt",
                    "b" * 40,
                    FETCHED,
                    RUN,
                ),
                _declared("requirements.txt", "torch"),
            )
            for k in FAN_OUT
        ),
        # Withdrawn by its source (pending sweep): the API must never show it.
        EdgeRecord(
            Rel.MENTIONS_PAPER, DISTILL_70B, V3_PAPER, hf70, _declared("tags", "arxiv:2412.19437")
        ),
    ]
    return RecordBatch(nodes=nodes, edges=edges)


def write_deepseek_graph(driver: Driver, database: str) -> None:
    Loader(driver, database).write(deepseek_batch())
    driver.execute_query(
        "MATCH (:Entity {key: $start})-[r:MENTIONS_PAPER]->(:Entity {key: $end}) SET r.stale_run = $run",
        start=DISTILL_70B,
        end=V3_PAPER,
        run="20250102T000000Z-later",
        database_=database,
    )


def graph_counts(driver: Driver, database: str) -> tuple[int, int, int]:
    """(nodes, relationships, properties set on nodes): changes if anything was written."""
    records, _, _ = driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() "
        "RETURN count(DISTINCT n) AS nodes, count(r) AS rels, sum(size(keys(n))) AS props",
        database_=database,
    )
    r = records[0]
    return int(r["nodes"]), int(r["rels"]), int(r["props"])
