"""The licence check and openness on the graph the main job builds from the bundled
recordings: the DeepSeek case, through the API, the CLI (a CI gate) and docs/licences.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from service.app import create_app
from shoulders.settings import BUNDLED_RECORDINGS as RECORDINGS
from shoulders.settings import Settings
from tests.api_server import Served, serve
from tests.conftest import wipe

DISTILL_70B = "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"
DISTILL_QWEN_7B = "hf:model:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"
LLAMA_33 = "hf:model:meta-llama/Llama-3.3-70B-Instruct"
LLAMA_31_70B = "hf:model:meta-llama/Llama-3.1-70B"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "licences.md"

CHECK = """query($key: String!) {
  licenseCheck(key: $key) {
    key maxSeverity disclaimer tableVersion
    declared { id class known }
    findings {
      code severity scope subjectKey message
      licence { id class key }
      terms { kind value clause source }
      path { fromKey relation toKey evidence { source field value revision } }
    }
  }
}"""


@pytest.fixture(scope="module")
def main_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    wipe(driver, settings.neo4j_database)
    done = _shoulders("up", "--no-serve", "--replay", str(RECORDINGS))
    assert done.returncode == 0, done.stdout + done.stderr
    yield driver
    wipe(driver, settings.neo4j_database)


@pytest.fixture(scope="module")
def api(main_graph: Driver, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as served:
        yield served


def _shoulders(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shoulders.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SHOULDERS_LOG_FORMAT": "json"},
        timeout=600,
        check=False,
    )


def _findings(check: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["code"], f["subjectKey"]): f for f in check["findings"]}


def test_license_nodes_say_what_they_are(main_graph: Driver, settings: Settings) -> None:
    records, _, _ = main_graph.execute_query(
        "MATCH (l:License) RETURN l.key AS key, l.licence_id AS id, l.licence_class AS cls, "
        "l.name AS name, l.licence_url AS url",
        database_=settings.neo4j_database,
    )
    found = {r["key"]: (r["id"], r["cls"]) for r in records}
    assert found["license:mit"] == ("MIT", "osi-approved")
    assert found["license:llama3.3"] == ("LicenseRef-llama3.3", "open-with-use-restrictions")
    assert found["license:qwen-research"] == ("LicenseRef-qwen-research", "non-commercial")
    names = {r["key"]: r["name"] for r in records}
    assert names["license:llama3.1"] == "Llama 3.1 Community License Agreement"
    assert all(r["url"].startswith("https://") for r in records)


def test_the_llama_distill_declares_more_than_llama_allows(api: Served) -> None:
    check = api.data(CHECK, key="hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B")["licenseCheck"]
    assert check["key"] == DISTILL_70B and check["maxSeverity"] == "HIGH"
    assert check["declared"] == [{"id": "MIT", "class": "OSI_APPROVED", "known": True}]
    assert "not legal conclusions" in check["disclaimer"]
    found = _findings(check)
    drift_33 = found[("DECLARED_MORE_PERMISSIVE", LLAMA_33)]
    drift_31 = found[("DECLARED_MORE_PERMISSIVE", LLAMA_31_70B)]
    assert drift_33["severity"] == "HIGH" and drift_33["licence"]["id"] == "LicenseRef-llama3.3"
    assert drift_31["licence"]["id"] == "LicenseRef-llama3.1"
    # The path, hop by hop, with the evidence each hop rests on.
    assert [(e["fromKey"], e["relation"], e["toKey"]) for e in drift_31["path"]] == [
        (DISTILL_70B, "FINETUNED_FROM", LLAMA_33),
        (LLAMA_33, "FINETUNED_FROM", LLAMA_31_70B),
    ]
    first_hop = drift_31["path"][0]["evidence"]
    assert any(
        "originally licensed under [llama3.3 license]" in (e["value"] or "") for e in first_hop
    )
    assert all(e["revision"] for hop in drift_31["path"] for e in hop["evidence"])
    kinds = {t["kind"] for t in drift_33["terms"]}
    assert {"DERIVATIVE_NAMING", "AUP_INCORPORATED", "USER_THRESHOLD"} <= kinds
    inherited = found[("INHERITED_OBLIGATION", LLAMA_33)]
    naming = next(t for t in inherited["terms"] if t["kind"] == "DERIVATIVE_NAMING")
    assert "Built with Llama" in naming["clause"]
    assert naming["source"].endswith("/models/llama3_3/LICENSE")
    assert ("INHERITED_OBLIGATION", LLAMA_31_70B) in found
    for f in check["findings"]:
        assert f["path"] and all(t["clause"] and t["source"] for t in f["terms"])


def test_the_qwen_distill_has_no_drift_but_keeps_the_apache_notice(api: Served) -> None:
    check = api.data(CHECK, key=DISTILL_QWEN_7B)["licenseCheck"]
    codes = {f["code"] for f in check["findings"]}
    assert "DECLARED_MORE_PERMISSIVE" not in codes and "NONCOMMERCIAL_UPSTREAM" not in codes
    (notice,) = [f for f in check["findings"] if f["code"] == "INHERITED_OBLIGATION"]
    assert notice["subjectKey"] == "hf:model:Qwen/Qwen2.5-Math-7B"
    assert notice["severity"] == "LOW" and notice["licence"]["id"] == "Apache-2.0"
    assert [t["kind"] for t in notice["terms"]] == ["ATTRIBUTION_NOTICE"]
    assert "NOTICE" in notice["terms"][0]["clause"]


def test_license_info_on_an_entity_normalises_other(api: Served) -> None:
    data = api.data(
        """{ model(id: "Qwen/Qwen2.5-3B-Instruct") {
              licenseInfo { id class givenId givenName link key
                            terms { kind value source } evidence { field value } } } }"""
    )
    (info,) = data["model"]["licenseInfo"]
    assert info["id"] == "LicenseRef-qwen-research" and info["class"] == "NON_COMMERCIAL"
    assert info["givenName"] == "qwen-research" and info["key"] == "license:qwen-research"
    assert info["link"] == "https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE"
    terms = {t["kind"]: t for t in info["terms"]}
    assert terms["NON_COMMERCIAL"]["value"] == "YES"
    assert (
        terms["USER_THRESHOLD"]["value"] == "UNKNOWN" and terms["USER_THRESHOLD"]["source"] is None
    )
    assert {e["value"] for e in info["evidence"]} >= {"other"}


def test_openness_of_r1_sums_up_its_closure_by_kind(api: Served) -> None:
    data = api.data(
        """{ openness(key: "hf:deepseek-ai/DeepSeek-R1") {
              verdict reason summary truncated
              byKind { kind total open openWithRestrictions closedOrUnknown }
              entities { key kind verdict reason }
              mof { reached couldReach note components { component status reason } } } }"""
    )["openness"]
    assert data["verdict"] == "OPEN" and not data["truncated"]
    entities = {e["key"]: e for e in data["entities"]}
    assert entities["arxiv:2501.12948"]["verdict"] == "OPEN"
    assert entities["github:huggingface/transformers"]["verdict"] == "OPEN"
    assert entities["hf:model:deepseek-ai/DeepSeek-V3-Base"]["verdict"] == "CLOSED_OR_UNKNOWN"
    assert "NOASSERTION" in entities["github:pytorch/pytorch"]["reason"]
    total = sum(k["total"] for k in data["byKind"])
    assert total == len(entities)
    for k in data["byKind"]:
        assert k["open"] + k["openWithRestrictions"] + k["closedOrUnknown"] == k["total"]
    assert data["summary"].startswith(f"Of the {total} things deepseek-ai/DeepSeek-R1 stood on")
    components = {c["component"]: c["status"] for c in data["mof"]["components"]}
    assert components["MODEL_PARAMETERS"] == "OPEN"
    assert components["EVALUATION_RESULTS"] == "UNKNOWN"
    assert components["DATASETS"] == "MISSING"  # R1 declares no training data
    assert data["mof"]["reached"] is None and "not a Model Openness" in data["mof"]["note"]


def test_openness_marks_gated_llama_weights_as_restricted(api: Served) -> None:
    data = api.data(
        """{ openness(key: "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B") {
              entities { key kind verdict reason licences { id class }
                         via { fromKey relation toKey evidence { source field value } } } } }"""
    )["openness"]
    entities = {e["key"]: e for e in data["entities"]}
    llama = entities[LLAMA_33]
    assert llama["kind"] == "WEIGHTS" and llama["verdict"] == "OPEN_WITH_RESTRICTIONS"
    assert "LicenseRef-llama3.3" in llama["reason"] and "gated" in llama["reason"]
    assert [lic["id"] for lic in llama["licences"]] == ["LicenseRef-llama3.3"]
    via = llama["via"]  # the hop the closure walk took, with the card's words for it
    assert (via["fromKey"], via["toKey"]) == (DISTILL_70B, LLAMA_33)
    assert via["relation"] == "FINETUNED_FROM" and via["evidence"]
    assert {e["field"] for e in via["evidence"]} >= {"README.md#table:Base Model"}


def test_unknown_keys_are_not_found(api: Served) -> None:
    assert api.error_codes('{ licenseCheck(key: "hf:nobody/nothing") { key } }') == ["NOT_FOUND"]
    assert api.error_codes('{ openness(key: "hf:nobody/nothing") { key } }') == ["NOT_FOUND"]


def test_the_cli_is_a_ci_gate(main_graph: Driver) -> None:
    llama = _shoulders("licence-check", "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    assert llama.returncode == 0 and "DECLARED_MORE_PERMISSIVE" in llama.stdout
    gated = _shoulders(
        "licence-check", "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "--fail-on", "high"
    )
    assert gated.returncode == 1
    qwen = _shoulders("licence-check", DISTILL_QWEN_7B, "--fail-on", "medium", "-f", "json")
    assert qwen.returncode == 0
    data = json.loads(qwen.stdout)
    assert data["maxSeverity"] == "low" and data["declared"][0]["id"] == "MIT"
    assert _shoulders("licence-check", DISTILL_QWEN_7B, "--fail-on", "low").returncode == 1
    assert _shoulders("licence-check", "hf:nobody/nothing").returncode == 2
    assert _shoulders("licence-check", DISTILL_QWEN_7B, "--fail-on", "severe").returncode == 2
    opened = _shoulders("openness", "hf:deepseek-ai/DeepSeek-R1", "--format", "json")
    assert opened.returncode == 0 and json.loads(opened.stdout)["verdict"] == "open"


CONSOLE = re.compile(r"```console\n\$ (shoulders [^\n]+)\n(.*?)```", re.S)


def test_docs_show_what_the_commands_print(main_graph: Driver) -> None:
    examples = CONSOLE.findall(DOCS.read_text(encoding="utf-8"))
    commands = [command for command, _ in examples]
    assert any("licence-check hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B" in c for c in commands)
    assert any("openness hf:deepseek-ai/DeepSeek-R1" in c for c in commands)
    for command, shown in examples:
        done = _shoulders(*command.split()[1:])
        assert done.stdout == shown, command
