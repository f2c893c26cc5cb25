"""Nobody let in: Neo4j wants credentials, the API cannot write, secrets reach no output,
GraphiQL is off in production unless asked for.

Already proven elsewhere and not repeated: mutations fail validation and injection strings
change nothing (test_api_limits, test_api_injection), the body limit and CORS
(test_api_limits), secrets out of settings' repr (test_settings), the HF token in-process
(test_hf_source), compose's NEO4J_AUTH (test_compose).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ClientError, Neo4jError
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ingest.job import IngestRequest, run_ingest
from ingest.replay.server import ReplayServer
from service.app import create_app
from service.queries.reader import Reader, ReadTx
from shoulders.db import async_driver
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import Settings, env_names
from tests.api_server import free_port, serve
from tests.support.dump import canonical_dump
from tests.test_hf_ingest import RECORDINGS
from tests.test_papers_code_ingest import SEEDS as PAPER_CODE_SEEDS

# Distinctive values: finding one in an output cannot be a coincidence.
SECRETS = {
    "HF_TOKEN": "hf_ZZsecretHF0123456789abcdef",
    "GITHUB_TOKEN": "ghp_ZZsecretGH0123456789abcdef",
    "S2_API_KEY": "ZZsecretS2-0123456789abcdef",
}
WRONG_PASSWORD = "ZZsecretNeo4j-not-the-password"
SEEDS = ["hf:deepseek-ai/DeepSeek-R1-Distill-Llama-8B", *PAPER_CODE_SEEDS]


def test_neo4j_refuses_connections_without_the_right_credentials(
    neo4j_server: LocalNeo4j, settings: Settings
) -> None:
    conf = neo4j_server.conf_file.read_text().splitlines()
    assert "dbms.security.auth_enabled=true" in conf
    for auth in (None, ("neo4j", WRONG_PASSWORD), ("nobody", WRONG_PASSWORD)):
        with (
            GraphDatabase.driver(settings.neo4j_uri, auth=auth) as drv,
            pytest.raises((AuthError, ClientError)) as info,
        ):
            drv.execute_query("MATCH (n) RETURN count(n)", database_=settings.neo4j_database)
        assert WRONG_PASSWORD not in str(info.value)


def test_the_api_driver_can_only_read(graph: Driver, settings: Settings) -> None:
    """Every API query runs in a read transaction: Neo4j itself refuses a write there."""

    async def attempt() -> None:
        driver = async_driver(settings)
        try:

            async def write(tx: ReadTx) -> object:
                return await tx.rows("CREATE (:Entity {key: 'pwned:1'}) RETURN 1 AS one")

            await Reader(driver, settings.neo4j_database).read(write)
        finally:
            await driver.close()

    with pytest.raises(Neo4jError, match=r"(?i)write"):
        asyncio.run(attempt())
    records, _, _ = graph.execute_query(
        "MATCH (n {key: 'pwned:1'}) RETURN count(n) AS c", database_=settings.neo4j_database
    )
    assert records[0]["c"] == 0


def _nowhere(settings: Settings, **updates: object) -> Starlette:
    """The app with a driver pointing at a port where nothing listens: no Neo4j needed."""
    return create_app(
        settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}", **updates})
    )


def test_the_schema_has_no_mutations_or_subscriptions(settings: Settings) -> None:
    query = "{ __schema { mutationType { name } subscriptionType { name } } }"
    with TestClient(_nowhere(settings)) as client:
        body = client.post("/graphql", json={"query": query}).json()
    assert body["data"]["__schema"] == {"mutationType": None, "subscriptionType": None}


@pytest.mark.parametrize(
    ("env", "graphiql", "served"),
    [
        ("development", None, True),
        ("production", None, False),
        ("production", True, True),
        ("development", False, False),
    ],
)
def test_graphiql_is_off_in_production_unless_asked_for(
    settings: Settings, env: str, graphiql: bool | None, served: bool
) -> None:
    with TestClient(_nowhere(settings, env=env, graphiql=graphiql)) as client:
        page = client.get("/graphql", headers={"accept": "text/html"})
    assert ("graphiql" in page.text.lower() and page.status_code == 200) is served


def test_settings_read_shoulders_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOULDERS_ENV", "production")
    monkeypatch.delenv("SHOULDERS_GRAPHIQL", raising=False)
    assert Settings().graphiql_enabled is False
    monkeypatch.setenv("SHOULDERS_GRAPHIQL", "true")
    assert Settings().graphiql_enabled is True


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shoulders.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ingest_args(report: Path) -> list[str]:
    args = ["ingest", "--replay", str(RECORDINGS), "--report", str(report), "--depth", "1"]
    for seed in SEEDS:
        args += ["--seed", seed]
    return args


def test_tokens_and_passwords_reach_no_output(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    password = settings.neo4j_password.get_secret_value()
    secrets = [*SECRETS.values(), password]
    env = {**SECRETS, "SHOULDERS_LOG_FORMAT": "json", "SHOULDERS_LOG_LEVEL": "DEBUG"}
    report = tmp_path / "report.json"
    done = _cli(env, *_ingest_args(report))
    assert done.returncode == 0, done.stderr  # every request the job makes has a recording
    run_id = json.loads(report.read_text())["run_id"]
    records, _, _ = graph.execute_query(
        "MATCH (r:IngestRun {run_id: $id}) RETURN properties(r) AS props",
        id=run_id,
        database_=settings.neo4j_database,
    )
    outputs = {
        "stdout": done.stdout,
        "stderr": done.stderr,
        "report": report.read_text(),
        "IngestRun": json.dumps(records[0]["props"], default=str),
        "graph": "\n".join(canonical_dump(graph, settings.neo4j_database)),
    }
    # The same run once more with a password Neo4j refuses: it fails, and says so without it.
    refused = _cli({**env, "NEO4J_PASSWORD": WRONG_PASSWORD}, *_ingest_args(tmp_path / "r.json"))
    assert refused.returncode == 1, refused.stderr
    outputs["refused stdout"], outputs["refused stderr"] = refused.stdout, refused.stderr
    assert '"status": "failed"' in (tmp_path / "r.json").read_text()
    outputs["refused report"] = (tmp_path / "r.json").read_text()
    assert len(outputs["stderr"]) > 1000  # DEBUG logs: there was something to search
    for name, text in outputs.items():
        for secret in [*secrets, WRONG_PASSWORD]:
            assert secret not in text, f"a secret in {name}"


def test_tokens_go_only_to_their_own_service(graph: Driver, settings: Settings) -> None:
    with ReplayServer(RECORDINGS) as server:
        by_env = {env: name for name, env in env_names().items()}
        updates: dict[str, object] = {by_env[e]: url for e, url in server.endpoints().items()}
        updates.update({by_env[e]: SecretStr(v) for e, v in SECRETS.items()})
        keys = ["hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-8B", *PAPER_CODE_SEEDS]
        run_ingest(settings.model_copy(update=updates), IngestRequest(seeds=keys))
        sent: dict[str, set[tuple[str, ...]]] = {}
        for request in server.stats.requests:
            sent.setdefault(request.service or "?", set()).add(request.credential_headers)
    assert sent["hf"] == {("authorization",)}
    assert sent["github"] == {("authorization",)}
    assert sent["s2"] == {("x-api-key",)}
    assert sent["arxiv"] == sent["pypi"] == {()}


def test_a_failing_api_request_leaks_no_secret(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    by_env = {env: name for name, env in env_names().items()}
    updates: dict[str, object] = {by_env[e]: SecretStr(v) for e, v in SECRETS.items()}
    updates["neo4j_password"] = SecretStr(WRONG_PASSWORD)  # Neo4j refuses the API's driver
    app = create_app(settings.model_copy(update=updates))
    with caplog.at_level(logging.DEBUG), serve(app) as api:
        answers = [
            api.http.post("/graphql", json={"query": '{ model(id: "a/b") { key } }'}),
            api.http.post("/graphql", json={"query": "{ search(text: 1) }"}),
            api.http.post(
                "/graphql", content=b"{not json", headers={"content-type": "application/json"}
            ),
            api.http.get("/healthz"),
            api.http.get("/metrics"),
        ]
    [error] = answers[0].json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert answers[3].status_code == 503
    texts = [caplog.text, *(a.text + json.dumps(dict(a.headers)) for a in answers)]
    assert "AuthError" in caplog.text or "credentials" in caplog.text.lower()  # it was logged
    for text in texts:
        for secret in [*SECRETS.values(), WRONG_PASSWORD]:
            assert secret not in text
