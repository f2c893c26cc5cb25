"""Captured Hub responses and model cards -> a replay recording folder.

A *case folder* holds what someone saved of one model on the Hub:

- ``api_model.json``: the verbatim answer of ``GET https://huggingface.co/api/models/<id>``
  (optional: without it the answer is constructed from the card's front matter),
- ``README.md``: the model card,
- ``datasets/<slug>.api.json``: answers of ``GET /api/datasets/<id>`` (optional),
- ``*.source.txt`` next to each file: its provenance, copied into the recordings' ``source``.

``python -m ingest.replay.from_captures CASES OUT`` writes ``OUT/hf/...`` in the format of
docs/recordings.md, one folder of YAML files per case, so a user adds a model to a replay
run (or an evaluation) by saving its two files, without writing a recording by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

HUB = "https://huggingface.co"
_ARXIV_LINK = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)(\d{4}\.\d{4,5})", re.I
)
_REQUESTED = re.compile(r"https://huggingface\.co/api/datasets/([\w.\-]+(?:/[\w.\-]+)?)")
_JSON = {"Content-Type": "application/json; charset=utf-8"}
_TEXT = "text/plain; charset=utf-8"
#: Tags the Hub reads as "this repo holds quantized weights" when it names the relation.
_QUANT_TAGS = frozenset({"gguf", "gptq", "awq", "exl2", "mlx", "bitsandbytes", "4-bit", "8-bit"})


class CaptureError(ValueError):
    """A case folder cannot be turned into recordings."""


@dataclass(frozen=True)
class Case:
    folder: Path
    repo_id: str
    api: dict[str, object]
    constructed: bool  # the API answer was built from the card, not captured


def _source_text(path: Path) -> str:
    side = path.with_name(path.name + ".source.txt")
    if side.is_file():
        return side.read_text(encoding="utf-8").strip()
    return f"{path.name} (no provenance file)"


def front_matter(text: str) -> dict[str, object]:
    """The card's YAML front matter (empty when there is none or it is unreadable)."""
    text = text.replace("\r\n", "\n").lstrip("\n")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def hub_relation(card: dict[str, object], tags: list[str], repo_id: str = "") -> str:
    """The relation the Hub writes into ``base_model:<relation>:<id>`` for this card.

    The card's ``base_model_relation`` wins; otherwise several bases are a merge, a
    quantization format tag makes it ``quantized``, PEFT makes it an ``adapter``, and
    anything else is a ``finetune``. The Hub reads quantization from the repo's files
    (``*.gguf``, a quantization config); without them the repo name stands in (``-GGUF``,
    ``-AWQ``, ``-4bit``), which is what such repos are named.
    """
    stated = card.get("base_model_relation")
    if isinstance(stated, str) and stated:
        return stated
    for tag in tags:  # a card may carry the Hub's own tag in its YAML already
        parts = tag.split(":")
        if len(parts) >= 3 and parts[0] == "base_model" and parts[1]:
            return parts[1]
    if len(_strings(card.get("base_model"))) > 1:
        return "merge"
    lowered = {t.lower() for t in tags}
    if "peft" in lowered or card.get("library_name") == "peft":
        return "adapter"  # the Hub sees adapter_config.json before any quantization
    name = repo_id.split("/")[-1].lower()
    named = re.search(
        r"(^|[-_.])(gguf|ggml|gptq|awq|exl2|mlx|\d+-?bit|int[48]|q\d(_k)?(_[msl])?)($|[-_.])", name
    )
    if (
        lowered & _QUANT_TAGS
        or named
        or str(card.get("library_name", "")).lower() in {"gguf", "mlx"}
    ):
        return "quantized"
    if "peft" in lowered or card.get("library_name") == "peft" or "lora" in lowered:
        return "adapter"
    return "finetune"


def constructed_api(repo_id: str, card_text: str) -> dict[str, object]:
    """``GET /api/models/<id>`` built from the card alone, the way the Hub derives tags."""
    card = front_matter(card_text)
    own = [t for t in _strings(card.get("tags"))]
    tags: list[str] = []
    library = card.get("library_name")
    if isinstance(library, str):
        tags.append(library)
    tags += own
    relation = hub_relation(card, own, repo_id)
    for base in _strings(card.get("base_model")):
        tags.append(f"base_model:{base}")
        tags.append(f"base_model:{relation}:{base}")
    tags += [f"dataset:{d}" for d in _strings(card.get("datasets"))]
    tags += [f"license:{lic}" for lic in _strings(card.get("license"))]
    tags += [f"arxiv:{a}" for a in dict.fromkeys(_ARXIV_LINK.findall(card_text))]
    created = "2025-01-01T00:00:00.000Z"
    api: dict[str, object] = {
        "_id": "677487000000000000000000",
        "id": repo_id,
        "modelId": repo_id,
        "author": repo_id.split("/")[0],
        "sha": hashlib.sha1(repo_id.encode()).hexdigest(),
        "lastModified": created,
        "createdAt": created,
        "private": False,
        "disabled": False,
        "gated": False,
        "downloads": 0,
        "likes": 0,
        "tags": list(dict.fromkeys(tags)),
        "cardData": card,
        "siblings": [{"rfilename": "README.md"}],
    }
    if isinstance(library, str):
        api["library_name"] = library
    if isinstance(card.get("pipeline_tag"), str):
        api["pipeline_tag"] = card["pipeline_tag"]
    return api


def _repo_id(folder: Path) -> str:
    side = folder / "README.md.source.txt"
    if side.is_file():
        m = re.search(r"^hub_repo_id:\s*(\S+)", side.read_text(encoding="utf-8"), re.M)
        if m:
            return m.group(1)
    org, sep, name = folder.name.partition("__")
    if not sep:
        raise CaptureError(f"{folder}: name it <org>__<name> or give hub_repo_id in a source file")
    return f"{org}/{name}"


def load_case(folder: Path) -> Case:
    readme = folder / "README.md"
    api_file = folder / "api_model.json"
    if api_file.is_file():
        api = json.loads(api_file.read_text(encoding="utf-8"))
        if not isinstance(api, dict) or not isinstance(api.get("id"), str):
            raise CaptureError(f"{api_file}: not a /api/models answer (no id)")
        return Case(folder, api["id"], api, constructed=False)
    if not readme.is_file():
        raise CaptureError(f"{folder}: neither api_model.json nor README.md")
    repo_id = _repo_id(folder)
    return Case(folder, repo_id, constructed_api(repo_id, readme.read_text("utf-8")), True)


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _write(path: Path, recording: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(recording, sort_keys=False, allow_unicode=True, width=100))


def write_case(case: Case, out: Path) -> list[Path]:
    """Recordings for one case under ``out/hf/``; returns the YAML files written."""
    written: list[Path] = []
    here = out / "hf" / "models" / case.repo_id
    here.mkdir(parents=True, exist_ok=True)
    (here / "api_model.json").write_text(json.dumps(case.api), encoding="utf-8")
    if case.constructed:
        api_source = (
            f"constructed from the front matter of {case.folder.name}/README.md the way the Hub "
            "builds tags (base_model:<relation>:<id>, dataset:, license:, arxiv: links, library); "
            "sha = sha1(repo id), dates and counts are stand-ins. Card provenance: "
            + _source_text(case.folder / "README.md")
        )
    else:
        shutil.copyfile(case.folder / "api_model.json", here / "api_model.json")
        api_source = _source_text(case.folder / "api_model.json")
    written.append(here / "model.yaml")
    _write(
        here / "model.yaml",
        {
            "kind": "constructed" if case.constructed else "captured",
            "source": api_source,
            "request": {"method": "GET", "path": f"/api/models/{case.repo_id}"},
            "responses": [{"status": 200, "headers": _JSON, "body_file": "api_model.json"}],
        },
    )
    readme = case.folder / "README.md"
    if readme.is_file():
        data = readme.read_bytes()
        (here / "README.md").write_bytes(data)
        sha = str(case.api.get("sha") or "main")
        headers = {
            "Content-Type": _TEXT,
            "ETag": f'"{_git_blob_sha1(data)}"',
            "X-Repo-Commit": sha,
        }
        for name, rev in (("readme-at-main.yaml", "main"), ("readme-at-sha.yaml", sha)):
            if name == "readme-at-sha.yaml" and rev == "main":
                continue
            written.append(here / name)
            _write(
                here / name,
                {
                    "kind": "captured",
                    "source": _source_text(readme) + "; response headers constructed",
                    "request": {
                        "method": "GET",
                        "path": f"/{case.repo_id}/resolve/{rev}/README.md",
                    },
                    "responses": [{"status": 200, "headers": headers, "body_file": "README.md"}],
                },
            )
    written += _write_datasets(case, out)
    return written


def _write_datasets(case: Case, out: Path) -> list[Path]:
    written: list[Path] = []
    folder = case.folder / "datasets"
    if not folder.is_dir():
        return written
    for capture in sorted(folder.glob("*.api.json")):
        body = json.loads(capture.read_text(encoding="utf-8"))
        canonical = body.get("id") if isinstance(body, dict) else None
        source = _source_text(capture)
        asked = _REQUESTED.search(source)
        requested = asked.group(1) if asked else canonical
        if not isinstance(canonical, str) or not isinstance(requested, str):
            raise CaptureError(f"{capture}: no dataset id in the answer or its source")
        # A renamed dataset answers under both ids (the Hub redirects the old one).
        ids = [requested] + ([canonical] if canonical.lower() != requested.lower() else [])
        for repo in ids:
            here = out / "hf" / "datasets" / repo
            if (here / "dataset.yaml").exists():
                continue
            here.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(capture, here / "api_dataset.json")
            note = "" if repo == requested else f" (served also under the new id {repo})"
            _write(
                here / "dataset.yaml",
                {
                    "kind": "captured",
                    "source": source + note,
                    "request": {"method": "GET", "path": f"/api/datasets/{repo}"},
                    "responses": [
                        {"status": 200, "headers": _JSON, "body_file": "api_dataset.json"}
                    ],
                },
            )
            written.append(here / "dataset.yaml")
    return written


def case_folders(root: Path) -> list[Path]:
    """Every case folder below ``root`` (a folder with api_model.json or README.md)."""
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and ((p / "api_model.json").is_file() or (p / "README.md").is_file())
    )


def make_recordings(root: Path, out: Path) -> list[Case]:
    """Turn every case folder under ``root`` into recordings under ``out`` (replaced)."""
    if (out / "hf").exists():
        shutil.rmtree(out / "hf")
    cases = [load_case(folder) for folder in case_folders(root)]
    for case in cases:
        write_case(case, out)
    (out / "hf" / "_made.txt").write_text(
        f"made by ingest.replay.from_captures from {root} at {datetime.now(UTC).isoformat()}\n"
    )
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.replay.from_captures", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("cases", type=Path, help="a folder of <org>__<name> case folders")
    parser.add_argument("out", type=Path, help="the recording folder to write (its hf/ replaced)")
    args = parser.parse_args(argv)
    cases = make_recordings(args.cases, args.out)
    made = sum(c.constructed for c in cases)
    print(f"{len(cases)} models ({made} with a constructed API answer) -> {args.out}/hf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
