"""docker-compose.yml agrees with the code: setting names, defaults, ports, and `shoulders` commands.

No Docker engine is needed: the file is read with PyYAML. When a Compose binary is installed
(Debian's `docker-compose` 1.29 validates offline), the file is also checked by it.
"""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
import yaml

from shoulders.cli import app
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import LOCAL_NEO4J_PASSWORD, Settings, env_names
from tests.support import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
# Read only by the ingest service's shell loop, not by Shoulders itself.
COMPOSE_ONLY = {"SHOULDERS_INGEST_INTERVAL", "SHOULDERS_HUB_REFRESH_INTERVAL"}
# Where compose deliberately differs from the code's (development) defaults: it is a deployment.
DEPLOYMENT_DEFAULTS = {"SHOULDERS_ENV": "production"}
# `${NAME}` or `${NAME:-default}`; `$${NAME}` is escaped for the container's shell and skipped.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")
# The `shoulders` commands the compose file runs: each must exist and accept the arguments
# given there, so renaming a command or an option breaks this test, not a user's deployment.
# The scheduled ingest runs the main job; the hub refresh `ingest --hf-refresh` / `--hf-all`.
REQUIRED_COMMANDS = {("serve",), ("up",), ("ingest",)}
SHOULDERS_SERVICES = ("api", "ingest", "hub-refresh")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose["services"]
    assert set(found) == {"neo4j", *SHOULDERS_SERVICES}
    return dict(found)


def test_shoulders_services_use_only_real_setting_names(
    services: dict[str, dict[str, Any]],
) -> None:
    names = set(env_names().values())
    for service in SHOULDERS_SERVICES:
        unknown = set(services[service]["environment"]) - names - COMPOSE_ONLY
        assert not unknown, f"{service}: not settings in shoulders/settings.py: {sorted(unknown)}"


def test_interpolated_variables_are_settings_with_the_same_defaults() -> None:
    names = set(env_names().values())
    defaults = {env: _default(field) for field, env in env_names().items()}
    found = INTERPOLATION.findall(COMPOSE.read_text())
    assert found
    for name, default in found:
        assert name in names | COMPOSE_ONLY, f"${{{name}}} is not a setting"
        if name in DEPLOYMENT_DEFAULTS:
            assert default == DEPLOYMENT_DEFAULTS[name]
        elif name in defaults and defaults[name] is not None:
            assert default == defaults[name], (
                f"${{{name}:-{default}}}: the code says {defaults[name]}"
            )


def test_shoulders_services_environment_is_valid_settings(
    services: dict[str, dict[str, Any]],
) -> None:
    names = set(env_names().values())
    for service in SHOULDERS_SERVICES:
        env = {k: _resolve(str(v)) for k, v in services[service]["environment"].items() if v}
        settings = Settings.model_validate({k: v for k, v in env.items() if k in names})
        assert settings.bolt_host == "neo4j", "the API and ingest reach Neo4j by service name"
        assert settings.bolt_port in _published(services["neo4j"]).values()


def test_neo4j_service_matches_the_local_server(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26"  # the line neo4j/pom.xml pins
    env = neo4j["environment"]
    assert env["NEO4J_AUTH"] == f"neo4j/${{NEO4J_PASSWORD:-{LOCAL_NEO4J_PASSWORD}}}"
    # The image turns NEO4J_a_b__c into neo4j.conf's a.b_c; use keys the local server uses too.
    local = LocalNeo4j(Settings.model_validate({"SHOULDERS_NEO4J_HOME": str(tmp_path)}))
    local.write_config()
    keys = {line.split("=", 1)[0] for line in local.conf_file.read_text().splitlines()}
    for name in set(env) - {"NEO4J_AUTH"}:
        key = name.removeprefix("NEO4J_").replace("__", "\0").replace("_", ".").replace("\0", "_")
        assert key in keys, f"{name} -> {key} is not a key the local server's neo4j.conf sets"
    test = " ".join(neo4j["healthcheck"]["test"])
    assert "cypher-shell" in test and "RETURN 1" in test
    assert {"neo4j-data:/data", "neo4j-logs:/logs"} <= set(neo4j["volumes"])


def test_ports_match_settings_defaults_and_bind_to_localhost(
    services: dict[str, dict[str, Any]],
) -> None:
    fields = Settings.model_fields
    bolt = urlsplit(str(fields["neo4j_uri"].default)).port
    assert _published(services["neo4j"]) == {
        fields["neo4j_http_port"].default: fields["neo4j_http_port"].default,
        bolt: bolt,
    }
    api_port = fields["api_port"].default
    assert _published(services["api"]) == {api_port: api_port}
    assert services["api"]["environment"]["SHOULDERS_API_PORT"] == str(api_port)
    assert services["api"]["environment"]["SHOULDERS_API_HOST"] == "0.0.0.0"
    assert f"http://127.0.0.1:{api_port}/healthz" in " ".join(
        services["api"]["healthcheck"]["test"]
    )


def test_api_healthcheck_probes_a_route_the_api_serves(
    services: dict[str, dict[str, Any]],
) -> None:
    from service.app import create_app  # builds routes only; no Neo4j until startup

    probe = re.search(
        r"http://127\.0\.0\.1:\d+(/\w+)", " ".join(services["api"]["healthcheck"]["test"])
    )
    assert probe is not None
    paths = {getattr(route, "path", None) for route in create_app(Settings()).routes}
    assert probe[1] in paths


def test_shoulders_services_wait_for_a_healthy_neo4j(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    for service in SHOULDERS_SERVICES:
        assert services[service]["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
        assert services[service]["image"] == "shoulders:local"
        assert services[service]["build"] == "."
    assert "FROM python:3.11-slim" in (REPO_ROOT / "Dockerfile").read_text()
    assert set(compose["volumes"]) == {"neo4j-data", "neo4j-logs", "ingest-reports"}


def test_compose_runs_the_required_commands(services: dict[str, dict[str, Any]]) -> None:
    assert set(_invocations(services)) == REQUIRED_COMMANDS


@pytest.mark.parametrize("path", sorted(REQUIRED_COMMANDS), ids=" ".join)
def test_command_exists_with_its_options(
    services: dict[str, dict[str, Any]], path: tuple[str, ...]
) -> None:
    root = typer.main.get_command(app)
    for args in _invocations(services)[path]:
        command, rest = _resolve_command(root, args)
        # Parse the arguments exactly as the CLI would (types, ranges), without running it.
        command.make_context(f"shoulders {' '.join(path)}", rest)


def test_ingest_loop_sleeps_the_interval(services: dict[str, dict[str, Any]]) -> None:
    script = services["ingest"]["command"][-1]
    assert 'sleep "$${SHOULDERS_INGEST_INTERVAL}"' in script
    assert services["ingest"]["environment"]["SHOULDERS_INGEST_INTERVAL"].startswith(
        "${SHOULDERS_INGEST_INTERVAL:-"
    )


def test_hub_refresh_is_opt_in_and_bootstraps_when_no_walk_has_finished(
    services: dict[str, dict[str, Any]],
) -> None:
    refresh = services["hub-refresh"]
    assert refresh["profiles"] == ["hub"]  # `docker compose up` alone does not list the Hub
    script = refresh["command"][-1]
    assert 'sleep "$${SHOULDERS_HUB_REFRESH_INTERVAL}"' in script
    # Exit 2 is the refresh's "no watermark": the only case the bootstrap runs instead.
    assert _invocations(services)[("ingest",)] == [
        ["ingest", "--hf-refresh"],
        ["ingest", "--hf-all"],
    ]
    assert '[ "$$code" -eq 2 ]' in script
    assert "ingest-reports:/var/lib/shoulders/reports" in refresh["volumes"]


def test_compose_binary_accepts_the_file() -> None:
    cmd = _compose_binary()
    if cmd is None:
        pytest.skip(
            "no Compose binary (apt-get install docker-compose validates without an engine)"
        )
    done = subprocess.run(
        [*cmd, "-f", str(COMPOSE), "config", "-q"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- helpers -----------------------------------------------------------------


def _default(field: str) -> str | None:
    value = Settings.model_fields[field].default
    if value is None or isinstance(value, Path):
        return None
    if hasattr(value, "get_secret_value"):
        return str(value.get_secret_value())
    return str(value).lower() if isinstance(value, bool) else str(value)


def _resolve(value: str) -> str:
    """Interpolate as Compose does with an empty host environment: defaults only."""
    return INTERPOLATION.sub(lambda m: m[2] or "", value)


def _published(service: dict[str, Any]) -> dict[int, int]:
    ports: dict[int, int] = {}
    for spec in service["ports"]:
        host_ip, host, container = str(spec).split(":")
        assert host_ip == "127.0.0.1", f"{spec}: publish on 127.0.0.1 only"
        ports[int(host)] = int(container)
    return ports


def _shoulders_invocations(command: list[str] | str) -> list[list[str]]:
    """Every `shoulders ...` in a service command, also inside a `sh -c` script."""
    if isinstance(command, list) and command[:2] != ["/bin/sh", "-c"]:
        return [command[1:]] if command[0] == "shoulders" else []
    script = command[-1] if isinstance(command, list) else command
    found: list[list[str]] = []
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace = " \t"  # keep newlines: they end a command like `;` does
    lexer.wordchars += ":@+,%"  # so `hf:org/name` stays one word
    simple: list[str] = []
    for token in [*lexer, "\n"]:
        if token in {"&&", "||", ";", "|", "\n"}:
            if simple[:1] == ["shoulders"]:
                found.append(simple[1:])
            simple = []
        else:
            simple.append(token)
    assert found, f"no shoulders command in {script!r}"
    return found


def _invocations(services: dict[str, dict[str, Any]]) -> dict[tuple[str, ...], list[list[str]]]:
    """Command path (the words before the first option) -> the argument lists using it."""
    found: dict[tuple[str, ...], list[list[str]]] = {}
    for service in SHOULDERS_SERVICES:
        for args in _shoulders_invocations(services[service]["command"]):
            words = tuple(itertools.takewhile(lambda a: not a.startswith("-"), args))
            found.setdefault(words, []).append(args)
    return found


def _resolve_command(root: Any, args: list[str]) -> tuple[Any, list[str]]:
    # Duck-typed: Typer ships its own copy of Click, so groups are not click.Group instances.
    command, path = root, list[str]()
    while hasattr(command, "commands") and args and not args[0].startswith("-"):
        sub = command.commands.get(args[0])
        assert sub is not None, f"`shoulders {' '.join([*path, args[0]])}` does not exist"
        command, path, args = sub, [*path, args[0]], args[1:]
    assert not hasattr(command, "commands"), f"`shoulders {' '.join(path)}` needs a subcommand"
    return command, args


def _compose_binary() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_neo4j_browser_is_set_up_as_the_local_server_does(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Same guide, style and telemetry settings as `shoulders neo4j start` (API on :8000)."""
    env = services["neo4j"]["environment"]
    local = LocalNeo4j(Settings.model_validate({"SHOULDERS_NEO4J_HOME": str(tmp_path)}))
    local.write_config()
    conf = dict(line.split("=", 1) for line in local.conf_file.read_text().splitlines())
    for name in (
        "NEO4J_browser_post__connect__cmd",
        "NEO4J_browser_remote__content__hostname__whitelist",
        "NEO4J_client_allow__telemetry",
    ):
        key = name.removeprefix("NEO4J_").replace("__", "\0").replace("_", ".").replace("\0", "_")
        assert env[name] == conf[key], name
