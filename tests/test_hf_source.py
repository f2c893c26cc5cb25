"""The HF source through the real clients: author listings, others' recordings, faults, secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver
from pydantic import SecretStr

from ingest.crawl import Limits
from ingest.job import IngestRequest, run_ingest
from ingest.replay.server import ReplayServer
from shoulders.settings import Settings, env_names
from tests.support.dump import canonical_dump
from tests.test_hf_ingest import HF_ONLY, RECORDINGS

SECRET = "hf_sEcReT0123456789abcdefTOKEN"


def pointed_at(settings: Settings, server: ReplayServer, **updates: Any) -> Settings:
    by_env = {env: name for name, env in env_names().items()}
    endpoints = {by_env[env]: url for env, url in server.endpoints().items() if env in by_env}
    return settings.model_copy(update={**endpoints, **updates})


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer(RECORDINGS) as server:
        yield server


def test_author_listing_uses_the_listing_not_one_call_per_model(
    graph: Driver, settings: Settings, replay: ReplayServer
) -> None:
    s = pointed_at(settings, replay)
    report = run_ingest(
        s, IngestRequest(hf_authors=["deepseek-ai"], sources=HF_ONLY, limits=Limits(depth=0))
    )
    assert report.status == "success", report.failures
    listing = [r for r in replay.stats.requests if r.path == "/hf/api/models"]
    assert len(listing) == 2  # both pages, following the Link header
    records, _, _ = graph.execute_query(
        "MATCH (n:Model {status: 'resolved'}) WHERE n.key STARTS WITH 'hf:model:deepseek-ai/' "
        "RETURN count(n) AS c",
        database_=settings.neo4j_database,
    )
    listed = records[0]["c"]
    assert listed == 12
    per_model = [
        r for r in replay.stats.requests if r.path.startswith("/hf/api/models/deepseek-ai/")
    ]
    # The listing carries the metadata; per-model calls are only for resolving names in prose.
    assert len(per_model) < listed / 2
    assert report.http["total"] == replay.stats.total


def write_recording(folder: Path, path: str, body: dict[str, Any] | str, **response: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    is_text = isinstance(body, str)
    doc = {
        "kind": "constructed",
        "source": "written by a test, in the documented format",
        "request": {"path": path},
        "responses": [
            {
                "status": response.pop("status", 200),
                "headers": {"Content-Type": "text/plain" if is_text else "application/json"},
                **({"body": body} if is_text else {"json": body}),
                **response,
            }
        ],
    }
    (folder / "exchange.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def model_json(repo: str, sha: str, **extra: Any) -> dict[str, Any]:
    return {
        "_id": "0" * 24,
        "id": repo,
        "modelId": repo,
        "author": repo.split("/")[0],
        "sha": sha,
        "lastModified": "2025-01-01T00:00:00.000Z",
        "createdAt": "2024-12-01T00:00:00.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 1,
        "likes": 0,
        "library_name": "transformers",
        "tags": extra.pop("tags", []),
        "cardData": extra.pop("cardData", {}),
        **extra,
    }


def test_a_recording_folder_written_by_someone_else(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "mine"
    child_sha, base_sha = "1" * 40, "2" * 40
    write_recording(
        root / "hf" / "child",
        "/api/models/acme/tiny-chat",
        model_json(
            "acme/tiny-chat",
            child_sha,
            cardData={"base_model": "acme/tiny-base", "license": "apache-2.0"},
            tags=[
                "base_model:acme/tiny-base",
                "base_model:adapter:acme/tiny-base",
                "license:apache-2.0",
            ],
        ),
    )
    write_recording(
        root / "hf" / "base", "/api/models/acme/tiny-base", model_json("acme/tiny-base", base_sha)
    )
    write_recording(
        root / "hf" / "card",
        f"/acme/tiny-chat/resolve/{child_sha}/README.md",
        "---\nlicense: apache-2.0\n---\n# tiny\n",
    )
    report = run_ingest(
        settings, IngestRequest(seeds=["hf:model:acme/tiny-chat"], replay=root, sources=HF_ONLY)
    )
    assert report.status == "success", report.failures
    records, _, _ = graph.execute_query(
        "MATCH (:Model {key: 'hf:model:acme/tiny-chat'})-[r:ADAPTER_OF]->(b:Model) "
        "RETURN b.key AS b, b.status AS s, collect(r.evidence_field) AS fields",
        database_=settings.neo4j_database,
    )
    assert records[0]["b"] == "hf:model:acme/tiny-base" and records[0]["s"] == "resolved"
    # No relation in YAML: it takes the one the Hub's tag gives.
    assert sorted(records[0]["fields"]) == ["cardData.base_model", "tags"]


def _scripted(tmp_path: Path, responses: list[dict[str, Any]]) -> Path:
    root = tmp_path / "faults"
    sha = "3" * 40
    body = model_json("acme/flaky", sha)
    folder = root / "hf" / "flaky"
    folder.mkdir(parents=True)
    (folder / "model.json").write_text(json.dumps(body))
    ok = {"status": 200, "headers": {"Content-Type": "application/json"}, "body_file": "model.json"}
    doc = {
        "kind": "constructed",
        "source": "a scripted fault sequence",
        "request": {"path": "/api/models/acme/flaky"},
        "responses": [*responses, ok],
    }
    (folder / "model.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "headers": {"Retry-After": "1"}, "json": {"error": "rate limited"}},
        {
            "status": 429,
            "headers": {"RateLimit": '"api";r=0;t=0'},
            "json": {"error": "rate limited"},
        },
        {"status": 503, "json": {"error": "unavailable"}},
        {"status": 502, "body": "<html>bad gateway</html>"},
    ],
    ids=["retry-after", "hub-ratelimit", "503", "502"],
)
def test_transient_faults_are_retried(
    graph: Driver, settings: Settings, tmp_path: Path, fault: dict[str, Any]
) -> None:
    root = _scripted(tmp_path, [fault, fault])
    report = run_ingest(
        settings, IngestRequest(seeds=["hf:model:acme/flaky"], replay=root, sources=HF_ONLY)
    )
    assert report.status == "success", report.failures
    assert report.http["retries"] == 2
    records, _, _ = graph.execute_query(
        "MATCH (n:Model {key: 'hf:model:acme/flaky'}) RETURN n.status AS s",
        database_=settings.neo4j_database,
    )
    assert records[0]["s"] == "resolved"


def test_timeouts_end_in_a_named_failure_not_a_crash(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    root = _scripted(tmp_path, [{"status": 200, "json": {}, "delay": 3}] * 3)
    with ReplayServer([RECORDINGS, root]) as server:
        s = pointed_at(settings, server, http_timeout=0.5, http_max_retries=1)
        seeds = ["hf:model:acme/flaky", "hf:model:deepseek-ai/DeepSeek-V3"]
        report = run_ingest(s, IngestRequest(seeds=seeds, sources=HF_ONLY))
    assert report.status == "partial"
    assert [f.key for f in report.failures] == ["hf:model:acme/flaky"]
    assert (
        "network error" in report.failures[0].reason
        or "timeout" in report.failures[0].reason.lower()
    )
    assert report.fetched >= 1  # the other seed was not held up


def test_a_base_model_cycle_ends(graph: Driver, settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "cycle"
    for me, other, sha in [("acme/a", "acme/b", "4" * 40), ("acme/b", "acme/a", "5" * 40)]:
        write_recording(
            root / "hf" / me.replace("/", "_"),
            f"/api/models/{me}",
            model_json(
                me, sha, tags=[f"base_model:finetune:{other}"], cardData={"base_model": [me]}
            ),
        )
    report = run_ingest(
        settings, IngestRequest(seeds=["hf:model:acme/a"], replay=root, sources=HF_ONLY)
    )
    assert report.status == "success"
    assert report.fetched == 2
    records, _, _ = graph.execute_query(
        "MATCH (a:Model)-[r]->(b:Model) RETURN a.key AS a, b.key AS b",
        database_=settings.neo4j_database,
    )
    assert {(r["a"], r["b"]) for r in records} == {
        ("hf:model:acme/a", "hf:model:acme/b"),
        ("hf:model:acme/b", "hf:model:acme/a"),
    }
    assert any("names itself" in w for w in report.warnings)  # the self-reference in YAML


def test_secrets_reach_no_output(
    graph: Driver,
    settings: Settings,
    replay: ReplayServer,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    s = pointed_at(settings, replay).model_copy(
        update={"hf_token": SecretStr(SECRET), "report_dir": tmp_path}
    )
    with caplog.at_level(logging.DEBUG):
        report = run_ingest(
            s,
            IngestRequest(
                seeds=["hf:model:deepseek-ai/DeepSeek-R1", "hf:model:nobody/missing"],
                sources=HF_ONLY,
            ),
        )
    assert report.status == "partial"
    # The token was sent, as a header, to the Hub ...
    hub = [r for r in replay.stats.requests if r.path.startswith("/hf/")]
    assert hub and all("authorization" in (h.lower() for h in r.credential_headers) for r in hub)
    # ... and appears in no log, report or graph property.
    path = report.write(tmp_path)
    assert SECRET not in caplog.text
    assert SECRET not in path.read_text()
    assert SECRET not in "\n".join(canonical_dump(graph, settings.neo4j_database))
    assert SECRET not in repr(s) and SECRET not in str(s.model_dump())


def test_each_entity_is_fetched_at_most_once_per_run(
    graph: Driver, settings: Settings, replay: ReplayServer
) -> None:
    from tests.test_hf_ingest import SEEDS

    report = run_ingest(pointed_at(settings, replay), IngestRequest(seeds=SEEDS, sources=HF_ONLY))
    assert report.status == "success"
    per_route = replay.stats.per_route()
    hub_calls = {path: n for (_, path), n in per_route.items() if path.startswith("/hf/")}
    assert hub_calls and max(hub_calls.values()) == 1, {p: n for p, n in hub_calls.items() if n > 1}
