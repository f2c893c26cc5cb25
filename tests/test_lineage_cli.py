"""``shoulders lineage``: the standsOn answer as a tree, Mermaid, dot and JSON."""

from __future__ import annotations

import json

from neo4j import Driver
from typer.testing import CliRunner

from shoulders.cli import app
from shoulders.settings import Settings
from tests import api_graph as g

runner = CliRunner()
SEED = "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["lineage", *args])
    return result.exit_code, result.stdout, result.stderr


def test_lineage_formats(graph: Driver, settings: Settings) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)

    code, tree, _ = _run(SEED)
    assert code == 0
    assert tree.splitlines()[0].startswith("deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    assert "FINETUNED_FROM, inferred, hf → meta-llama/Llama-3.3-70B-Instruct" in tree
    assert "DISTILLED_FROM, declared, hf → deepseek-ai/DeepSeek-R1" in tree
    assert "BUILT_FROM, declared, pypi → pytorch/pytorch" in tree
    assert "(see its branch)" in tree  # CITES reaches a paper the tree already holds

    code, mermaid, _ = _run(SEED, "--format", "mermaid", "--depth", "2")
    assert code == 0 and mermaid.startswith("flowchart LR\n")
    assert '-.->|"FINETUNED_FROM (hf)"|' in mermaid
    assert '-->|"DISTILLED_FROM (hf)"|' in mermaid
    assert "pytorch" not in mermaid  # beyond depth 2

    code, dot, _ = _run(SEED, "-f", "dot")
    assert code == 0 and dot.startswith("digraph lineage {")
    assert f'"{g.DISTILL_70B}" -> "{g.LLAMA_33_70B}"' in dot and "style=dashed" in dot

    code, raw, _ = _run(SEED, "--format", "json", "--no-include-inferred")
    data = json.loads(raw)
    keys = {n["key"] for n in data["nodes"]}
    assert data["root"] == g.DISTILL_70B and g.R1 in keys and g.LLAMA_33_70B not in keys
    teacher = next(e for e in data["edges"] if e["relation"] == "DISTILLED_FROM")
    assert [e["field"] for e in teacher["evidence"]] == ["cardData.base_model"]


def test_lineage_errors(graph: Driver) -> None:
    code, _, err = _run("hf:nobody/nothing")
    assert code == 1 and "no entity" in err
    assert _run(SEED, "--format", "png")[0] == 2
    assert _run("not-a-seed")[0] == 2
    code, _, err = _run(SEED, "--depth", "99")
    assert code == 2 and "at most 10" in err
