"""The arXiv, S2, GitHub and PyPI sources with their real clients, against the replay server."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from pydantic import SecretStr

from ingest.http import HttpClient
from ingest.job import missing_additions
from ingest.replay.server import ReplayServer
from ingest.sources.arxiv import client as arxiv_client
from ingest.sources.arxiv.source import ArxivSource
from ingest.sources.base import FetchResult, Head, Source, Stamp
from ingest.sources.github.source import GitHubSource
from ingest.sources.pypi.source import PyPISource
from ingest.sources.s2.client import S2Client
from ingest.sources.s2.source import S2Source
from schema.vocabulary import Rel
from shoulders.settings import BUNDLED_RECORDINGS, Settings, env_names

RECORDINGS = BUNDLED_RECORDINGS


STAMP = Stamp("run-test", "2026-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECORDINGS) as srv:
        yield srv


@pytest.fixture
def replay_settings(server: ReplayServer, settings: Settings, tmp_path: Path) -> Settings:
    by_env = {env: name for name, env in env_names().items()}
    updates: dict[str, object] = {by_env[e]: url for e, url in server.endpoints().items()}
    updates["report_dir"] = tmp_path
    server.reset_stats()
    server.rewind()
    return settings.model_copy(update=updates)


def _http(settings: Settings, sources: Sequence[Source]) -> HttpClient:
    policies = {s.name: s.policy() for s in sources}
    return HttpClient(
        settings, policies, cache_path=settings.report_dir / "cache.sqlite", sleep=lambda _: None
    )


def _run(
    source: Source, keys: list[str], http: HttpClient, adders: Sequence[Source] = ()
) -> list[FetchResult]:
    """The contract without a graph: every head counts as changed; adders add to it."""
    heads = list(source.heads(keys, http))
    results = [h for h in heads if isinstance(h, FetchResult)]
    results += source.complete([h for h in heads if isinstance(h, Head)], STAMP, http)
    reread = [r.key for r in results if r.error is None]
    for adder in adders:
        results += adder.add([k for k in reread if k.startswith(adder.adds_to)], STAMP, http)
    return results


# --- arXiv + S2 ------------------------------------------------------------------------
def test_arxiv_batch_and_s2_citations_in_one_fetch(
    replay_settings: Settings, server: ReplayServer
) -> None:
    arxiv, s2 = ArxivSource(replay_settings), S2Source(replay_settings)
    with _http(replay_settings, [arxiv, s2]) as http:
        results = _run(arxiv, ["arxiv:2405.04434", "arxiv:2401.06066"], http, [s2])
    by_source = {(r.source, r.key): r for r in results}
    assert set(by_source) == {
        ("arxiv", "arxiv:2405.04434"),
        ("arxiv", "arxiv:2401.06066"),
        ("s2", "arxiv:2405.04434"),
        ("s2", "arxiv:2401.06066"),
    }
    assert all(r.error is None for r in results)
    paper = by_source[("arxiv", "arxiv:2405.04434")].batch.nodes[0]
    assert paper.provenance is not None and paper.provenance.revision == "v5"
    cites = {e.end for e in by_source[("s2", "arxiv:2405.04434")].batch.edges}
    assert cites == {"arxiv:2401.02954", "arxiv:2401.06066"}
    routes = server.stats.per_route()
    assert routes[("GET", "/arxiv/api/query")] == 1  # both papers in one id_list
    assert routes[("POST", "/s2/graph/v1/paper/batch")] == 1


def test_arxiv_error_entry_fails_only_the_bad_id(
    replay_settings: Settings, server: ReplayServer
) -> None:
    arxiv = ArxivSource(replay_settings)
    with _http(replay_settings, [arxiv]) as http:
        results = _run(arxiv, ["arxiv:1234.12345", "arxiv:2501.12948"], http)
    by_key = {r.key: r for r in results if r.source == "arxiv"}
    assert by_key["arxiv:2501.12948"].error is None
    assert by_key["arxiv:2501.12948"].batch.nodes[0].name.startswith("DeepSeek-R1")
    assert "400" in (by_key["arxiv:1234.12345"].error or "")
    # The batch answered an error entry (200); each id was then asked alone.
    assert server.stats.count("GET", "/arxiv/api/query") == 3
    # Without the s2 source, papers get no citations, and the run says why.
    assert not any(r.source == "s2" for r in results)
    assert missing_additions([arxiv]) == [
        "the s2 source is not enabled: arxiv: entities get nothing from it"
    ]
    assert missing_additions([arxiv, S2Source(replay_settings)]) == []


def test_arxiv_pause_only_for_the_real_host(settings: Settings) -> None:
    assert arxiv_client.policy(settings).min_interval == 3.0
    local = settings.model_copy(update={"arxiv_endpoint": "http://127.0.0.1:9/arxiv/api/query"})
    assert arxiv_client.policy(local).min_interval == 0.0


def test_s2_429_then_success(replay_settings: Settings, server: ReplayServer) -> None:
    arxiv, s2 = ArxivSource(replay_settings), S2Source(replay_settings)
    with _http(replay_settings, [arxiv, s2]) as http:
        results = _run(arxiv, ["arxiv:2412.19437"], http, [s2])
        retries = http.stats.retries
    (cites,) = [r for r in results if r.source == "s2"]
    assert cites.error is None
    assert {e.end for e in cites.batch.edges} == {"arxiv:2405.04434", "arxiv:2401.06066"}
    assert retries == 1
    statuses = [r.status for r in server.stats.requests if r.path.endswith("/references")]
    assert statuses == [429, 200]


def test_s2_pages_until_no_next(replay_settings: Settings, server: ReplayServer) -> None:
    s2 = S2Source(replay_settings)
    with _http(replay_settings, [s2]) as http:
        pages = list(S2Client(replay_settings, http).references("10.2139/ssrn.2250500"))
    assert [page.offset for _, page in pages] == [0, 50]
    assert pages[-1][1].next is None


def test_s2_api_key_goes_in_its_header(replay_settings: Settings, server: ReplayServer) -> None:
    keyed = replay_settings.model_copy(update={"s2_api_key": SecretStr("s2-test-key")})
    s2 = S2Source(keyed)
    with _http(keyed, [s2]) as http:
        list(S2Client(keyed, http).references("10.2139/ssrn.2250500"))
    assert all("x-api-key" in r.credential_headers for r in server.stats.requests)


# --- GitHub ---------------------------------------------------------------------------
def test_github_repository_manifests_and_a_304(
    replay_settings: Settings, server: ReplayServer
) -> None:
    github = GitHubSource(replay_settings)
    with _http(replay_settings, [github]) as http:
        (first,) = _run(github, ["github:deepseek-ai/deepseek-v3"], http)
        assert http.stats.not_modified == 0
        (second,) = _run(github, ["github:deepseek-ai/deepseek-v3"], http)
        not_modified = http.stats.not_modified
    assert first.error is None and first.key == "github:deepseek-ai/deepseek-v3"
    deps = {e.end: e for e in first.batch.edges if e.rel is Rel.DEPENDS_ON}
    assert deps["pypi:torch"].detail == "==2.4.1"
    assert deps["pypi:torch"].evidence.field == "inference/requirements.txt"
    assert {e.end for e in second.batch.edges} == {e.end for e in first.batch.edges}
    assert not_modified == 3  # repository, tree and file: all unchanged
    assert [r.status for r in server.stats.requests][-3:] == [304, 304, 304]


def test_github_repository_without_manifests(replay_settings: Settings) -> None:
    github = GitHubSource(replay_settings)
    with _http(replay_settings, [github]) as http:
        (result,) = _run(github, ["github:deepseek-ai/deepseek-r1"], http)
    assert result.error is None
    assert result.batch.nodes[0].props["manifests"] == []
    assert result.warnings == [
        "github:deepseek-ai/deepseek-r1: no dependency manifests in the repository"
    ]


def test_github_token_and_missing_repository(
    replay_settings: Settings, server: ReplayServer
) -> None:
    tokened = replay_settings.model_copy(update={"github_token": SecretStr("ghp_test")})
    github = GitHubSource(tokened)
    with _http(tokened, [github]) as http:
        (result,) = _run(github, ["github:nobody/nothing"], http)
    assert result.error is not None and "404" in result.error
    assert server.stats.requests[0].credential_headers == ("authorization",)


# --- PyPI -----------------------------------------------------------------------------
def test_pypi_through_the_shared_http_client(
    replay_settings: Settings, server: ReplayServer
) -> None:
    pypi = PyPISource(replay_settings)
    with _http(replay_settings, [pypi]) as http:
        missing, torch = _run(pypi, ["pypi:torch", "pypi:no-such-package"], http)
        counted = http.stats.total
        _run(pypi, ["pypi:torch"], http)
        not_modified = http.stats.not_modified
    assert torch.error is None
    (built,) = [e for e in torch.batch.edges if e.rel is Rel.BUILT_FROM]
    assert built.end == "github:pytorch/pytorch"
    assert torch.batch.nodes[0].provenance is not None
    assert torch.batch.nodes[0].provenance.revision == "2.9.0"
    assert missing.error is not None and "NotFound" in missing.error
    assert counted == 2  # one GET per package
    assert not_modified == 1  # the second read of torch sent its ETag and got a 304
    torch_json, missing_json = "/pypi/pypi/torch/json", "/pypi/pypi/no-such-package/json"
    assert [r.path for r in server.stats.requests] == [torch_json, missing_json, torch_json]
    user_agents = {r.headers.get("user-agent") for r in server.stats.requests}
    assert user_agents == {replay_settings.user_agent}


def test_github_follows_a_rename(replay_settings: Settings) -> None:
    github = GitHubSource(replay_settings)
    with _http(replay_settings, [github]) as http:
        (head,) = github.heads(["github:deepseek-ai/deepseek-v3-old"], http)
        assert isinstance(head, Head)
        (result,) = github.complete([head], STAMP, http)
    assert (head.key, head.requested) == (
        "github:deepseek-ai/deepseek-v3",
        "github:deepseek-ai/deepseek-v3-old",
    )
    assert result.error is None and result.key == head.key
    assert result.batch.nodes[0].name == "deepseek-ai/DeepSeek-V3"
