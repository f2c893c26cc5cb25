"""Exports of a real lineage: the graph the ingest builds from the bundled recordings.

Every document is validated offline against its standard (tests/support/standards.py): CycloneDX 1.6 and 1.7 by the
official JSON schemas cyclonedx-python-lib bundles, SPDX 3.0.1 by the SPDX project's
generated model (it refuses unknown classes, properties and enum values, and missing
required properties, and links every reference), PROV by reading each serialisation
back with ``prov``'s own parsers. docs/exports.md is checked against the same documents.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from prov.model import PROV, ProvDerivation
from spdx_python_model import v3_0_1 as spdx
from typer.testing import CliRunner

from ingest.job import IngestRequest, run_ingest
from service import limits
from service.app import create_app
from service.export import FORMATS, render
from service.export.cyclonedx import to_cyclonedx
from service.export.source import ExportSource, export_source
from service.export.spdx3 import to_spdx3
from service.export.w3c_prov import SHOULDERS, serialize, to_prov
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.walk import Budget
from shoulders.cli import app
from shoulders.db import async_driver
from shoulders.settings import BUNDLED_RECORDINGS, Settings
from tests.api_server import Served, serve
from tests.conftest import wipe
from tests.support.standards import PROV_KINDS, cyclonedx_errors, prov_back, spdx_objects

SEED = "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"
ROOT = "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"
R1 = "hf:model:deepseek-ai/DeepSeek-R1"
LLAMA_33 = "hf:model:meta-llama/Llama-3.3-70B-Instruct"
LLAMA_31 = "hf:model:meta-llama/Llama-3.1-70B"


@pytest.fixture(scope="module")
def recorded(driver: Driver, settings: Settings) -> Iterator[None]:
    wipe(driver, settings.neo4j_database)
    report = run_ingest(settings, IngestRequest(seeds=[ROOT], replay=BUNDLED_RECORDINGS))
    assert report.fetched > 0 and report.status in {"success", "partial"}
    yield
    wipe(driver, settings.neo4j_database)


def read_source(settings: Settings, key: str = ROOT, depth: int = 5) -> ExportSource:
    async def go() -> ExportSource | None:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
            return await export_source(reader, key, depth, EdgeFilter(), budget)
        finally:
            await driver.close()

    found = asyncio.run(go())
    assert found is not None
    return found


@pytest.fixture(scope="module")
def source(recorded: None, settings: Settings) -> ExportSource:
    return read_source(settings)


# --- reading the documents -------------------------------------------------------
def ancestors(component: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """bom-ref or purl -> ancestor component, one level."""
    found = component.get("pedigree", {}).get("ancestors", [])
    return {a.get("bom-ref") or a["purl"]: a for a in found}


def props(component: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


# --- CycloneDX ------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["1.6", "1.7"])
def test_cyclonedx_validates_and_carries_the_lineage(source: ExportSource, version: str) -> None:
    bom = to_cyclonedx(source, version)
    assert cyclonedx_errors(bom, version) is None
    assert bom["specVersion"] == version
    root = bom["metadata"]["component"]
    assert root["type"] == "machine-learning-model" and root["bom-ref"] == ROOT
    assert root["purl"].startswith("pkg:huggingface/deepseek-ai/DeepSeek-R1-Distill-Llama-70B@")
    assert root["modelCard"]["modelParameters"]["task"] == "text-generation"
    assert root["modelCard"]["modelParameters"]["modelArchitecture"] == "LlamaForCausalLM"
    assert {"license": {"id": "MIT", "acknowledgement": "declared"}} in root["licenses"]

    # Llama 3.3 -> Llama 3.1 ancestry, recursively, and R1 as the teacher.
    first = ancestors(root)
    assert props(first[LLAMA_33])["shoulders:relation"] == "finetune"
    assert props(first[LLAMA_33])["shoulders:relation:method"] == "inferred"
    assert props(first[R1])["shoulders:relation"] == "distilled"
    llama31 = ancestors(first[LLAMA_33])[LLAMA_31]
    assert props(llama31)["shoulders:relation"] == "finetune"
    assert llama31["licenses"] == [
        {"license": {"name": "llama3.1", "acknowledgement": "declared"}}
    ]  # no SPDX id: a named licence
    assert "hf:model:deepseek-ai/DeepSeek-V3-Base" in ancestors(first[R1])

    # PyTorch through the code, as a library with its package URL.
    components = {c["bom-ref"]: c for c in bom["components"]}
    torch = components["pypi:torch"]
    assert torch["type"] == "library" and torch["purl"] == f"pkg:pypi/torch@{torch['version']}"
    assert any(
        r["url"] == "https://github.com/pytorch/pytorch" for r in torch["externalReferences"]
    )
    dependencies = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert {R1, LLAMA_33, "pypi:transformers", "pypi:torch"} <= set(dependencies[ROOT])
    assert dependencies[LLAMA_33] == [LLAMA_31, "pypi:torch", "pypi:transformers"]

    # Papers as external references, the kind depending on the version.
    paper = "citation" if version == "1.7" else "documentation"
    refs = {r["url"].lower(): r for r in root["externalReferences"]}
    assert refs["https://arxiv.org/abs/2501.12948"]["type"] == paper
    assert refs["https://github.com/deepseek-ai/deepseek-v3"]["type"] == "vcs"

    if version == "1.6":  # provenance as namespaced properties
        evidence = props(root)
        teacher = next(k for k, v in evidence.items() if v == f"{ROOT} DISTILLED_FROM {R1}")
        assert evidence[teacher + ":source"] == "hf"
        assert evidence[teacher + ":evidence_field"].startswith("README.md")
        assert len(evidence[teacher + ":revision"]) == 40
    else:  # provenance as citations, attributed to the source and made by the run
        services = {s["bom-ref"] for s in bom["services"]}
        runs = {w["bom-ref"] for f in bom["formulation"] for w in f["workflows"]}
        assert {"source:hf", "source:github", "source:pypi"} <= services
        citations = bom["citations"]
        assert citations and all(c["attributedTo"] in services for c in citations)
        assert all(c["process"] in runs for c in citations)
        teacher = [
            c
            for c in citations
            if "/metadata/component/pedigree/ancestors/" in c["pointers"][-1]
            and "DISTILLED_FROM" in c["note"]
        ]
        assert teacher and all(_pointer(bom, p) is not None for c in teacher for p in c["pointers"])


def _pointer(doc: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def test_the_cyclonedx_validator_refuses_a_broken_bom(source: ExportSource) -> None:
    bom = to_cyclonedx(source, "1.6")
    broken = copy.deepcopy(bom)
    broken["metadata"]["component"]["type"] = "model"
    assert cyclonedx_errors(broken, "1.6") is not None
    cited = to_cyclonedx(source, "1.7")
    assert cyclonedx_errors(cited, "1.6") is not None  # citations are not 1.6


# --- SPDX 3 -----------------------------------------------------------------------------
def test_spdx3_validates_with_ai_and_dataset_profiles(source: ExportSource) -> None:
    doc = to_spdx3(source)
    objects = spdx_objects(json.dumps(doc))
    packages = {o.name: o for o in objects.foreach_type(spdx.ai_AIPackage)}
    assert "deepseek-ai/DeepSeek-R1-Distill-Llama-70B" in packages
    assert packages["meta-llama/Llama-3.1-70B"].software_packageUrl.startswith(
        "pkg:huggingface/meta-llama/Llama-3.1-70B@"
    )
    graph = doc["@graph"]
    document = next(e for e in graph if e["type"] == "SpdxDocument")
    assert {"ai", "dataset", "software", "core"} <= set(document["profileConformance"])
    ns = document["spdxId"].removesuffix("document")
    rels = {
        (r["from"].removeprefix(ns), r["relationshipType"], r["to"][0].removeprefix(ns)): r
        for r in graph
        if r["type"] == "Relationship"
    }
    assert "relation: distilled" in rels[(ROOT, "descendantOf", R1)]["comment"]
    assert "relation: finetune" in rels[(LLAMA_33, "descendantOf", LLAMA_31)]["comment"]
    assert (ROOT, "dependsOn", "pypi:torch") in rels
    licences = {
        e["spdxId"].removeprefix(ns): e["simplelicensing_licenseExpression"]
        for e in graph
        if e["type"] == "simplelicensing_LicenseExpression"
    }
    assert (
        licences["license:mit"] == "MIT" and licences["license:llama3.3"] == "LicenseRef-llama3.3"
    )
    assert (ROOT, "hasDeclaredLicense", "license:mit") in rels
    torch = next(e for e in graph if e.get("name") == "torch")
    assert torch["software_packageUrl"].startswith("pkg:pypi/torch@")

    broken = copy.deepcopy(doc)
    next(e for e in broken["@graph"] if e["type"] == "Relationship")["relationshipType"] = "stoodOn"
    with pytest.raises(ValueError):
        spdx_objects(json.dumps(broken))


# --- W3C PROV -----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(PROV_KINDS))
def test_prov_round_trips_through_its_parser(source: ExportSource, fmt: str) -> None:
    doc = to_prov(source)
    text = serialize(doc, fmt)
    back = prov_back(text, fmt)
    assert back == doc
    derivations = [r for r in back.get_records() if isinstance(r, ProvDerivation)]
    types = {str(t) for r in derivations for t in r.get_attribute(PROV["type"])}
    assert {"shoulders:finetune", "shoulders:distilled"} <= types
    teacher = next(
        r
        for r in back.get_records()
        if r.get_type() == PROV["Usage"] and SHOULDERS["teacher"] in r.get_attribute(PROV["role"])
    )
    assert teacher.args[0].uri.endswith("DeepSeek-R1-Distill-Llama-70B/distillation")
    runs = [
        r
        for r in back.get_records()
        if r.get_type() == PROV["Activity"]
        and SHOULDERS["IngestRun"] in r.get_attribute(PROV["type"])
    ]
    assert len(runs) == 1 and runs[0].get_startTime() is not None
    agents = {str(r.identifier) for r in back.get_records() if r.get_type() == PROV["Agent"]}
    assert {"hf:meta-llama", "hf:deepseek-ai"} <= agents


# --- the command -------------------------------------------------------------------------
def test_cli_writes_every_format(source: ExportSource, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in FORMATS:
        out = tmp_path / f"bom{FORMATS[fmt].suffix}"
        result = runner.invoke(app, ["export", SEED, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        text = out.read_text()
        if fmt.startswith("cyclonedx"):
            bom = json.loads(text)
            assert cyclonedx_errors(bom, bom["specVersion"]) is None
        elif fmt == "spdx3":
            spdx_objects(text)
        else:
            assert prov_back(text, fmt) == to_prov(source)
    shallow = runner.invoke(app, ["export", SEED, "-f", "prov-n", "--depth", "1"])
    assert shallow.exit_code == 0 and "Llama-3.3-70B-Instruct" in shallow.stdout
    assert "Llama-3.1-70B" not in shallow.stdout  # two levels up
    assert runner.invoke(app, ["export", SEED, "-f", "xml"]).exit_code == 2
    assert runner.invoke(app, ["export", SEED, "--depth", "11"]).exit_code == 2
    missing = runner.invoke(app, ["export", "hf:nobody/nothing"])
    assert missing.exit_code == 1 and "no entity" in missing.stderr


# --- HTTP -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(recorded: None, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as s:
        yield s


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_http_export_with_media_type_and_etag(
    served: Served, source: ExportSource, fmt: str
) -> None:
    url = f"/export/{fmt}/{SEED}"
    first = served.http.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == FORMATS[fmt].media_type
    if fmt == "prov-o":  # rdflib numbers blank nodes afresh on every run
        assert prov_back(first.text, fmt) == prov_back(render(source, fmt), fmt)
    else:
        assert first.text == render(source, fmt)
    etag = first.headers["etag"]
    again = served.http.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and again.content == b""
    stale = served.http.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    by_key = served.http.get(f"/export/{fmt}/{ROOT}")
    assert by_key.headers["etag"] == etag


def test_http_export_etag_changes_with_the_lineage(
    served: Served, driver: Driver, settings: Settings
) -> None:
    url = f"/export/cyclonedx/{SEED}"
    before = served.http.get(url).headers["etag"]
    other = served.http.get(f"/export/spdx3/{SEED}").headers["etag"]
    assert other != before  # one document per format
    # A new commit upstream, two levels up: the document changes, so does its tag.
    records, _, _ = driver.execute_query(
        "MATCH (m:Model {key: $k}) WITH m, m.revision AS old SET m.revision = $new RETURN old",
        k=LLAMA_31,
        new="f" * 40,
        database_=settings.neo4j_database,
    )
    try:
        after = served.http.get(url, headers={"If-None-Match": before})
        assert after.status_code == 200 and after.headers["etag"] != before
        assert "pkg:huggingface/meta-llama/Llama-3.1-70B@" + "f" * 40 in after.text
    finally:
        driver.execute_query(
            "MATCH (m:Model {key: $k}) SET m.revision = $old",
            k=LLAMA_31,
            old=records[0]["old"],
            database_=settings.neo4j_database,
        )
    assert served.http.get(url, headers={"If-None-Match": before}).status_code == 304


def test_http_export_errors(served: Served) -> None:
    def code(url: str) -> tuple[int, str]:
        r = served.http.get(url)
        return r.status_code, r.json()["errors"][0]["extensions"]["code"]

    assert code(f"/export/pdf/{SEED}") == (404, "NOT_FOUND")
    assert code("/export/cyclonedx/hf:nobody/nothing") == (404, "NOT_FOUND")
    assert code(f"/export/cyclonedx/{SEED}?depth=11") == (400, "LIMIT_EXCEEDED")
    assert code(f"/export/cyclonedx/{SEED}?depth=zero") == (400, "BAD_USER_INPUT")
    assert code(f"/export/cyclonedx/{SEED}?includeInferred=maybe") == (400, "BAD_USER_INPUT")
    assert code("/export/cyclonedx/" + "x" * 400) == (400, "LIMIT_EXCEEDED")
    assert code("/export/cyclonedx/not-a-seed") == (400, "BAD_USER_INPUT")
    assert served.http.post(f"/export/cyclonedx/{SEED}").status_code == 405
    declared = served.http.get(f"/export/prov-n/{SEED}?includeInferred=false&depth=2")
    assert declared.status_code == 200 and "Llama-3.3-70B-Instruct" not in declared.text


# --- docs/exports.md --------------------------------------------------------------------
DOC = Path(__file__).resolve().parent.parent / "docs" / "exports.md"
BLOCK = re.compile(r"<!-- export: (?P<fmt>[\w.-]+) -->\s*```\w*\n(?P<body>.*?)```", re.S)
# What differs between two ingests of the same recordings: run ids, clocks and the
# document ids derived from them. Source URLs are the public ones even under replay.
VOLATILE = [
    (re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}"), "RUN"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"), "TIME"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
]


def normalise(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def subset(part: Any, whole: Any) -> bool:
    """``part`` is ``whole`` with fields and list items left out."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            k in whole and subset(v, whole[k]) for k, v in part.items()
        )
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(subset(p, w) for w in whole) for p in part)
    return normalise(str(part)) == normalise(str(whole)) and type(part) is type(whole)


def objects(doc: Any) -> Iterator[Any]:
    if isinstance(doc, dict):
        yield doc
        for v in doc.values():
            yield from objects(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from objects(v)


def test_docs_show_real_exports(source: ExportSource) -> None:
    blocks = list(BLOCK.finditer(DOC.read_text()))
    assert {b["fmt"] for b in blocks} == set(FORMATS) - {"prov-json"}
    for block in blocks:
        fmt, body = block["fmt"], block["body"]
        text = render(source, fmt)
        if fmt in ("cyclonedx", "cyclonedx-1.7", "spdx3"):
            excerpt = json.loads(body)
            assert any(subset(excerpt, o) for o in objects(json.loads(text))), (fmt, body[:200])
        else:
            lines = {_line(fmt, line) for line in text.splitlines()}
            for line in body.splitlines():
                assert _line(fmt, line) in lines, (fmt, line)


def _line(fmt: str, line: str) -> str:
    line = normalise(line.strip())
    # Turtle's punctuation after a blank node depends on the order rdflib writes them in.
    return re.sub(r"[\s\];,]+$", "", line) if fmt == "prov-o" else line
