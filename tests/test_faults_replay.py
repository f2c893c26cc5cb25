"""The replay server's fault keys (``fault``, ``repeat``, ``body_base64``) seen by the real clients."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from huggingface_hub import HfApi

from ingest.replay.recording import RecordingError
from ingest.replay.server import ReplayServer


def _recording(root: Path, name: str, path: str, responses: list[dict[str, object]]) -> None:
    folder = root / "hf"
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"kind": "constructed", "source": "a test", "request": {"path": path}}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump({**doc, "responses": responses}))


@pytest.fixture
def faults(tmp_path: Path) -> Path:
    _recording(
        tmp_path,
        "reset-then-ok",
        "/api/models/acme/flaky",
        [
            {"fault": "reset"},
            {"fault": "truncate", "json": {"id": "acme/flaky"}},
            {"json": {"id": "acme/flaky"}},
        ],
    )
    _recording(
        tmp_path,
        "bytes",
        "/acme/bytes/resolve/main/README.md",
        [{"body_base64": "/v8K", "repeat": 4, "headers": {"Content-Type": "text/plain"}}],
    )
    return tmp_path


def test_reset_then_truncate_then_answer(faults: Path) -> None:
    with ReplayServer(faults) as server:
        url = server.url("hf") + "/api/models/acme/flaky"
        with pytest.raises(httpx.ReadError, match="reset"):
            httpx.get(url)
        with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
            httpx.get(url)
        assert httpx.get(url).json() == {"id": "acme/flaky"}
        server.rewind()
        api = HfApi(endpoint=server.url("hf"), token=False)
        for expected in ("ReadError", "RemoteProtocolError"):  # the Hub client sees the same
            with pytest.raises(Exception) as info:  # huggingface_hub raises httpx2 errors
                api.model_info("acme/flaky")
            assert type(info.value).__name__ == expected
            assert "TransportError" in {c.__name__ for c in type(info.value).__mro__}
        assert api.model_info("acme/flaky").id == "acme/flaky"
        # The server keeps serving after dropping connections.
        assert server.stats.count("GET", "/hf/api/models/acme/flaky") == 6


def test_raw_bytes_and_repeat(faults: Path) -> None:
    with ReplayServer(faults) as server:
        answer = httpx.get(server.url("hf") + "/acme/bytes/resolve/main/README.md")
    assert answer.content == b"\xfe\xff\n" * 4
    assert answer.headers["content-length"] == "12"


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ({"fault": "explode"}, "fault"),
        ({"body_base64": "not base64!"}, "body_base64 is not base64"),
        ({"body": "x", "body_base64": "eA=="}, "at most one of"),
        ({"repeat": 0, "body": "x"}, "repeat"),
    ],
)
def test_bad_fault_keys_name_the_file(
    tmp_path: Path, response: dict[str, object], reason: str
) -> None:
    _recording(tmp_path, "bad", "/api/models/a/b", [response])
    with pytest.raises(RecordingError, match=reason) as info:
        ReplayServer(tmp_path).start()
    assert "bad.yaml" in str(info.value)
