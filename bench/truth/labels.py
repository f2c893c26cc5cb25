"""The labelled corpus: ``facts.json`` per model -> gold facts in the graph's terms.

Each fact becomes a ``Gold`` (kind, target key, expected role, declared or prose). Facts the
graph cannot hold as an edge (a parent with no Hub id, a dataset named only by its name, a
paper with no arXiv id) are kept apart as ``unscored`` so the page can still count them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from schema import keys
from schema.vocabulary import Rel

KINDS = ("base", "dataset", "paper", "library", "code", "license")

#: facts.json relation -> the relationship types that state it.
RELATIONS: dict[str, frozenset[Rel]] = {
    "finetune": frozenset({Rel.FINETUNED_FROM}),
    "adapter": frozenset({Rel.ADAPTER_OF}),
    "quantized": frozenset({Rel.QUANTIZED_FROM}),
    "merge": frozenset({Rel.MERGED_FROM}),
    "distilled_from_teacher": frozenset({Rel.DISTILLED_FROM}),
    "derived": frozenset({Rel.DERIVED_FROM}),
    # continued pretraining is training on top of the weights: a fine-tune in the graph's terms
    "continued_pretrain": frozenset({Rel.FINETUNED_FROM, Rel.DERIVED_FROM}),
}
REL_NAMES: dict[Rel, str] = {
    Rel.FINETUNED_FROM: "finetune",
    Rel.ADAPTER_OF: "adapter",
    Rel.QUANTIZED_FROM: "quantized",
    Rel.MERGED_FROM: "merge",
    Rel.DISTILLED_FROM: "distilled_from_teacher",
    Rel.DERIVED_FROM: "derived",
}


@dataclass(frozen=True)
class Gold:
    model: str
    kind: str
    target: str  # the node key the edge must end at (lower-cased for comparison)
    role: str  # base: relation; paper: own | linked; others: ""
    declared: bool
    evidence: str
    version: str | None = None
    stale: tuple[str, ...] = ()  # keys of the pre-rename ids the card also writes


@dataclass(frozen=True)
class NotFact:
    model: str
    kind: str
    value: str
    why: str


@dataclass
class Labels:
    model: str
    folder: Path
    gold: list[Gold] = field(default_factory=list)
    unscored: list[tuple[str, str]] = field(default_factory=list)  # (kind, description)
    not_facts: list[NotFact] = field(default_factory=list)


def package_key(name: str) -> str | None:
    """A library as the graph keys it: PyPI's normalised name."""
    try:
        return keys.pypi(name.strip())
    except keys.KeyError_:
        return None


def _key(make: object, value: str) -> str | None:
    try:
        return make(value)  # type: ignore[operator, no-any-return]
    except keys.KeyError_:
        return None


def load(folder: Path) -> Labels:
    data = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    model = data["model"]
    out = Labels(model, folder)
    for b in data.get("base_models", []):
        if not b.get("base"):
            out.unscored.append(("base", f"unnamed parent ({b['relation']}): {b.get('base_text')}"))
            continue
        key = _key(keys.hf_model, b["base"])
        if key is None:
            continue
        stale = tuple(
            k
            for raw in (b.get("linked_as"), b.get("declared_as"))
            if isinstance(raw, str) and (k := _key(keys.hf_model, raw)) and k.lower() != key.lower()
        )
        out.gold.append(
            Gold(model, "base", key, b["relation"], bool(b["declared"]), b["evidence"], None, stale)
        )
    for d in data.get("datasets", []):
        if d.get("hub_id_given") is False:
            out.unscored.append(("dataset", f"named without a Hub id: {d['id']}"))
            continue
        key = _key(keys.hf_dataset, d["id"])
        if key is None:
            out.unscored.append(("dataset", f"not a Hub id: {d['id']}"))
            continue
        stale = tuple(
            k
            for raw in (d.get("linked_as"), d.get("declared_as"))
            if isinstance(raw, str)
            and (k := _key(keys.hf_dataset, raw))
            and k.lower() != key.lower()
        )
        out.gold.append(
            Gold(model, "dataset", key, "", bool(d["declared"]), d["evidence"], None, stale)
        )
    for p in data.get("papers", []):
        if not p.get("arxiv"):
            out.unscored.append(("paper", f"no arXiv id ({p['role']}): {p['evidence'][:80]}"))
            continue
        role = "own" if p["role"] == "own" else "linked"
        out.gold.append(
            Gold(
                model,
                "paper",
                keys.arxiv(p["arxiv"]),
                role,
                bool(p.get("declared")),
                p["evidence"],
            )
        )
    for lib in data.get("libraries", []):
        key = package_key(lib["name"])
        if key is None:
            continue
        out.gold.append(
            Gold(
                model,
                "library",
                key,
                "",
                bool(lib.get("declared")),
                lib["evidence"],
                lib.get("version"),
            )
        )
    for c in data.get("code", []):
        if c["role"] != "own_code":
            continue  # a library's or a related project's repository is not the model's code
        key = _key(keys.github, c["repo"])
        if key:
            out.gold.append(Gold(model, "code", key, "", False, c["evidence"]))
    lic = data.get("license") or {}
    if lic.get("id"):
        ident = lic["id"]
        if ident == "other" and lic.get("name"):
            ident = lic["name"]
        out.gold.append(
            Gold(
                model,
                "license",
                keys.license_(ident),
                "",
                bool(lic.get("declared")),
                lic.get("evidence", ""),
            )
        )
    for n in data.get("not_facts", []):
        out.not_facts.append(NotFact(model, n["kind"], n["value"], n.get("why", "")))
    return out


def load_corpus(root: Path) -> list[Labels]:
    return [load(p.parent) for p in sorted(root.glob("*/facts.json"))]


HUB_ID = re.compile(r"[A-Za-z0-9][\w.\-*]*/[\w.\-*]+")
ARXIV_ID = re.compile(r"\b\d{4}\.\d{4,5}\b")
