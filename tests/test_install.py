"""An install that works outside the checkout: a wheel in a fresh virtualenv, run from an empty folder.

``pip install <checkout>`` (not editable) into a new virtualenv; then, from an empty
folder with no ``SHOULDERS_*`` variable set, ``shoulders neo4j install``, ``shoulders
neo4j start`` and ``shoulders up --no-serve --replay bundled`` build the DeepSeek graph.
The state goes to the platformdirs default (``$XDG_DATA_HOME/shoulders`` here, so HOME
and with it Maven's ``~/.m2`` and pip's cache stay the user's), and nothing is written
under the virtualenv's site-packages: the POM and the recordings are read as package data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "shoulders-install-test"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform != "linux", reason="XDG_DATA_HOME steers platformdirs on Linux"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder``: relative path -> (size, mtime)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _run(venv: Path, *args: str, env: dict[str, str], cwd: Path, timeout: float) -> str:
    done = subprocess.run(
        [str(venv / "bin" / "shoulders"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"shoulders {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    # Not editable: a wheel built from the checkout, as a user would install it.
    subprocess.run(
        [str(folder / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(REPO)],
        check=True,
        timeout=1200,
    )
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path, Path]]:
    """(environment, empty working folder, XDG data folder) with no project setting."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SHOULDERS_", "NEO4J_", "VIRTUAL_ENV", "PYTHON"))
    }
    data = tmp_path / "xdg-data"
    env |= {
        "XDG_DATA_HOME": str(data),
        "NEO4J_URI": f"bolt://127.0.0.1:{_free_port()}",
        "NEO4J_HTTP_PORT": str(_free_port()),
        "NEO4J_PASSWORD": PASSWORD,
        "SHOULDERS_NEO4J_HEAP": "512m",
        "SHOULDERS_NEO4J_PAGECACHE": "256m",
        "SHOULDERS_NEO4J_START_TIMEOUT": "900",  # a machine shared with other servers
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    work = tmp_path / "empty"
    work.mkdir()
    yield env, work, data


def test_a_wheel_builds_the_deepseek_graph_from_an_empty_folder(
    venv: Path, outside: tuple[dict[str, str], Path, Path]
) -> None:
    env, work, data = outside
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    site = Path(purelib)
    assert site != Path(sysconfig.get_paths()["purelib"])  # the new venv, not ours
    assert not (site / "__editable__.shoulders-0.1.0.pth").exists()
    assert (site / "ingest" / "recordings" / "hf").is_dir()
    before = _listing(site)

    try:
        _run(venv, "neo4j", "install", env=env, cwd=work, timeout=900)
        _run(venv, "neo4j", "start", env=env, cwd=work, timeout=600)
        out = _run(venv, "up", "--no-serve", "--replay", "bundled", env=env, cwd=work, timeout=900)
        assert f"replaying {site / 'ingest' / 'recordings'}" in out

        with GraphDatabase.driver(env["NEO4J_URI"], auth=("neo4j", PASSWORD)) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (a:Entity {key: $a})-[r]->(b:Entity {key: $b}) RETURN type(r) AS rel",
                a="hf:model:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
                b="hf:model:Qwen/Qwen2.5-Math-7B",
            )
            assert [r["rel"] for r in records] == ["FINETUNED_FROM"]
            records, _, _ = driver.execute_query(
                "MATCH (:Entity {key: 'github:deepseek-ai/deepseek-v3'})-[:DEPENDS_ON]->"
                "(p:Package {key: 'pypi:torch'})-[:BUILT_FROM]->"
                "(:Repository {key: 'github:pytorch/pytorch'}) RETURN p.version AS version"
            )
            assert [r["version"] for r in records] == ["2.9.0"]
            records, _, _ = driver.execute_query(
                "MATCH (m:Model) WHERE m.key STARTS WITH 'hf:model:deepseek-ai/' "
                "RETURN count(m) AS models"
            )
            assert records[0]["models"] >= 9
    finally:
        subprocess.run(
            [str(venv / "bin" / "shoulders"), "neo4j", "stop"],
            cwd=work,
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )

    # State went to the platformdirs default, not to the working folder or the package.
    home = data / "shoulders"
    assert (home / "neo4j" / "lib").is_dir()
    assert any((home / "reports").glob("*.json"))
    assert list(work.iterdir()) == []
    assert _listing(site) == before
