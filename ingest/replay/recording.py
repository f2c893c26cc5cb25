"""The recording format: one YAML file per HTTP exchange (docs/recordings.md).

A recording folder holds one sub-folder per service (``hf``, ``arxiv``, ``s2``,
``github``, ``pypi``); every ``*.yaml`` below a service folder is one exchange.
This module validates those files and turns them into immutable ``Recording``
objects; matching a live request against them is ``routes.py``'s job.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

#: The services a recording folder may hold, in the order the docs list them.
SERVICES: tuple[str, ...] = ("hf", "arxiv", "s2", "github", "pypi")

Kind = Literal["captured", "constructed"]
#: Scripted transport faults: ``reset`` closes the connection without an answer (RST);
#: ``truncate`` sends the headers (full Content-Length) and half the body, then closes.
Fault = Literal["reset", "truncate"]
QueryScalar = str | int | float | bool


class RecordingError(Exception):
    """One or more recording files are unusable; each problem names its file."""

    def __init__(self, problems: Sequence[tuple[Path, str]]) -> None:
        self.problems = list(problems)
        lines = [f"{path}: {reason}" for path, reason in self.problems]
        super().__init__("bad recording(s):\n  " + "\n  ".join(lines))


# --- the YAML schema (unknown keys are errors, so typos do not pass silently) ---


class _RequestSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = "GET"
    path: str = Field(pattern=r"^/")
    query: dict[str, QueryScalar | list[QueryScalar]] = Field(default_factory=dict)
    body_json: Any = None


class _ResponseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    status: int = Field(200, ge=100, le=599)
    headers: dict[str, str | int | float] = Field(default_factory=dict)
    body_file: str | None = None
    body: str | None = None
    json_value: Any = Field(None, alias="json")
    body_base64: str | None = None
    repeat: int = Field(1, ge=1, le=100_000_000)
    delay: float = Field(0.0, ge=0.0)
    fault: Fault | None = None

    @model_validator(mode="after")
    def _one_body(self) -> _ResponseSpec:
        names = ("body_file", "body", "json", "body_base64")
        given = [name for name in names if _has(self, name)]
        if len(given) > 1:
            raise ValueError(f"give at most one of {', '.join(names)} (got {', '.join(given)})")
        return self


class _RecordingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    source: str = Field(min_length=1)
    notes: str | None = None
    request: _RequestSpec
    responses: list[_ResponseSpec] = Field(min_length=1)


def _has(spec: _ResponseSpec, name: str) -> bool:
    field = "json_value" if name == "json" else name
    return field in spec.model_fields_set


# --- what the server works with ---


@dataclass(frozen=True)
class ScriptedResponse:
    """One answer of a recording; ``headers`` keep the recorded order and case."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay: float = 0.0
    fault: Fault | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass(frozen=True)
class Recording:
    """One exchange: a request pattern and the responses served in turn."""

    file: Path
    service: str
    kind: Kind
    source: str
    method: str
    path: str
    query: Mapping[str, tuple[str, ...]]
    body_json: Any
    has_body_json: bool
    responses: tuple[ScriptedResponse, ...]

    @property
    def specificity(self) -> int:
        """How many constraints beyond method and path; the most specific match wins."""
        return len(self.query) + (1 if self.has_body_json else 0)

    def accepts(self, query: Mapping[str, Sequence[str]], body: bytes) -> bool:
        for name, wanted in self.query.items():
            sent = query.get(name)
            if sent is None or sorted(sent) != sorted(wanted):
                return False
        if self.has_body_json:
            try:
                return bool(json.loads(body or b"null") == self.body_json)
            except ValueError:
                return False
        return True


def load_recordings(roots: Iterable[Path]) -> list[Recording]:
    """Read every ``<root>/<service>/**/*.yaml``; raise RecordingError listing all bad files."""
    recordings: list[Recording] = []
    problems: list[tuple[Path, str]] = []
    for root in roots:
        if not root.is_dir():
            problems.append((root, "recording folder does not exist"))
            continue
        for child in sorted(root.iterdir()):
            if child.is_dir() and not child.name.startswith((".", "_")):
                if child.name not in SERVICES:
                    problems.append((child, f"not a service folder (known: {', '.join(SERVICES)})"))
                    continue
                for file in sorted(f for f in child.rglob("*") if f.suffix in {".yaml", ".yml"}):
                    if file.suffix == ".yml":
                        problems.append((file, "recordings end in .yaml, not .yml"))
                        continue
                    try:
                        recordings.append(_load_file(file, child.name))
                    except _FileProblem as problem:
                        problems.append((file, str(problem)))
    if problems:
        raise RecordingError(problems)
    return recordings


class _FileProblem(Exception):
    pass


def _load_file(file: Path, service: str) -> Recording:
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _FileProblem(f"malformed YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise _FileProblem(f"not UTF-8 text: {exc}") from None
    if not isinstance(raw, dict):
        raise _FileProblem("expected a mapping with kind, source, request, responses")
    try:
        spec = _RecordingSpec.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise _FileProblem(reasons) from None
    request = spec.request
    return Recording(
        file=file,
        service=service,
        kind=spec.kind,
        source=spec.source,
        method=request.method.upper(),
        path=request.path,
        query={name: _query_values(value) for name, value in request.query.items()},
        body_json=request.body_json,
        has_body_json="body_json" in request.model_fields_set,
        responses=tuple(_response(file, r) for r in spec.responses),
    )


def _query_values(value: QueryScalar | list[QueryScalar]) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(_as_text(v) for v in values)


def _as_text(value: QueryScalar) -> str:
    # YAML reads `true` as a bool; HTTP clients send it as "true".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _response(file: Path, spec: _ResponseSpec) -> ScriptedResponse:
    headers = [(name, str(value)) for name, value in spec.headers.items()]
    if spec.body_file is not None:
        body_path = (file.parent / spec.body_file).resolve()
        if not body_path.is_file():
            raise _FileProblem(f"body_file {spec.body_file!r} not found (looked at {body_path})")
        body = body_path.read_bytes()
    elif spec.body is not None:
        body = spec.body.encode("utf-8")
    elif spec.body_base64 is not None:
        try:
            body = base64.b64decode(spec.body_base64, validate=True)
        except binascii.Error as exc:
            raise _FileProblem(f"body_base64 is not base64: {exc}") from None
    elif _has(spec, "json"):
        body = json.dumps(spec.json_value, separators=(",", ":"), ensure_ascii=False).encode()
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
    else:
        body = b""
    # `repeat` makes a large body (a 10 MB card) from a small recording.
    return ScriptedResponse(spec.status, tuple(headers), body * spec.repeat, spec.delay, spec.fault)
