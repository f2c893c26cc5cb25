"""Every kind of licence finding, on a small graph written by the project's own loader."""

from __future__ import annotations

import asyncio

from neo4j import Driver

from ingest.licence_nodes import licence_nodes
from ingest.loader import Loader
from ingest.records import EdgeRecord, Evidence, NodeRecord, Provenance, RecordBatch
from schema import keys
from schema.licences import TermKind
from schema.vocabulary import Label, Rel
from service.licensing.answers import assess_openness, check_licences
from service.licensing.check import Code, LicenceCheck, Scope, Severity
from service.licensing.openness import Verdict
from service.queries.reader import Reader
from shoulders.db import async_driver
from shoulders.settings import Settings

RUN = "20250101T000000Z-licences"
FT = keys.hf_model("acme/qwen-ft")
CHILD = keys.hf_model("acme/child")
QWEN_3B = keys.hf_model("Qwen/Qwen2.5-3B")
MYSTERY = keys.hf_model("acme/mystery")
BARE = keys.hf_model("acme/bare")
LLAMA2 = keys.hf_model("meta-llama/Llama-2-7b-hf")
NC_DATA = keys.hf_dataset("acme/nc-data")
BY_DATA = keys.hf_dataset("acme/by-data")
ODD_DATA = keys.hf_dataset("acme/odd-data")
L31 = keys.hf_model("meta-llama/Llama-3.1-8B")
L31_FT = keys.hf_model("acme/Llama-3.1-ft")


def _prov(key: str) -> Provenance:
    return Provenance("hf", f"https://huggingface.co/api/{key}", "0" * 40, "2025-01-01", RUN)


def _node(key: str, label: Label = Label.MODEL, **props: str) -> NodeRecord:
    return NodeRecord(key, label, key.split(":", 2)[-1], props, _prov(key))


def _edge(rel: Rel, start: str, end: str, field: str = "cardData.base_model") -> EdgeRecord:
    return EdgeRecord(rel, start, end, _prov(start), Evidence(field, end.split(":", 2)[-1]))


def _licence(start: str, given: str) -> EdgeRecord:
    return EdgeRecord(
        Rel.LICENSED_UNDER,
        start,
        keys.license_(given),
        _prov(start),
        Evidence("cardData.license", given),
        end_name=given,
    )


def _write(driver: Driver, database: str) -> None:
    edges = [
        _licence(FT, "apache-2.0"),
        _licence(QWEN_3B, "qwen-research"),
        _licence(MYSTERY, "some-vendor-licence"),
        _licence(LLAMA2, "llama2"),
        _licence(NC_DATA, "cc-by-nc-4.0"),
        _licence(BY_DATA, "cc-by-4.0"),
        _licence(L31, "llama3.1"),
        _licence(L31_FT, "llama3.1"),
        _edge(Rel.FINETUNED_FROM, FT, QWEN_3B),
        _edge(Rel.MERGED_FROM, FT, MYSTERY),
        _edge(Rel.MERGED_FROM, FT, BARE),
        _edge(Rel.DISTILLED_FROM, FT, LLAMA2, "README.md#prose"),
        _edge(Rel.TRAINED_ON, FT, NC_DATA, "cardData.datasets"),
        _edge(Rel.TRAINED_ON, FT, BY_DATA, "cardData.datasets"),
        _edge(Rel.TRAINED_ON, FT, ODD_DATA, "cardData.datasets"),
        _edge(Rel.ADAPTER_OF, CHILD, FT),
        _edge(Rel.FINETUNED_FROM, L31_FT, L31),
    ]
    nodes = [
        _node(k) for k in (FT, CHILD, QWEN_3B, MYSTERY, BARE, LLAMA2, L31, L31_FT) if k != LLAMA2
    ]
    nodes.append(_node(LLAMA2, gated="manual"))
    nodes += [_node(k, Label.DATASET) for k in (NC_DATA, BY_DATA, ODD_DATA)]
    batch = RecordBatch(nodes=nodes + licence_nodes(edges), edges=edges)
    Loader(driver, database).write(batch)


def _check(settings: Settings, key: str) -> LicenceCheck:
    async def go() -> LicenceCheck:
        driver = async_driver(settings)
        try:
            found = await check_licences(Reader(driver, settings.neo4j_database), key)
        finally:
            await driver.close()
        assert found is not None
        return found

    return asyncio.run(go())


def _by(check: LicenceCheck) -> dict[tuple[Code, Scope, str], list[object]]:
    out: dict[tuple[Code, Scope, str], list[object]] = {}
    for f in check.findings:
        out.setdefault((f.code, f.scope, f.subject), []).append(f)
    return out


def test_each_finding_kind_with_its_scope(graph: Driver, settings: Settings) -> None:
    _write(graph, settings.neo4j_database)
    check = _check(settings, FT)
    found = {(f.code, f.scope, f.subject): f for f in check.findings}
    assert [d.licence.id for d in check.declared] == ["Apache-2.0"]

    nc = found[(Code.NONCOMMERCIAL_UPSTREAM, Scope.WEIGHTS, QWEN_3B)]
    assert nc.severity is Severity.HIGH
    drift = found[(Code.DECLARED_MORE_PERMISSIVE, Scope.WEIGHTS, QWEN_3B)]
    assert {t.kind for t in drift.terms} == {TermKind.NON_COMMERCIAL, TermKind.DERIVATIVE_NAMING}
    assert [(e.start, e.rel, e.end) for e in drift.path] == [(FT, Rel.FINETUNED_FROM, QWEN_3B)]
    assert drift.path[0].assertions[0].field == "cardData.base_model"

    unknown = found[(Code.UNKNOWN_UPSTREAM_LICENCE, Scope.WEIGHTS, MYSTERY)]
    assert unknown.licence is not None and unknown.licence.licence.id == (
        "LicenseRef-some-vendor-licence"
    )
    assert (Code.UNKNOWN_UPSTREAM_LICENCE, Scope.WEIGHTS, BARE) in found

    teacher = found[(Code.INHERITED_OBLIGATION, Scope.TEACHER, LLAMA2)]
    assert [t.kind for t in teacher.terms] == [TermKind.OUTPUT_USE_RESTRICTION]
    assert "improve any other large language model" in (teacher.terms[0].clause or "")

    assert found[(Code.DATASET_NONCOMMERCIAL, Scope.DATA, NC_DATA)].severity is Severity.MEDIUM
    assert [t.kind for t in found[(Code.DATASET_OBLIGATION, Scope.DATA, BY_DATA)].terms] == [
        TermKind.ATTRIBUTION_NOTICE
    ]
    assert (Code.DATASET_LICENCE_UNKNOWN, Scope.DATA, ODD_DATA) in found
    assert check.max_severity is Severity.HIGH
    # Most severe first.
    ranks = [f.severity.rank for f in check.findings]
    assert ranks == sorted(ranks, reverse=True)


def test_a_model_without_a_licence_inherits_through_its_parent(
    graph: Driver, settings: Settings
) -> None:
    _write(graph, settings.neo4j_database)
    check = _check(settings, CHILD)
    found = _by(check)
    assert not check.declared
    assert (Code.NO_LICENCE_DECLARED, Scope.SELF, CHILD) in found
    # Without a declared licence nothing can be "more permissive": no drift is claimed.
    assert not any(code is Code.DECLARED_MORE_PERMISSIVE for code, _, _ in found)
    (nc,) = found[(Code.NONCOMMERCIAL_UPSTREAM, Scope.WEIGHTS, QWEN_3B)]
    assert [(e.start, e.end) for e in nc.path] == [(CHILD, FT), (FT, QWEN_3B)]  # type: ignore[attr-defined]
    (data,) = found[(Code.DATASET_NONCOMMERCIAL, Scope.DATA, NC_DATA)]
    assert [e.rel for e in data.path] == [Rel.ADAPTER_OF, Rel.TRAINED_ON]  # type: ignore[attr-defined]


def test_the_same_licence_upstream_is_an_obligation_not_a_drift(
    graph: Driver, settings: Settings
) -> None:
    _write(graph, settings.neo4j_database)
    check = _check(settings, L31_FT)
    assert [(f.code, f.subject) for f in check.findings] == [(Code.INHERITED_OBLIGATION, L31)]
    assert check.findings[0].severity is Severity.MEDIUM


def test_openness_verdicts_from_licence_class_and_gating(graph: Driver, settings: Settings) -> None:
    _write(graph, settings.neo4j_database)

    async def go() -> dict[str, tuple[Verdict, str]]:
        driver = async_driver(settings)
        try:
            found = await assess_openness(Reader(driver, settings.neo4j_database), FT)
        finally:
            await driver.close()
        assert found is not None
        return {i.entity.key: (i.verdict, i.reason) for i in found.items}

    verdicts = asyncio.run(go())
    assert verdicts[QWEN_3B][0] is Verdict.CLOSED_OR_UNKNOWN  # non-commercial
    assert verdicts[LLAMA2][0] is Verdict.OPEN_WITH_RESTRICTIONS
    assert "gated on the Hub (manual)" in verdicts[LLAMA2][1]
    assert verdicts[BY_DATA][0] is Verdict.OPEN
    assert verdicts[ODD_DATA] == (Verdict.CLOSED_OR_UNKNOWN, "no licence declared")
    assert verdicts[MYSTERY][0] is Verdict.CLOSED_OR_UNKNOWN
