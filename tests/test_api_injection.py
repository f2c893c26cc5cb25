"""Injection strings in every string argument are only data: the graph is unchanged and
nothing outside what was asked for comes back."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from neo4j import Driver

from service.app import create_app
from shoulders.settings import Settings
from tests import api_graph as g
from tests.api_server import Served, serve

INJECTIONS = [
    "') MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "x` {key: 'a'}) DETACH DELETE n //",
    "]->(m) DELETE m //",
    "hf:model:x'}) SET n.name = 'pwned' //",
    "' OR 1=1 --",
    "*:*",
    "*",
    "key:* OR name:*",
    "name:deepseek* OR key:hf*",
    '" OR ""="',
    "\\",
    "a\u0000b",
    "{$ne: null}",
    "CALL db.index.fulltext.queryNodes('entity_search', '*')",
]

STRING_ARGUMENTS = [
    ("query($v: String!) { entity(key: $v) { key } }", "entity"),
    ("query($v: String!) { model(id: $v) { key } }", "model"),
    ("query($v: String!) { dataset(id: $v) { key } }", "dataset"),
    ("query($v: String!) { organization(id: $v) { key } }", "organization"),
    ("query($v: String!) { paper(arxivId: $v) { key } }", "paper"),
    ("query($v: String!) { paper(doi: $v) { key } }", "paper"),
    ("query($v: String!) { repository(fullName: $v) { key } }", "repository"),
    ("query($v: String!) { package(name: $v) { key } }", "package"),
    ('query($v: String!) { package(ecosystem: $v, name: "torch") { key } }', "package"),
    ("query($v: String!) { standsOn(key: $v) { nodes { distance } } }", "standsOn"),
    ("query($v: String!) { dependents(key: $v) { totalCount } }", "dependents"),
    (
        'query($v: String!) { dependents(key: "pypi:torch", after: $v) { totalCount } }',
        "dependents",
    ),
    ('query($v: String!) { explain(from: $v, to: "pypi:torch") { length } }', "explain"),
    ('query($v: String!) { explain(from: "pypi:torch", to: $v) { length } }', "explain"),
    ('query($v: String!) { search(text: "deepseek", after: $v) { totalCount } }', "search"),
]


@pytest.fixture(scope="module")
def api(driver: Driver, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as served:
        yield served


def test_injection_strings_are_harmless(api: Served, graph: Driver, settings: Settings) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    before = g.graph_counts(graph, settings.neo4j_database)
    for text in INJECTIONS:
        for query, field in STRING_ARGUMENTS:
            body = api.post(query, v=text)
            codes = {e["extensions"]["code"] for e in body.get("errors") or []}
            assert codes <= {"BAD_USER_INPUT", "NOT_FOUND"}, (query, text, body)
            assert body["data"] is None or body["data"][field] is None, (query, text, body)
        hits = api.data(
            "query($v: String!) { search(text: $v, first: 100) { edges { node { key name } } } }",
            v=text,
        )["search"]["edges"]
        words = set(re.findall(r"[a-z0-9]+", text.lower()))
        for hit in hits:  # only entities that carry one of the words: no match-all
            haystack = (hit["node"]["key"] + " " + hit["node"]["name"]).lower()
            assert any(w in haystack for w in words), (text, hit)
    for match_all in ("*", "*:*", "key:* OR name:*"):
        assert not api.data(
            "query($v: String!) { search(text: $v) { edges { node { key } } } }", v=match_all
        )["search"]["edges"]
    assert g.graph_counts(graph, settings.neo4j_database) == before
