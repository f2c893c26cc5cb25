"""The replay server, driven by the real clients (huggingface_hub's HfApi, httpx).

No Neo4j and no internet: every request goes to a local ReplayServer serving
``recordings/`` or a folder a test writes itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from ingest.replay import RecordingError, ReplayServer
from shoulders.settings import BUNDLED_RECORDINGS

REPO = Path(__file__).resolve().parent.parent
RECORDINGS = BUNDLED_RECORDINGS
EXPAND = [
    "sha", "lastModified", "createdAt", "cardData", "tags", "library_name",
    "pipeline_tag", "gated", "downloads", "likes", "config", "author",
]  # fmt: skip
DEEPSEEK_LISTING = {
    "deepseek-ai/DeepSeek-R1",
    "deepseek-ai/DeepSeek-R1-Zero",
    "deepseek-ai/DeepSeek-V3",
    "deepseek-ai/DeepSeek-V3-Base",
    "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
    "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
    "deepseek-ai/DeepSeek-V3.2-Exp",
    "deepseek-ai/DeepSeek-V3.2-Exp-Base",
}
R1_FAMILY = sorted({m for m in DEEPSEEK_LISTING if "R1" in m})


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECORDINGS) as srv:
        yield srv


@pytest.fixture
def replay(server: ReplayServer) -> ReplayServer:
    server.reset_stats()
    server.rewind()
    return server


@pytest.fixture
def hf(replay: ReplayServer) -> HfApi:
    return HfApi(endpoint=replay.url("hf"), token=False)


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def front_matter(card: str) -> dict[str, object]:
    match = re.match(r"---\n(.*?)\n---\n", card, re.S)
    assert match, "card has no YAML front matter"
    loaded = yaml.safe_load(match.group(1))
    assert isinstance(loaded, dict)
    return loaded


# --- the server with the real clients -------------------------------------------------


def test_model_info_returns_the_captured_sha_and_tags(hf: HfApi, replay: ReplayServer) -> None:
    info = hf.model_info("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")

    assert info.sha == "6a6f4aa4197940add57724a7707d069478df56b1"
    assert info.tags is not None and "arxiv:2501.12948" in info.tags
    assert not [t for t in info.tags if t.startswith("base_model:")]
    # model_info without expand sends the bare path, no query.
    (request,) = replay.stats.requests
    assert (request.path, dict(request.query)) == (
        "/hf/api/models/deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        {},
    )


def test_hf_paths_match_case_insensitively(hf: HfApi) -> None:
    assert hf.model_info("DEEPSEEK-AI/deepseek-r1").id == "deepseek-ai/DeepSeek-R1"


def test_list_models_pages_through_both_pages(hf: HfApi, replay: ReplayServer) -> None:
    models = list(hf.list_models(author="deepseek-ai", expand=EXPAND))  # type: ignore[arg-type]

    assert {m.id for m in models} == DEEPSEEK_LISTING
    assert all(m.sha and m.created_at and m.tags is not None for m in models)
    first, second = replay.stats.requests
    assert first.query["author"] == ("deepseek-ai",)
    assert list(first.query["expand"]) == EXPAND  # repeated expand=..., in the caller's order
    assert "cursor" in second.query  # the Link header, followed verbatim
    assert replay.stats.count("GET", "/hf/api/models") == 2


def test_missing_repo_raises_repository_not_found(
    hf: HfApi, replay: ReplayServer, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="shoulders.replay"),
        pytest.raises(RepositoryNotFoundError),
    ):
        hf.model_info("nobody/nothing")

    assert [r.path for r in replay.stats.unmatched()] == ["/hf/api/models/nobody/nothing"]
    assert "no recording for GET /hf/api/models/nobody/nothing" in caplog.text


def test_renamed_repo_answers_with_the_new_id(hf: HfApi, replay: ReplayServer) -> None:
    assert hf.model_info("meta-llama/Meta-Llama-3.1-8B").id == "meta-llama/Llama-3.1-8B"

    readme = httpx.get(
        replay.url("hf") + "/meta-llama/Meta-Llama-3.1-8B/resolve/main/README.md",
        follow_redirects=True,
    )
    assert readme.status_code == 200
    assert readme.url.path == "/hf/meta-llama/Llama-3.1-8B/resolve/main/README.md"


def test_readme_has_hub_headers_and_head_sends_no_body(hf: HfApi, replay: ReplayServer) -> None:
    sha = hf.model_info("Qwen/Qwen2.5-7B-Instruct").sha
    url = f"{replay.url('hf')}/Qwen/Qwen2.5-7B-Instruct/resolve/{sha}/README.md"

    got = httpx.get(url)
    head = httpx.head(url)

    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.headers["x-repo-commit"] == sha
    assert front_matter(got.text)["base_model"] == "Qwen/Qwen2.5-7B"
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert int(head.headers["content-length"]) == len(got.content)


def test_etag_if_none_match_gives_304(replay: ReplayServer) -> None:
    url = replay.url("hf") + "/deepseek-ai/DeepSeek-R1/resolve/main/README.md"
    with httpx.Client() as client:
        etag = client.get(url).headers["etag"]
        again = client.get(url, headers={"If-None-Match": etag})
        changed = client.get(url, headers={"If-None-Match": '"something-else"'})

    assert again.status_code == 304 and again.content == b""
    assert again.headers["ratelimit"].startswith('"resolvers"')  # rate-limit headers kept
    assert changed.status_code == 200


def test_scripted_429_then_200(tmp_path: Path) -> None:
    write(
        tmp_path,
        "hf/limited.yaml",
        """\
        kind: constructed
        source: test script
        request: {path: /api/models, query: {author: busy-org}}
        responses:
          - status: 429
            headers: {Retry-After: 1}
            json: {error: rate limited}
          - json: [{_id: "0123456789abcdef01234567", id: busy-org/model}]
        """,
    )
    with ReplayServer(tmp_path) as srv:
        url = srv.url("hf") + "/api/models?author=busy-org"
        with httpx.Client() as client:
            first, second, third = (client.get(url) for _ in range(3))
        srv.rewind()
        # huggingface_hub 2.4.0 retries list_models on 429, honouring Retry-After.
        models = list(HfApi(endpoint=srv.url("hf"), token=False).list_models(author="busy-org"))

    assert (first.status_code, first.headers["retry-after"]) == (429, "1")
    assert second.status_code == third.status_code == 200  # the last response repeats
    assert [m.id for m in models] == ["busy-org/model"]


def test_delay_lets_clients_time_out(tmp_path: Path) -> None:
    write(
        tmp_path,
        "github/slow.yaml",
        """\
        kind: constructed
        source: test script
        request: {path: /rate_limit}
        responses: [{json: {}, delay: 1}]
        """,
    )
    with ReplayServer(tmp_path) as srv, pytest.raises(httpx.ReadTimeout):
        httpx.get(srv.url("github") + "/rate_limit", timeout=0.2)


def test_a_recording_written_by_the_test_is_served(tmp_path: Path) -> None:
    body = {"_id": "66e6a7bd0000000000000000", "id": "example-org/new-model", "sha": "a" * 40}
    write(tmp_path, "hf/example-org/new-model/api_model.json", json.dumps(body))
    write(
        tmp_path,
        "hf/example-org/new-model/model.yaml",
        """\
        kind: constructed
        source: written by test_replay.py
        request:
          path: /api/models/example-org/new-model
        responses:
          - headers: {Content-Type: application/json}
            body_file: api_model.json
        """,
    )
    with ReplayServer(tmp_path) as srv:
        info = HfApi(endpoint=srv.url("hf"), token=False).model_info("example-org/new-model")

    assert (info.id, info.sha) == ("example-org/new-model", "a" * 40)


def test_most_specific_match_wins_and_post_bodies_match(tmp_path: Path) -> None:
    common = "kind: constructed\nsource: test\n"
    write(
        tmp_path,
        "s2/any.yaml",
        common + "request: {path: /graph/v1/paper/X}\nresponses: [{body: any}]",
    )
    write(
        tmp_path,
        "s2/fields.yaml",
        common
        + "request: {path: /graph/v1/paper/X, query: {fields: title}}\nresponses: [{body: title}]",
    )
    write(
        tmp_path,
        "s2/batch.yaml",
        common + "request: {method: POST, path: /graph/v1/paper/batch, body_json: {ids: [A, B]}}\n"
        "responses: [{json: [null, null]}]",
    )
    with ReplayServer(tmp_path) as srv, httpx.Client(base_url=srv.url("s2")) as client:
        assert client.get("/graph/v1/paper/X", params={"fields": "title"}).text == "title"
        assert client.get("/graph/v1/paper/X", params={"fields": "year"}).text == "any"
        assert client.post("/graph/v1/paper/batch", json={"ids": ["A", "B"]}).json() == [None, None]
        assert client.post("/graph/v1/paper/batch", json={"ids": ["C"]}).status_code == 404


def test_unmatched_requests_get_each_services_own_404(replay: ReplayServer) -> None:
    github = httpx.get(replay.url("github") + "/repos/nobody/nothing")
    pypi = httpx.get(replay.url("pypi") + "/pypi/no-such-project/json")
    arxiv = httpx.get(replay.url("arxiv") + "/api/query", params={"id_list": "0000.0000"})

    assert github.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
    }
    assert pypi.headers["content-type"].startswith("text/html") and "404 Not Found" in pypi.text
    assert arxiv.json() == {"error": "no recording for GET /arxiv/api/query"}
    assert {r.status for r in replay.stats.unmatched()} == {404}


def test_stats_count_requests_but_never_keep_credentials(replay: ReplayServer) -> None:
    secret = "hf_not_a_real_token_0123456789"
    HfApi(endpoint=replay.url("hf"), token=secret).model_info("deepseek-ai/DeepSeek-V3")
    httpx.get(replay.url("s2") + "/graph/v1/paper/X", headers={"x-api-key": secret})

    assert replay.stats.per_service() == {"hf": 1, "s2": 1}
    assert replay.stats.per_route()[("GET", "/hf/api/models/deepseek-ai/DeepSeek-V3")] == 1
    hf_request, s2_request = replay.stats.requests
    assert hf_request.credential_headers == ("authorization",)
    assert s2_request.credential_headers == ("x-api-key",)
    assert secret not in repr(replay.stats.requests)


def test_endpoints_point_every_setting_at_the_server(replay: ReplayServer) -> None:
    base = replay.base_url
    assert replay.endpoints() == {
        "HF_ENDPOINT": f"{base}/hf",
        "SHOULDERS_ARXIV_ENDPOINT": f"{base}/arxiv/api/query",
        "SHOULDERS_S2_ENDPOINT": f"{base}/s2/graph/v1",
        "SHOULDERS_GITHUB_ENDPOINT": f"{base}/github",
        "SHOULDERS_PYPI_ENDPOINT": f"{base}/pypi",
    }


# --- loading errors ---------------------------------------------------------------------


def test_malformed_yaml_is_a_load_error_naming_the_file(tmp_path: Path) -> None:
    bad = write(tmp_path, "hf/broken.yaml", "kind: captured\nrequest: {path: /x\n")

    with pytest.raises(RecordingError) as caught:
        ReplayServer(tmp_path).start()

    assert str(bad) in str(caught.value)
    assert "malformed YAML" in str(caught.value)


def test_missing_body_file_and_unknown_keys_are_reported_together(tmp_path: Path) -> None:
    head = "kind: constructed\nsource: test\n"
    missing = write(
        tmp_path, "pypi/a.yaml", head + "request: {path: /a}\nresponses: [{body_file: gone.json}]"
    )
    typo = write(tmp_path, "pypi/b.yaml", head + "request: {path: /b}\nresponses: [{stauts: 200}]")

    with pytest.raises(RecordingError) as caught:
        ReplayServer(tmp_path).start()

    problems = dict(caught.value.problems)
    assert "gone.json" in problems[missing]
    assert "stauts" in problems[typo]


def test_unknown_service_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "semantic-scholar").mkdir()
    with pytest.raises(RecordingError, match="not a service folder"):
        ReplayServer(tmp_path).start()


# --- the facts the HF recordings must carry ---------------------------------------------


def test_r1_family_cards_carry_the_r1_readme_and_no_declared_base(
    hf: HfApi, server: ReplayServer
) -> None:
    for repo_id in R1_FAMILY:
        info = hf.model_info(repo_id)
        card = httpx.get(f"{server.url('hf')}/{repo_id}/resolve/{info.sha}/README.md").text

        assert front_matter(card) == {"license": "mit", "library_name": "transformers"}, repo_id
        assert info.tags is not None
        assert not [t for t in info.tags if t.startswith("base_model:")], repo_id
        assert "arxiv:2501.12948" in info.tags, repo_id
        for fact in (
            "DeepSeek-R1-Zero & DeepSeek-R1 are trained based on DeepSeek-V3-Base.",
            "DeepSeek-R1-Distill models are fine-tuned based on open-source models, using samples generated by DeepSeek-R1.",
            "derived from Llama3.1-8B-Base",
            "eprint={2501.12948}",
            "(https://huggingface.co/deepseek-ai/DeepSeek-R1)",
            "[Qwen2.5-Math-7B](https://huggingface.co/Qwen/Qwen2.5-Math-7B)",
            "[Llama-3.3-70B-Instruct](https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct)",
        ):
            assert fact in card, (repo_id, fact)


def test_v3_declares_no_base_and_cites_its_report(hf: HfApi, server: ReplayServer) -> None:
    info = hf.model_info("deepseek-ai/DeepSeek-V3")
    card = httpx.get(f"{server.url('hf')}/deepseek-ai/DeepSeek-V3/resolve/main/README.md").text

    assert info.card_data is not None and info.card_data.get("base_model") is None
    assert info.tags is not None and not [t for t in info.tags if t.startswith("base_model:")]
    assert "eprint={2412.19437}" in card
    assert "https://github.com/deepseek-ai/DeepSeek-V3" in card


def test_v32_exp_is_a_finetune_of_its_base(hf: HfApi) -> None:
    tags = hf.model_info("deepseek-ai/DeepSeek-V3.2-Exp").tags or []

    assert "base_model:deepseek-ai/DeepSeek-V3.2-Exp-Base" in tags
    assert "base_model:finetune:deepseek-ai/DeepSeek-V3.2-Exp-Base" in tags
    assert (
        hf.model_info("deepseek-ai/DeepSeek-V3.2-Exp-Base").id
        == "deepseek-ai/DeepSeek-V3.2-Exp-Base"
    )


def test_llama_instruct_yaml_names_the_old_id_and_tags_the_new(hf: HfApi) -> None:
    info = hf.model_info("meta-llama/Llama-3.1-8B-Instruct")

    assert info.card_data is not None
    assert info.card_data.get("base_model") == "meta-llama/Meta-Llama-3.1-8B"
    assert "base_model:finetune:meta-llama/Llama-3.1-8B" in (info.tags or [])


def test_every_model_recording_is_consistent() -> None:
    for model_yaml in sorted((RECORDINGS / "hf" / "models").rglob("model.yaml")):
        spec = yaml.safe_load(model_yaml.read_text())
        body = json.loads((model_yaml.parent / spec["responses"][0]["body_file"]).read_text())
        requested = spec["request"]["path"].removeprefix("/api/models/")
        assert re.fullmatch(r"[0-9a-f]{40}", body["sha"]), model_yaml
        assert body["createdAt"] <= body["lastModified"], model_yaml
        if requested != body["id"]:  # only the renamed repo answers with another id
            assert (requested, body["id"]) == (
                "meta-llama/Meta-Llama-3.1-8B",
                "meta-llama/Llama-3.1-8B",
            )
        elif spec["kind"] == "constructed":
            assert body["sha"] == hashlib.sha1(body["id"].encode()).hexdigest(), model_yaml
            assert "sha1(repo id)" in spec["source"], model_yaml


# --- command line -----------------------------------------------------------------------


def test_command_line_serves_a_folder_and_prints_endpoints() -> None:
    command = [sys.executable, "-m", "ingest.replay", str(RECORDINGS), "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline() for _ in range(6)]
            endpoints = dict(
                line.removeprefix("export ").strip().split("=", 1) for line in lines[1:]
            )
            info = httpx.get(
                endpoints["HF_ENDPOINT"] + "/api/models/deepseek-ai/DeepSeek-R1"
            ).json()
        finally:
            proc.terminate()

    assert lines[0].startswith("serving ")
    assert info["id"] == "deepseek-ai/DeepSeek-R1"
