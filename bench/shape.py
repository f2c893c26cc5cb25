"""How big each part of a synthetic Hub-shaped graph is, and what its entities are called.

Every entity is an index into its kind; its id is a pure function of (seed, kind,
index), so an edge to entity ``j`` is built without having built ``j``. The mix follows
the real sources' proportions roughly: models dominate, papers and repositories carry
most of the edges (20-60 citations, 10-50 dependencies each).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from bench.draw import Draws

SIZES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "3M": 3_000_000}


class Kind(IntEnum):
    """Entity kinds, in the order the generator streams them (upstream first)."""

    LICENSE = 1
    ORG = 2
    PACKAGE = 3
    REPO = 4
    PAPER = 5
    DATASET = 6
    MODEL = 7


#: Share of the entities (after the licences) each kind gets.
MIX: dict[Kind, float] = {
    Kind.ORG: 0.05,
    Kind.PACKAGE: 0.05,
    Kind.REPO: 0.08,
    Kind.PAPER: 0.14,
    Kind.DATASET: 0.06,
    Kind.MODEL: 0.62,
}

LICENSES: tuple[str, ...] = (
    "apache-2.0", "mit", "llama3.1", "llama3", "llama2", "cc-by-4.0", "cc-by-nc-4.0",
    "openrail", "creativeml-openrail-m", "gpl-3.0", "bsd-3-clause", "cc-by-sa-4.0",
    "gemma", "qwen-research", "deepseek", "bigscience-openrail-m", "afl-3.0", "agpl-3.0",
    "artistic-2.0", "bsl-1.0", "cc0-1.0", "cc-by-nc-sa-4.0", "ecl-2.0", "epl-2.0",
    "lgpl-3.0", "mpl-2.0", "unlicense", "wtfpl", "osl-3.0", "other",
)  # fmt: skip

#: PyPI packages models name through ``library_name``, then the usual heavy hitters.
KNOWN_PACKAGES: tuple[str, ...] = (
    "torch", "transformers", "numpy", "diffusers", "peft", "sentence-transformers", "timm",
    "safetensors", "tokenizers", "accelerate", "datasets", "huggingface-hub", "scipy",
    "pandas", "tqdm", "requests", "pyyaml", "einops", "vllm", "triton", "flash-attn",
    "bitsandbytes", "protobuf", "sentencepiece", "jinja2", "packaging", "regex",
    "pillow", "scikit-learn", "matplotlib",
)  # fmt: skip

#: library_name on the Hub -> index into KNOWN_PACKAGES (what USES_LIBRARY points at).
LIBRARIES: dict[str, int] = {
    "transformers": 1,
    "diffusers": 3,
    "peft": 4,
    "sentence-transformers": 5,
    "timm": 6,
}

WORDS: tuple[str, ...] = (
    "lumen", "corvid", "atlas", "boreal", "cinder", "delta", "ember", "fjord", "gale",
    "halcyon", "iris", "juniper", "kestrel", "lyra", "meridian", "nimbus", "orion",
    "pylon", "quartz", "raven", "sable", "tundra", "umbra", "vesper", "willow", "xenon",
    "yarrow", "zephyr", "aurora", "basalt", "cobalt", "dune", "echo", "flint", "granite",
    "harbor", "indigo", "jade", "krypton", "lotus", "magma", "nova", "onyx", "prism",
)  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """The counts of one graph; ``Shape.of(1_000_000)`` for the 1M graph."""

    seed: int
    licenses: int
    orgs: int
    packages: int
    repos: int
    papers: int
    datasets: int
    models: int
    bases: int  # models 0..bases-1 are roots (the Llamas and Qwens of this graph)
    big_orgs: int  # orgs 0..big_orgs-1 publish the base models

    @classmethod
    def of(cls, entities: int, seed: int = 1) -> Shape:
        rest = max(entities - len(LICENSES), 100)
        counts = {kind: max(int(rest * share), 10) for kind, share in MIX.items()}
        counts[Kind.MODEL] += rest - sum(counts.values())
        models = counts[Kind.MODEL]
        packages = max(counts[Kind.PACKAGE], len(KNOWN_PACKAGES))
        return cls(
            seed=seed,
            licenses=len(LICENSES),
            orgs=counts[Kind.ORG],
            packages=packages,
            repos=counts[Kind.REPO],
            papers=counts[Kind.PAPER],
            datasets=counts[Kind.DATASET],
            models=models,
            bases=max(10, models // 200),
            big_orgs=max(3, counts[Kind.ORG] // 100),
        )

    @property
    def entities(self) -> int:
        return sum(self.count(kind) for kind in Kind)

    def count(self, kind: Kind) -> int:
        return {
            Kind.LICENSE: self.licenses,
            Kind.ORG: self.orgs,
            Kind.PACKAGE: self.packages,
            Kind.REPO: self.repos,
            Kind.PAPER: self.papers,
            Kind.DATASET: self.datasets,
            Kind.MODEL: self.models,
        }[kind]

    def draws(self, kind: Kind, index: int) -> Draws:
        return Draws(self.seed, int(kind), index)

    # --- names: pure functions of the index ------------------------------------------
    def license_id(self, i: int) -> str:
        return LICENSES[i]

    def org_name(self, i: int) -> str:
        d = self.draws(Kind.ORG, i)
        return f"{d.pick(WORDS)}{d.pick(('-ai', '-labs', '-research', '', '-ml'))}-{i}"

    def package_name(self, i: int) -> str:
        if i < len(KNOWN_PACKAGES):
            return KNOWN_PACKAGES[i]
        d = self.draws(Kind.PACKAGE, i)
        return f"{d.pick(WORDS)}-{d.pick(('utils', 'kit', 'core', 'ml', 'io'))}-{i}"

    def repo_name(self, i: int) -> str:
        d = self.draws(Kind.REPO, i)
        owner = self.org_name(d.below(self.orgs))
        return f"{owner}/{d.pick(WORDS)}-{d.pick(('train', 'infer', 'eval', 'lib'))}-{i}"

    def paper_id(self, i: int) -> str:
        """arXiv ids in time order: ten years of months, numbered within each month."""
        per_month = -(-self.papers // 120)
        month, number = divmod(i, per_month)
        year, mon = divmod(month, 12)
        return f"{15 + year:02d}{mon + 1:02d}.{10000 + number:05d}"

    def dataset_id(self, i: int) -> str:
        d = self.draws(Kind.DATASET, i)
        org = self.org_name(d.below(self.orgs))
        return f"{org}/{d.pick(WORDS)}-{d.pick(('instruct', 'chat', 'math', 'code', 'web'))}-{i}"
