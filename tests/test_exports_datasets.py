"""Exports of a model that was trained on a dataset: the recorded DeepSeek cards name none,
so the small hand-made graph of tests/api_graph.py gets one TRAINED_ON edge."""

from __future__ import annotations

import json

from neo4j import Driver
from prov.model import PROV
from spdx_python_model import v3_0_1 as spdx

from service.export.cyclonedx import to_cyclonedx
from service.export.spdx3 import to_spdx3
from service.export.w3c_prov import to_prov
from shoulders.settings import Settings
from tests import api_graph as g
from tests.support.standards import cyclonedx_errors, spdx_objects
from tests.test_exports import read_source


def test_spdx3_trained_on_becomes_a_dataset_package(graph: Driver, settings: Settings) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    graph.execute_query(
        "MATCH (m:Model {key: $m}) MERGE (d:Dataset:Entity {key: 'hf:dataset:openbmb/UltraFeedback'}) "
        "SET d.name = 'openbmb/UltraFeedback', d.status = 'referenced' "
        "MERGE (m)-[r:TRAINED_ON {assertion: 'a1'}]->(d) "
        "SET r += {source: 'hf', method: 'declared', confidence: 1.0, evidence_field: 'cardData.datasets', "
        "evidence_value: 'openbmb/UltraFeedback', run_id: $run, fetched_at: '2025-01-01T00:00:00+00:00'}",
        m=g.DISTILL_8B,
        run=g.RUN,
        database_=settings.neo4j_database,
    )
    src = read_source(settings, g.DISTILL_8B)
    doc = to_spdx3(src)
    objects = spdx_objects(json.dumps(doc))
    datasets = list(objects.foreach_type(spdx.dataset_DatasetPackage))
    assert [d.name for d in datasets] == ["openbmb/UltraFeedback"]
    assert any(
        r["type"] == "Relationship" and r["relationshipType"] == "trainedOn" for r in doc["@graph"]
    )
    bom = to_cyclonedx(src, "1.6")
    assert cyclonedx_errors(bom, "1.6") is None
    data = next(c for c in bom["components"] if c["type"] == "data")
    card = bom["metadata"]["component"]["modelCard"]["modelParameters"]
    assert card["datasets"] == [{"ref": data["bom-ref"]}]
    prov = to_prov(src)
    used = [r for r in prov.get_records() if r.get_type() == PROV["Usage"]]
    roles = {str(v) for r in used for v in r.get_attribute(PROV["role"])}
    assert "shoulders:trainingData" in roles and "shoulders:baseModel" in roles
