"""Hostile and oversized requests: rejected with LIMIT_EXCEEDED before any Cypher runs.

Two proofs: the app serving the real graph sends no query for them (its query counter
stays put), and an app whose driver points at a port where nothing listens answers
them just the same (it could not have asked Neo4j anything).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from neo4j import Driver

from service import limits
from service.app import create_app
from shoulders.settings import Settings
from tests.api_server import Served, free_port, serve

DEPTH_BOMB = '{ model(id: "a/b") { ' + "upstream { to { " * 8 + "key" + " } }" * 8 + " } }"
ALIAS_BOMB = "{ " + " ".join(f'a{i}: entity(key: "pypi:x{i}") {{ key }}' for i in range(60)) + " }"
TOKEN_BOMB = "{ " + "__typename " * (limits.MAX_TOKENS + 100) + "}"
FIELD_LIMITS = [
    '{ standsOn(key: "hf:a/b", maxDepth: 1000) { truncated } }',
    '{ standsOn(key: "hf:a/b", maxNodes: 1000000) { truncated } }',
    '{ dependents(key: "pypi:torch", first: 1000) { totalCount } }',
    '{ dependents(key: "pypi:torch", maxDepth: 11) { totalCount } }',
    '{ explain(from: "hf:a/b", to: "pypi:torch", maxDepth: 1000) { length } }',
    '{ explain(from: "hf:a/b", to: "pypi:torch", first: 1000) { length } }',
    '{ search(text: "deepseek", first: 101) { totalCount } }',
    '{ search(text: "' + "x" * (limits.MAX_TEXT_LENGTH + 1) + '") { totalCount } }',
    "{ ingestRuns(first: 5000) { runId } }",
]
BOMBS = [DEPTH_BOMB, ALIAS_BOMB, TOKEN_BOMB, *FIELD_LIMITS]


@pytest.fixture(scope="module")
def api(driver: Driver, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as served:
        yield served


@pytest.fixture(scope="module")
def nowhere(settings: Settings) -> Iterator[Served]:
    """No Neo4j behind it; GraphiQL off, CORS on for one origin."""
    cut_off = settings.model_copy(
        update={
            "neo4j_uri": f"bolt://127.0.0.1:{free_port()}",
            "graphiql": False,
            "cors_origins": "https://example.org",
        }
    )
    with serve(create_app(cut_off)) as served:
        yield served


@pytest.mark.parametrize("query", BOMBS, ids=lambda q: q[:40])
def test_limits_are_enforced_before_neo4j(api: Served, nowhere: Served, query: str) -> None:
    before = api.queries
    assert api.error_codes(query) == ["LIMIT_EXCEEDED"]
    assert api.queries == before
    before = nowhere.queries
    assert nowhere.error_codes(query) == ["LIMIT_EXCEEDED"]
    assert nowhere.queries == before


def test_limit_messages_say_what_the_limit_is(nowhere: Served) -> None:
    body = nowhere.post(FIELD_LIMITS[0])
    error = body["errors"][0]
    assert "maxDepth must be at most 10" in error["message"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "argument": "maxDepth", "limit": 10}
    assert "depth" in nowhere.post(DEPTH_BOMB)["errors"][0]["message"]
    assert "aliases" in nowhere.post(ALIAS_BOMB)["errors"][0]["message"]


def test_introspection_passes_the_limits(nowhere: Served) -> None:
    from graphql import get_introspection_query

    body = nowhere.post(get_introspection_query())
    assert not body.get("errors") and body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_internal_errors_are_masked_and_logged_with_the_request_id(
    nowhere: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="service"):
        response = nowhere.http.post(
            "/graphql",
            json={"query": '{ model(id: "deepseek-ai/DeepSeek-R1") { key } }'},
            headers={"x-request-id": "req-12345"},
        )
    assert response.headers["x-request-id"] == "req-12345"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345"}
    assert "127.0.0.1" not in error["message"] and "Service" not in error["message"]
    assert any("req-12345" in r.getMessage() for r in caplog.records)


def test_healthz_says_503_when_neo4j_is_down(nowhere: Served) -> None:
    response = nowhere.http.get("/healthz")
    assert response.status_code == 503 and response.json()["neo4j"] == "down"


def test_request_body_is_limited(nowhere: Served) -> None:
    big = "{ __typename }" + " " * (limits.MAX_BODY_BYTES + 10)
    response = nowhere.http.post("/graphql", json={"query": big})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"query": "{ __typename }", "x": "'
        for _ in range(10):
            yield b"x" * 10_000
        yield b'"}'

    streamed = nowhere.http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert nowhere.data("{ __typename }") == {"__typename": "Query"}


def test_graphiql_switch_and_cors(api: Served, nowhere: Served) -> None:
    html = {"accept": "text/html"}
    assert "graphiql" in api.http.get("/graphql", headers=html).text.lower()
    assert nowhere.http.get("/graphql", headers=html).status_code != 200
    preflight = {
        "origin": "https://example.org",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    allowed = nowhere.http.options("/graphql", headers=preflight)
    assert allowed.headers.get("access-control-allow-origin") == "https://example.org"
    closed = api.http.options("/graphql", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers


def test_no_mutations(nowhere: Served) -> None:
    before = nowhere.queries
    codes = nowhere.error_codes('mutation { deleteEverything(key: "x") { key } }')
    assert codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert nowhere.queries == before
