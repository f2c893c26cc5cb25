"""Libraries a card says the model uses: pure text rules, no I/O.

- library tags: the Hub's ``library_name`` and library names among the ``tags``,
- the Trainer's "Framework versions" section (``- Pytorch 2.2.2+cu121``), with versions,
- ``pip install`` lines (``pip install -U transformers==4.46.3 accelerate``),
- stated floors (``transformers>=4.51.0``, "With `transformers<4.51.0`, you will ...").

Names become PyPI package names (``Pytorch`` -> ``torch``); a local build suffix is dropped
from the version (``2.2.2+cu121`` -> ``2.2.2``) and kept in the snippet.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

#: Names cards use -> the PyPI package. Names already equal to their package are not listed.
PACKAGE_NAMES: dict[str, str] = {
    "pytorch": "torch",
    "torch": "torch",
    "tensorflow": "tensorflow",
    "open_clip": "open-clip-torch",
    "sentence-transformers": "sentence-transformers",
    "sentence_transformers": "sentence-transformers",
    "pil": "pillow",
    "sklearn": "scikit-learn",
    "llama-factory": "llamafactory",
    "mlx_lm": "mlx-lm",
    "mlx_vlm": "mlx-vlm",
}
#: Tags that name a library (the Hub lists libraries among the tags).
LIBRARY_TAGS: frozenset[str] = frozenset(
    {
        "transformers",
        "diffusers",
        "sentence-transformers",
        "peft",
        "trl",
        "unsloth",
        "mergekit",
        "setfit",
        "timm",
        "open_clip",
        "mlx",
        "keras",
        "flair",
        "spacy",
        "stable-baselines3",
        "adapter-transformers",
        "vllm",
        "pytorch",
        "tensorflow",
        "jax",
        "onnx",
        "safetensors",
        "gguf",
        "model2vec",
        "transformers.js",
        "bertopic",
        "fastai",
        "espnet",
        "nemo",
        "paddlenlp",
        "span-marker",
        "speechbrain",
        "fasttext",
    }
)
#: Tags that are storage formats, not libraries a model runs on.
_FORMATS = frozenset({"safetensors", "gguf", "onnx", "transformers.js"})

CONF_FRAMEWORK = 0.9  # the Trainer's own "Framework versions" list
CONF_PIP = 0.8  # a pip install line in the card
CONF_FLOOR = 0.75  # a version floor written in the text
CONF_IMPORT = 0.7  # an import in the card's example code
CONF_TOOL_LINK = 0.6  # a GitHub link the card presents as a tool ("using [X](...)")


@dataclass(frozen=True)
class LibraryClaim:
    package: str  # PyPI name
    version: str | None
    constraint: str | None  # ==, >=
    snippet: str
    field: str  # README.md#framework-versions, README.md#pip, README.md#version, tags
    confidence: float


def package(name: str) -> str:
    key = name.strip().lower()
    return PACKAGE_NAMES.get(key, key.replace("_", "-"))


def tag_libraries(tags: tuple[str, ...], library_name: str | None) -> list[tuple[str, str]]:
    """(package, tag) for every library tag other than ``library_name`` (mapped elsewhere)."""
    out: dict[str, str] = {}
    for tag in tags:
        low = tag.lower()
        if low in LIBRARY_TAGS and low not in _FORMATS and low != (library_name or "").lower():
            out.setdefault(package(low), tag)
    return list(out.items())


_VERSION = r"v?(\d+(?:\.\d+)*(?:[\w.]*)?(?:\+[\w.]+)?)"
_FRAMEWORK_HEADING = re.compile(r"^\s*#+\s*framework\s+versions?\s*$", re.I)
_FRAMEWORK_LINE = re.compile(r"^\s*[-*]\s*(?P<name>[A-Za-z][\w\- ]*?)\s*:?\s+" + _VERSION + r"\s*$")
_PIP = re.compile(r"(?:^|[\s!`$])(?:uv\s+)?pip3?\s+install\s+(?P<args>[^`#\n]+)", re.I)
_REQ = re.compile(
    r"^(?P<name>[A-Za-z0-9][\w.\-]*)(?:\[[\w,\-]+\])?(?:(?P<op>==|>=|~=)" + _VERSION + r")?$"
)
_FLOOR = re.compile(
    r"`(?P<name>[A-Za-z][\w\-]*)\s*(?P<op>>=|==|<)\s*" + _VERSION + r"`"
    r"|\b(?P<name2>[A-Za-z][\w\-]*)\s+(?P<op2>>=)\s+" + _VERSION
)


def _plain_version(version: str) -> str:
    return version.split("+")[0] if re.match(r"\d", version) else version


def framework_versions(body: str) -> list[LibraryClaim]:
    """The Trainer's "### Framework versions" list."""
    claims: list[LibraryClaim] = []
    inside = False
    for line in body.splitlines():
        if _FRAMEWORK_HEADING.match(line):
            inside = True
            continue
        if not inside:
            continue
        if line.strip().startswith("#"):
            inside = False
            continue
        m = _FRAMEWORK_LINE.match(line)
        if not m:
            if line.strip() and not line.strip().startswith(("-", "*")):
                inside = False
            continue
        name = m.group("name").strip()
        if " " in name:
            continue
        claims.append(
            LibraryClaim(
                package(name),
                _plain_version(m.group(2)),
                "==",
                line.strip(),
                "README.md#framework-versions",
                CONF_FRAMEWORK,
            )
        )
    return claims


def pip_installs(body: str) -> list[LibraryClaim]:
    claims: list[LibraryClaim] = []
    for line in body.splitlines():
        for m in _PIP.finditer(line):
            for arg in m.group("args").split():
                if arg.startswith(("-", "git+", "http", ".", "/")) or "/" in arg:
                    continue
                req = _REQ.match(arg.strip("'\""))
                if not req:
                    continue
                version = req.group(3)
                claims.append(
                    LibraryClaim(
                        package(req.group("name")),
                        _plain_version(version) if version else None,
                        req.group("op"),
                        line.strip()[:400],
                        "README.md#pip",
                        CONF_PIP,
                    )
                )
    return claims


def version_floors(body: str) -> list[LibraryClaim]:
    """``pkg>=1.2`` written in the text; "With `pkg<1.2`, you will encounter ..." is a floor."""
    claims: list[LibraryClaim] = []
    for line in body.splitlines():
        if _PIP.search(line):
            continue
        for m in _FLOOR.finditer(line):
            name = m.group("name") or m.group("name2")
            op = m.group("op") or m.group("op2")
            version = m.group(3) or m.group(6)
            if op == "<":
                if not re.search(r"\b(error|fail|not\s+supported|encounter)", line, re.I):
                    continue
                op = ">="
            claims.append(
                LibraryClaim(
                    package(name),
                    _plain_version(version),
                    op,
                    line.strip()[:400],
                    "README.md#version",
                    CONF_FLOOR,
                )
            )
    return claims


_IMPORT = re.compile(
    r"^\s*(?:from\s+([A-Za-z_][\w]*)(?:\.[\w.]+)?\s+import\b|import\s+([A-Za-z_][\w]*))"
)
_CLONE = re.compile(
    r"git\s+clone\s+(?:-b\s+v?(?P<version>\d[\w.]*)\s+)?https://github\.com/[\w\-]+/(?P<repo>[\w.\-]+?)(?:\.git)?(?:\s|$)"
)
#: import names whose package has another name
#: clients of web services: a card calling a hosted API or fetching an example image does
#: not run the model on them
_CLIENTS = frozenset({"requests", "openai", "httpx", "aiohttp", "urllib3", "anthropic"})
IMPORT_PACKAGES: dict[str, str] = {
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "yaml": "pyyaml",
}


def code_imports(body: str, own_modules: set[str] | None = None) -> list[LibraryClaim]:
    """``import x`` / ``from x import`` in the card's code blocks, standard library left out."""
    claims: list[LibraryClaim] = []
    fenced = False
    for line in body.splitlines():
        if line.strip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            continue
        m = _IMPORT.match(line)
        if m:
            module = m.group(1) or m.group(2)
            if module in sys.stdlib_module_names or module.startswith("_") or module in _CLIENTS:
                continue
            if own_modules and module.lower() in own_modules:
                continue
            claims.append(
                LibraryClaim(
                    package(IMPORT_PACKAGES.get(module, module)),
                    None,
                    None,
                    line.strip()[:400],
                    "README.md#import",
                    CONF_IMPORT,
                )
            )
            continue
        c = _CLONE.search(line)
        # a pinned clone of a Python project (``-b v0.10.0``); C/C++ tools (llama.cpp) are not
        if c and c.group("version") and "." not in c.group("repo"):
            version = c.group("version")
            claims.append(
                LibraryClaim(
                    package(c.group("repo")),
                    version,
                    "==" if version else None,
                    line.strip()[:400],
                    "README.md#git-clone",
                    CONF_PIP,
                )
            )
    return claims


def card_libraries(body: str) -> list[LibraryClaim]:
    """Every library the card's text names with an install line, a version list or a floor."""
    return framework_versions(body) + pip_installs(body) + version_floors(body) + code_imports(body)
