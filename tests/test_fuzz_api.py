"""Hostile input to the API: a property-based GraphQL fuzz (schemathesis, from the checked-in SDL)
and malformed HTTP requests. No 5xx, every error carries a code, the server stays responsive.

Depth, alias and token bombs, huge arguments and injection strings are in test_api_limits.py and
test_api_injection.py; this adds what a fuzzer and a broken client send.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from neo4j import Driver
from schemathesis.generation.case import Case

from service import errors, limits
from service.app import create_app
from shoulders.settings import Settings
from tests import api_graph as g
from tests.api_server import Served, serve
from tests.conftest import wipe
from tests.support import REPO_ROOT

SCHEMA = schemathesis.graphql.from_path(REPO_ROOT / "schema" / "schema.graphql")
CLIENT_CODES = {
    errors.NOT_FOUND,
    errors.BAD_USER_INPUT,
    errors.LIMIT_EXCEEDED,
    errors.GRAPHQL_PARSE_FAILED,
    errors.GRAPHQL_VALIDATION_FAILED,
}


@pytest.fixture(scope="module")
def api(driver: Driver, settings: Settings) -> Iterator[Served]:
    wipe(driver, settings.neo4j_database)
    g.write_deepseek_graph(driver, settings.neo4j_database)
    with serve(create_app(settings)) as served:
        yield served
    wipe(driver, settings.neo4j_database)


def assert_coded(body: dict[str, Any]) -> None:
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] in CLIENT_CODES, error


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=8,  # per query field: about 120 requests in all
    deadline=None,
    database=None,  # nothing written to .hypothesis/
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,  # the same requests on every run: a failure reproduces
)
def test_fuzzed_queries_get_answers_or_coded_errors(case: Case, api: Served) -> None:
    response = case.call(base_url=api.url + "/graphql", timeout=30)
    assert response.status_code < 500, response.text
    assert_coded(response.json())


def test_still_responsive_after_the_fuzz(api: Served) -> None:
    assert api.http.get("/healthz").status_code == 200
    assert api.data('{ model(id: "deepseek-ai/DeepSeek-R1") { key } }')["model"]["key"] == g.R1
    metrics = api.http.get("/metrics").text
    assert 'status="500"' not in metrics


JSON = {"content-type": "application/json"}
NESTED = b"[" * 30_000 + b"]" * 30_000  # under the body limit, past Python's recursion limit


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"content": b'{"query": ', "headers": JSON}, 400),
        ({"content": b'\xff\xfe{"query": "{ __typename }"}', "headers": JSON}, 400),
        (
            {
                "content": b'{"query": "{ __typename }", "variables": ' + NESTED + b"}",
                "headers": JSON,
            },
            400,
        ),
        ({"content": b'[{"query": "{ __typename }"}]', "headers": JSON}, 400),
        ({"json": {"query": 5}}, 400),
        ({"json": {"variables": {}}}, 400),
        ({"json": {"query": "{ __typename }", "variables": "x"}}, 400),
        ({"content": b"{ __typename }", "headers": {"content-type": "text/plain"}}, 400),
        ({"data": {"query": "{ __typename }"}}, 400),
        ({"content": b'{"query": "{ __typename }"}'}, 400),
        ({"json": {"query": "query A { __typename }", "operationName": "B"}}, 400),
    ],
    ids=[
        "cut-json",
        "not-utf8",
        "nested-json",
        "batch",
        "query-not-string",
        "no-query",
        "variables-not-object",
        "text-plain",
        "form",
        "no-content-type",
        "unknown-operation",
    ],
)
def test_malformed_requests_are_coded_400s(
    api: Served, request_kwargs: dict[str, Any], status: int
) -> None:
    response = api.http.post("/graphql", **request_kwargs)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == errors.BAD_REQUEST and error["message"]


def test_other_methods_and_get_queries_are_refused_with_a_code(api: Served) -> None:
    put = api.http.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405
    got = api.http.get("/graphql", params={"query": "{ __typename }"})
    assert got.status_code == 400
    assert got.json()["errors"][0]["extensions"]["code"] == errors.BAD_REQUEST


@pytest.mark.parametrize(
    "query",
    [
        "query($v: String!) { entity(key: $v) { key } }",
        "query($v: String!) { search(text: $v) { totalCount } }",
        "query($v: String!) { standsOn(key: $v) { truncated } }",
    ],
)
def test_very_long_strings_are_limited_before_neo4j(api: Served, query: str) -> None:
    before = api.queries
    body = api.post(query, v="x" * (limits.MAX_BODY_BYTES - 1000))
    assert [e["extensions"]["code"] for e in body["errors"]] == [errors.LIMIT_EXCEEDED]
    assert api.queries == before


FRAGMENT_FAN = "query { ...F12 }\nfragment F0 on Query { __typename }\n" + "\n".join(
    f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 13)
)
DUPLICATE_FIELDS = "{ " + 'entity(key: "pypi:torch") { key } ' * 150 + "}"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (FRAGMENT_FAN, None),  # 4096 merged __typename: cheap, answered
        (DUPLICATE_FIELDS, None),  # 150 copies merge into one field: one lookup
        (
            '{ entity(key: "pypi:torch") { key } entity(key: "pypi:numpy") { key } }',
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ],
    ids=["fragment-cycle", "fragment-fan-out", "duplicate-fields", "conflicting-fields"],
)
def test_fragment_and_duplicate_field_bombs(api: Served, query: str, code: str | None) -> None:
    before = api.queries
    body = api.post(query)
    if code is None:
        assert not body.get("errors") and body["data"]
        assert api.queries - before <= 1
    else:
        assert {e["extensions"]["code"] for e in body["errors"]} == {code}
        assert api.queries == before
