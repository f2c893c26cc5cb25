"""Python dependency manifests: which files count, and what each one declares.

Every format is read with a real parser -- ``packaging`` for requirement strings,
``tomllib``, ``configparser``, PyYAML -- and ``setup.py`` with ``ast`` only: it is
never executed, so only literal ``install_requires`` lists are understood.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml
from packaging.requirements import InvalidRequirement, Requirement

#: At most this many manifests are read per repository (each one is a request).
MAX_MANIFESTS = 20
# Vendored code and environments declare someone else's dependencies.
_SKIP_DIRS = frozenset(
    {
        "third_party",
        "third-party",
        "vendor",
        "vendored",
        "node_modules",
        "site-packages",
        ".tox",
        ".venv",
        "venv",
        ".git",
    }
)
_REQUIREMENTS = re.compile(r"^requirements[\w.\-]*\.(txt|in)$", re.IGNORECASE)
_NAMED = frozenset(
    {"pyproject.toml", "setup.cfg", "setup.py", "environment.yml", "environment.yaml"}
)


@dataclass(frozen=True)
class Declared:
    """One requirement a manifest declares."""

    name: str
    spec: str  # PEP 440 specifier set ("==2.4.1", ">=1.17,<2"), or "" when unpinned
    marker: str  # environment marker, or ""
    line: str  # the requirement exactly as written: the evidence


@dataclass
class Parsed:
    path: str
    requirements: list[Declared] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_manifest(path: str) -> bool:
    parts = PurePosixPath(path).parts
    if not parts or any(p in _SKIP_DIRS for p in parts[:-1]):
        return False
    name = parts[-1]
    if name in _NAMED or _REQUIREMENTS.match(name):
        return True
    # requirements/base.txt, requirements/dev.txt ...
    return len(parts) >= 2 and parts[-2] == "requirements" and name.endswith(".txt")


def select_manifests(paths: Iterable[str], limit: int = MAX_MANIFESTS) -> list[str]:
    """Manifests among ``paths``, shallowest first, at most ``limit``."""
    chosen = sorted((p for p in paths if is_manifest(p)), key=lambda p: (p.count("/"), p))
    return chosen[:limit]


def parse_manifest(path: str, text: str) -> Parsed:
    name = PurePosixPath(path).name
    parsed = Parsed(path)
    try:
        if name == "pyproject.toml":
            lines = _pyproject(text)
        elif name == "setup.cfg":
            lines = _setup_cfg(text)
        elif name == "setup.py":
            lines = _setup_py(text)
        elif name.startswith("environment."):
            lines = _environment(text)
        else:
            lines = _requirements_txt(text)
    except (tomllib.TOMLDecodeError, configparser.Error, SyntaxError, yaml.YAMLError) as exc:
        parsed.problems.append(f"{path}: cannot parse: {exc}")
        return parsed
    seen: set[str] = set()
    for line in lines:
        declared = _requirement(line)
        if declared is None:
            parsed.problems.append(f"{path}: not a requirement: {line!r}")
        elif declared.name not in seen:
            seen.add(declared.name)
            parsed.requirements.append(declared)
    return parsed


def _requirement(line: str) -> Declared | None:
    try:
        req = Requirement(line)
    except InvalidRequirement:
        return None
    if req.url:
        return None  # a direct URL names no registry package
    return Declared(req.name, str(req.specifier), str(req.marker or ""), line)


def _requirements_txt(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].strip()
        # Options (-r, -e, --index-url ...) and per-line options (--hash) are not packages.
        line = re.split(r"\s--?[a-z]", " " + line, maxsplit=1)[0].strip()
        if line and not line.startswith(("-", ".", "/", "git+", "http:", "https:", "file:")):
            lines.append(line)
    return lines


def _pyproject(text: str) -> list[str]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    lines = [d for d in project.get("dependencies", []) if isinstance(d, str)]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, spec in poetry.items():
        if name.lower() == "python":
            continue
        version = spec.get("version", "") if isinstance(spec, dict) else str(spec)
        # Poetry's caret/tilde ranges are not PEP 440; keep the name, drop such a spec.
        lines.append(name if not version or version[0] in "^~*" else f"{name}{_pep440(version)}")
    return lines


def _pep440(version: str) -> str:
    return version if version[0] in "<>=!" else f"=={version}"


def _setup_cfg(text: str) -> list[str]:
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(text)
    value = config.get("options", "install_requires", fallback="")
    return [line.strip() for line in value.splitlines() if line.strip()]


def _setup_py(text: str) -> list[str]:
    tree = ast.parse(text)
    constants: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                constants[target.id] = statement.value
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _called_name(call.func) == "setup":
            for keyword in call.keywords:
                if keyword.arg == "install_requires":
                    value = keyword.value
                    if isinstance(value, ast.Name) and value.id in constants:
                        value = constants[value.id]
                    return _literal_strings(value)
    return []


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _literal_strings(node: ast.expr) -> list[str]:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return []  # computed at install time: nothing we can read without running it
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _environment(text: str) -> list[str]:
    data = yaml.safe_load(text) or {}
    lines: list[str] = []
    # Conda packages are another ecosystem; only the pip section names PyPI packages.
    for dep in data.get("dependencies", []) if isinstance(data, dict) else []:
        if isinstance(dep, dict) and isinstance(dep.get("pip"), list):
            lines.extend(d.strip() for d in dep["pip"] if isinstance(d, str))
    return [line for line in lines if not line.startswith("-")]
