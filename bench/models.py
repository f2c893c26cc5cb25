"""Synthetic models: which kind each one is, where it is published, what it stands on.

The fan-in is heavy-tailed on purpose: bases are drawn from a Zipf law, so base 0
collects tens of thousands of fine-tunes in the 1M graph, as the Llamas and Qwens
do on the Hub. Derived models pick an earlier model about half of the time, which
gives chains (finetune -> finetune -> quantized) and merges with several parents.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from bench.draw import Draws, Zipf
from bench.shape import WORDS, Kind, Shape
from schema.vocabulary import Rel


class ModelKind(StrEnum):
    BASE = "base"
    FINETUNE = "finetune"
    ADAPTER = "adapter"
    QUANTIZED = "quantized"
    MERGE = "merge"
    DISTILL = "distill"
    DERIVED = "derived"


#: Cumulative shares of the derived kinds (what is left after the bases).
_KINDS: tuple[tuple[float, ModelKind], ...] = (
    (0.55, ModelKind.FINETUNE),
    (0.67, ModelKind.ADAPTER),
    (0.85, ModelKind.QUANTIZED),
    (0.90, ModelKind.MERGE),
    (0.93, ModelKind.DISTILL),
    (1.00, ModelKind.DERIVED),
)
_VARIANTS: dict[ModelKind, tuple[str, ...]] = {
    ModelKind.BASE: ("Base",),
    ModelKind.FINETUNE: ("Instruct", "Chat", "SFT", "DPO", "Coder", "Math", "it"),
    ModelKind.ADAPTER: ("LoRA", "QLoRA", "adapter"),
    ModelKind.QUANTIZED: ("GGUF", "AWQ", "GPTQ", "4bit", "8bit", "exl2"),
    ModelKind.MERGE: ("Merge", "SLERP", "TIES", "DARE"),
    ModelKind.DISTILL: ("Distill",),
    ModelKind.DERIVED: ("v2", "ft", "custom"),
}
#: The Hub's base_model relation name for each kind (None: the card names no relation).
HUB_RELATION: dict[ModelKind, str | None] = {
    ModelKind.FINETUNE: "finetune",
    ModelKind.ADAPTER: "adapter",
    ModelKind.QUANTIZED: "quantized",
    ModelKind.MERGE: "merge",
    ModelKind.DISTILL: "finetune",
    ModelKind.DERIVED: None,
}
_REL: dict[ModelKind, Rel] = {
    ModelKind.FINETUNE: Rel.FINETUNED_FROM,
    ModelKind.ADAPTER: Rel.ADAPTER_OF,
    ModelKind.QUANTIZED: Rel.QUANTIZED_FROM,
    ModelKind.MERGE: Rel.MERGED_FROM,
    ModelKind.DISTILL: Rel.FINETUNED_FROM,
    ModelKind.DERIVED: Rel.DERIVED_FROM,
}
_SIZES = ("0.5", "1.5", "3", "7", "8", "14", "32", "70")


@dataclass(frozen=True)
class ModelSpec:
    index: int
    kind: ModelKind
    org: int
    repo_id: str
    parents: tuple[tuple[Rel, int], ...]  # (relation, model index), first one is the main line


class ModelSpecs:
    """Builds the spec of model ``i`` from its own draws (and its parents' names)."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    @cached_property
    def base_law(self) -> Zipf:
        return Zipf(self.shape.bases, 1.05)

    @cached_property
    def org_law(self) -> Zipf:
        return Zipf(self.shape.orgs, 1.0)

    def _head(self, i: int) -> tuple[Draws, ModelKind, int, str]:
        """Kind, publisher and repo id: the first draws, so names are cheap to rebuild."""
        s = self.shape
        d = s.draws(Kind.MODEL, i)
        if i < s.bases:
            kind, org = ModelKind.BASE, d.below(s.big_orgs)
        else:
            u = d.unit()
            kind = next(k for edge, k in _KINDS if u < edge)
            org = self.org_law.rank(d)
        word = d.pick(WORDS).capitalize()
        size = d.pick(_SIZES)
        variant = d.pick(_VARIANTS[kind])
        if kind is ModelKind.BASE:
            name = f"{word}-{d.between(1, 4)}-{size}B-{i}"
        else:
            name = f"{word}-{size}B-{variant}-{i}"
        return d, kind, org, f"{s.org_name(org)}/{name}"

    def repo_id(self, i: int) -> str:
        return self._head(i)[3]

    def spec(self, i: int) -> ModelSpec:
        d, kind, org, repo_id = self._head(i)
        return ModelSpec(i, kind, org, repo_id, self._parents(d, kind, i))

    def _parents(self, d: Draws, kind: ModelKind, i: int) -> tuple[tuple[Rel, int], ...]:
        if kind is ModelKind.BASE:
            return ()
        if kind is ModelKind.MERGE:
            count = d.between(2, 4)
            picks = dict.fromkeys(self._pick(d, i, 0.3) for _ in range(count))
            return tuple((Rel.MERGED_FROM, j) for j in picks)
        if kind is ModelKind.DISTILL:
            student = self.base_law.rank(d)
            teacher = self._pick(d, i, 0.5)
            if teacher == student:
                return ((Rel.FINETUNED_FROM, student),)
            return ((Rel.FINETUNED_FROM, student), (Rel.DISTILLED_FROM, teacher))
        on_base = 0.2 if kind is ModelKind.QUANTIZED else 0.5
        return ((_REL[kind], self._pick(d, i, on_base)),)

    def _pick(self, d: Draws, i: int, on_base: float) -> int:
        """A base (Zipf) with probability ``on_base``, else any earlier derived model."""
        bases = self.shape.bases
        if i <= bases or d.chance(on_base):
            return self.base_law.rank(d)
        return bases + d.below(i - bases)

    def main_line(self, i: int, limit: int = 64) -> list[int]:
        """``i`` and its first parents up to the root: the chain a lineage walk follows."""
        chain = [i]
        while len(chain) < limit:
            parents = self.spec(chain[-1]).parents
            if not parents:
                break
            chain.append(parents[0][1])
        return chain
