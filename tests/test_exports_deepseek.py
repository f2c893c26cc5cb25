"""Every DeepSeek model of the main job exports valid CycloneDX 1.6 and 1.7, SPDX 3.0.1 and
PROV documents, and each document carries the model's declared bases.

test_exports.py looks closely at one model (R1-Distill-Llama-70B); this file walks all the
DeepSeek models the main job ingests from the bundled recordings, whatever their shape: a
base with no declared parent (V3), a model with a teacher and a Qwen base, an R1-Zero
sibling.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from neo4j import Driver
from prov.model import ProvDerivation, ProvEntity

from ingest.crawl import Limits
from ingest.job import IngestRequest, run_ingest
from schema import keys
from schema.vocabulary import Rel
from service.export.cyclonedx import to_cyclonedx
from service.export.source import ExportSource
from service.export.spdx3 import to_spdx3
from service.export.w3c_prov import SHOULDERS, serialize, to_prov
from shoulders.cli.up import seeds
from shoulders.settings import BUNDLED_RECORDINGS, Settings
from tests.conftest import wipe
from tests.support.standards import PROV_KINDS, cyclonedx_errors, prov_back, spdx_objects
from tests.test_exports import read_source

PREFIX = "hf:model:deepseek-ai/"
#: Relations that put an ancestor in a BOM's pedigree (the weights lineage and teachers).
PEDIGREE = {
    Rel.FINETUNED_FROM,
    Rel.ADAPTER_OF,
    Rel.QUANTIZED_FROM,
    Rel.MERGED_FROM,
    Rel.DERIVED_FROM,
    Rel.DISTILLED_FROM,
}


@pytest.fixture(scope="module")
def main_job_graph(driver: Driver, settings: Settings) -> Iterator[list[str]]:
    """The main job's graph; yields the keys of the DeepSeek models it fetched."""
    wipe(driver, settings.neo4j_database)
    request = IngestRequest(
        seeds=[keys.parse_seed(s) for s in seeds()],
        replay=BUNDLED_RECORDINGS,
        limits=Limits(depth=4),
    )
    report = run_ingest(settings, request)
    assert report.status in {"success", "partial"}
    records, _, _ = driver.execute_query(
        "MATCH (m:Model) WHERE m.key STARTS WITH $prefix AND m.status = 'resolved' "
        "RETURN m.key AS key ORDER BY key",
        prefix=PREFIX,
        database_=settings.neo4j_database,
    )
    found = [r["key"] for r in records]
    yield found
    wipe(driver, settings.neo4j_database)


@pytest.fixture(scope="module")
def sources(main_job_graph: list[str], settings: Settings) -> dict[str, ExportSource]:
    return {key: read_source(settings, key) for key in main_job_graph}


def test_the_main_job_fetches_the_deepseek_family(main_job_graph: list[str]) -> None:
    names = {k.removeprefix(PREFIX) for k in main_job_graph}
    assert {
        "DeepSeek-R1",
        "DeepSeek-R1-Zero",
        "DeepSeek-V3",
        "DeepSeek-V3.2-Exp",
        "DeepSeek-R1-Distill-Llama-8B",
        "DeepSeek-R1-Distill-Llama-70B",
        "DeepSeek-R1-Distill-Qwen-1.5B",
        "DeepSeek-R1-Distill-Qwen-7B",
        "DeepSeek-R1-Distill-Qwen-14B",
        "DeepSeek-R1-Distill-Qwen-32B",
    } <= names


def _bases(src: ExportSource) -> set[str]:
    return {e.end for e in src.edges if e.start == src.root.key and e.rel in PEDIGREE}


def test_every_deepseek_cyclonedx_bom_validates_with_its_bases(
    sources: dict[str, ExportSource],
) -> None:
    with_bases = 0
    for key, src in sources.items():
        bases = _bases(src)
        with_bases += bool(bases)
        for version in ("1.6", "1.7"):
            bom = to_cyclonedx(src, version)
            assert cyclonedx_errors(bom, version) is None, (key, version)
            pedigree = bom["metadata"]["component"].get("pedigree", {}).get("ancestors", [])
            assert {a["bom-ref"] for a in pedigree} == bases, (key, version)
    assert with_bases >= 8  # every distill, and V3.2-Exp and R1 on their bases


def test_every_deepseek_spdx3_document_validates_with_its_bases(
    sources: dict[str, ExportSource],
) -> None:
    for key, src in sources.items():
        doc = to_spdx3(src)
        spdx_objects(json.dumps(doc))
        graph = doc["@graph"]
        ns = next(e for e in graph if e["type"] == "SpdxDocument")["spdxId"].removesuffix(
            "document"
        )
        descends = {
            r["to"][0].removeprefix(ns)
            for r in graph
            if r["type"] == "Relationship"
            and r["relationshipType"] == "descendantOf"
            and r["from"].removeprefix(ns) == key
        }
        assert descends == _bases(src), key


@pytest.mark.parametrize("fmt", sorted(PROV_KINDS))
def test_every_deepseek_prov_document_round_trips_with_its_bases(
    sources: dict[str, ExportSource], fmt: str
) -> None:
    for key, src in sources.items():
        doc = to_prov(src)
        back = prov_back(serialize(doc, fmt), fmt)
        assert back == doc, (key, fmt)
        # A model is its revision's entity; each entity names its Shoulders key.
        key_of = {
            r.identifier: str(k)
            for r in back.get_records(ProvEntity)
            for k in r.get_attribute(SHOULDERS["key"])
        }
        derived = {
            key_of[r.args[1]] for r in back.get_records(ProvDerivation) if key_of[r.args[0]] == key
        }
        assert derived == _bases(src), (key, fmt)
