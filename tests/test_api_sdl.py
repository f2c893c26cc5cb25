"""The checked-in SDL matches the code, and service/ keeps to its side of the line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from schema.vocabulary import Label, Rel
from service import export_sdl

SERVICE = Path(__file__).resolve().parent.parent / "service"


def test_checked_in_sdl_matches_the_code() -> None:
    assert export_sdl.SDL_PATH.read_text() == export_sdl.sdl(), (
        "schema/schema.graphql drifted: run python -m service.export_sdl"
    )
    check = [sys.executable, "-m", "service.export_sdl", "--check"]
    assert subprocess.run(check, capture_output=True, check=False).returncode == 0


def test_enums_are_the_vocabulary() -> None:
    sdl = export_sdl.sdl()
    for rel in Rel:
        assert f"  {rel.name}\n" in sdl
    for label in Label:
        assert f"  {label.name}\n" in sdl
    assert "type Mutation" not in sdl and "type Subscription" not in sdl


def test_service_never_imports_ingest() -> None:
    offenders = []
    for path in SERVICE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if "ingest" in n.split(".")]
    assert offenders == []
