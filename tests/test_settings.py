"""Settings: bad values fail early and name their variable; secrets never leak; docs stay complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from shoulders.settings import (
    BUNDLED_RECORDINGS,
    DEFAULT_HOME,
    Settings,
    SettingsError,
    env_names,
    load_settings,
)
from tests.support import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "configuration.md"
SECRET = "Zq-secret-7f3a9c"  # distinctive, so finding it in output cannot be a coincidence


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEO4J_URI", "http://x"),
        ("NEO4J_URI", "bolt://127.0.0.1:notaport"),
        ("NEO4J_HTTP_PORT", "abc"),
        ("NEO4J_HTTP_PORT", "70000"),
        ("NEO4J_PASSWORD", "short"),
        ("SHOULDERS_NEO4J_HEAP", "notasize"),
        ("SHOULDERS_NEO4J_PAGECACHE", "1.5 gigs"),
        ("SHOULDERS_API_PORT", "0"),
        ("SHOULDERS_LOG_LEVEL", "LOUD"),
        ("SHOULDERS_HTTP_RETRIES", "-1"),
    ],
)
def test_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert f"{name}:" in str(info.value)


def test_good_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://db.example.org:7999")
    monkeypatch.setenv("NEO4J_HTTP_PORT", "8474")
    monkeypatch.setenv("SHOULDERS_NEO4J_HEAP", "2GiB")
    monkeypatch.setenv("SHOULDERS_GRAPHIQL", "false")
    s = load_settings()
    assert (s.bolt_host, s.bolt_port) == ("db.example.org", 7999)
    assert s.neo4j_http_port == 8474
    assert s.neo4j_heap == "2GiB"
    assert s.graphiql is False


def test_cli_exits_2_and_names_the_bad_variable() -> None:
    env = _clean_env(NEO4J_URI="http://x", NEO4J_PASSWORD=SECRET)
    done = _shoulders(["neo4j", "status"], env)
    assert done.returncode == 2, done
    assert "NEO4J_URI" in done.stderr
    assert "bolt://host:7687" in done.stderr  # says what a good value looks like
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize("field", ["neo4j_password", "hf_token", "s2_api_key", "github_token"])
def test_secrets_stay_out_of_repr_and_str(field: str) -> None:
    s = Settings().model_copy(update={field: SecretStr(SECRET)})
    assert getattr(s, field).get_secret_value() == SECRET  # the copy really holds it
    for text in (repr(s), str(s), s.model_dump_json(), repr(s.model_dump())):
        assert SECRET not in text


def test_password_stays_out_of_error_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    # Too short: the message names the variable but not the value.
    monkeypatch.setenv("NEO4J_PASSWORD", "Zq-7f3")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "NEO4J_PASSWORD" in str(info.value)
    assert "Zq-7f3" not in str(info.value)
    # Good password, another variable bad: the password is not echoed along.
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    monkeypatch.setenv("NEO4J_URI", "http://x")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert SECRET not in str(info.value)
    assert info.value.__suppress_context__  # `from None`: no pydantic error (with input) chained


def test_every_setting_is_documented() -> None:
    rows = _documented()
    names = set(env_names().values())
    missing = sorted(names - rows.keys())
    unknown = sorted(rows.keys() - names)
    assert not missing, f"add to docs/configuration.md: {missing}"
    assert not unknown, f"docs/configuration.md names variables that do not exist: {unknown}"


def test_documented_defaults_match_the_code() -> None:
    rows = _documented()
    for field_name, env in env_names().items():
        default = Settings.model_fields[field_name].default
        documented = rows.get(env)
        assert _render_default(default) == documented, f"{env}: the docs say {documented!r}"


# --- helpers -----------------------------------------------------------------


def _documented() -> dict[str, str]:
    """Variable -> default cell of the one table in docs/configuration.md."""
    rows: dict[str, str] = {}
    for line in DOCS.read_text().splitlines():
        match = re.match(r"^\| `([A-Z0-9_]+)` \| (.*?) \| .+ \|$", line)
        if match:
            assert match[1] not in rows, f"{match[1]} is documented twice"
            rows[match[1]] = match[2]
    return rows


def _render_default(default: object) -> str:
    if default is None:
        return "unset"
    if isinstance(default, SecretStr):
        default = default.get_secret_value()
    if default == Path():
        return "`<SHOULDERS_HOME>/…`"  # follows SHOULDERS_HOME (the table's text names the folder)
    if default == DEFAULT_HOME:
        return "platformdirs' user data folder"
    if default == BUNDLED_RECORDINGS:
        return "the bundled recordings"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return "empty" if default == "" else f"`{default}`"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in env_names().values()}
    env.update(extra)
    return env


def _shoulders(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The installed console script when there is one (what users run), else the module.
    script = Path(sys.executable).with_name("shoulders")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "shoulders.cli"]
    return subprocess.run(
        [*cmd, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
