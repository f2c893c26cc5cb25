"""The one place that builds node keys.

Keys are stable, human-readable and say where an entity lives::

    hf:model:deepseek-ai/DeepSeek-R1   hf:dataset:openbmb/UltraFeedback   hf:org:deepseek-ai
    arxiv:2412.19437   doi:10.1093/mind/lix.236.433   s2:<paperId>
    github:pytorch/pytorch   pypi:torch   license:mit

Hub ids keep the Hub's canonical case (the API answers with it). GitHub owners and
names are case-insensitive, so their keys are lower-cased; PyPI names are
normalised as PEP 503 says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schema.vocabulary import Label

_HF_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_GITHUB = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*/[A-Za-z0-9._\-]+$")
_PEP503 = re.compile(r"[-_.]+")


class KeyError_(ValueError):
    """An identifier cannot be turned into a node key."""


def hf_model(repo_id: str) -> str:
    return "hf:model:" + _hf(repo_id)


def hf_dataset(repo_id: str) -> str:
    return "hf:dataset:" + _hf(repo_id)


def hf_org(name: str) -> str:
    return "hf:org:" + _hf(name)


def hf_author(name: str) -> str:
    """Not a node: a listing seed, every model of a Hub author."""
    return "hf-author:" + _hf(name)


def _hf(repo_id: str) -> str:
    repo_id = repo_id.strip().strip("/")
    if not _HF_ID.match(repo_id):
        raise KeyError_(f"not a Hugging Face repo id: {repo_id!r}")
    return repo_id


def split_arxiv(arxiv_id: str) -> tuple[str, str | None]:
    """``2501.12948v2`` -> (``2501.12948``, ``v2``); accepts abs/pdf URLs and ``arXiv:`` prefixes."""
    text = arxiv_id.strip()
    text = re.sub(r"^(https?://)?(export\.)?arxiv\.org/(abs|pdf)/", "", text, flags=re.I)
    text = re.sub(r"^arxiv:", "", text, flags=re.I).removesuffix(".pdf")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        m = pattern.match(text)
        if m:
            return m.group(1), m.groups()[-1]
    raise KeyError_(f"not an arXiv id: {arxiv_id!r}")


def arxiv(arxiv_id: str) -> str:
    return "arxiv:" + split_arxiv(arxiv_id)[0]


def doi(value: str) -> str:
    text = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", value.strip(), flags=re.I)
    if not text.startswith("10."):
        raise KeyError_(f"not a DOI: {value!r}")
    return "doi:" + text.lower()


def s2(paper_id: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", paper_id):
        raise KeyError_(f"not a Semantic Scholar paper id: {paper_id!r}")
    return "s2:" + paper_id


def github(full_name: str) -> str:
    text = re.sub(r"^(https?://)?(www\.)?github\.com/", "", full_name.strip(), flags=re.I)
    text = text.strip("/").removesuffix(".git")
    parts = text.split("/")
    if len(parts) < 2 or not _GITHUB.match("/".join(parts[:2])):
        raise KeyError_(f"not a GitHub repository: {full_name!r}")
    return "github:" + "/".join(parts[:2]).lower()


def pypi(name: str) -> str:
    text = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._\-]*[A-Za-z0-9])?", text):
        raise KeyError_(f"not a PyPI project name: {name!r}")
    return "pypi:" + _PEP503.sub("-", text).lower()


def license_(spdx_or_name: str) -> str:
    text = spdx_or_name.strip().lower()
    if not text or len(text) > 120:
        raise KeyError_(f"not a licence identifier: {spdx_or_name!r}")
    return "license:" + re.sub(r"\s+", "-", text)


#: Key prefix -> label; the inverse of the builders above.
PREFIX_LABEL: dict[str, Label] = {
    "hf:model:": Label.MODEL,
    "hf:dataset:": Label.DATASET,
    "hf:org:": Label.ORGANIZATION,
    "arxiv:": Label.PAPER,
    "doi:": Label.PAPER,
    "s2:": Label.PAPER,
    "github:": Label.REPOSITORY,
    "pypi:": Label.PACKAGE,
    "license:": Label.LICENSE,
}


def label_of(key: str) -> Label:
    for prefix, label in PREFIX_LABEL.items():
        if key.startswith(prefix):
            return label
    raise KeyError_(f"unknown key prefix: {key!r}")


def parse_seed(seed: str) -> str:
    """A user-facing id (``hf:org/name``, ``arxiv:2412.19437``, ``github:o/r``, ``pypi:x``) -> key."""
    text = seed.strip()
    if text.startswith(("hf:model:", "hf:dataset:", "hf:org:")):
        kind, _, rest = text[3:].partition(":")
        return {"model": hf_model, "dataset": hf_dataset, "org": hf_org}[kind](rest)
    if text.startswith("hf:"):
        return hf_model(text[3:])
    if text.startswith("arxiv:"):
        return arxiv(text[6:])
    if text.startswith("github:"):
        return github(text[7:])
    if text.startswith("pypi:"):
        return pypi(text[5:])
    if text.startswith("doi:"):
        return doi(text[4:])
    raise KeyError_(
        f"unknown seed {seed!r}: use hf:<org>/<name>, arxiv:<id>, github:<owner>/<repo> or pypi:<name>"
    )


def is_node_key(key: str) -> bool:
    """Does ``key`` name a node (rather than, say, a listing seed like ``hf-author:x``)?"""
    return key.startswith(tuple(PREFIX_LABEL))


#: Seeds that are not nodes: a source expands each into many entities.
LISTING_PREFIXES = ("hf-author:",)
#: Kinds whose id is ``<owner>/<name>``.
_OWNED = frozenset({"hf:model", "hf:dataset", "github"})


@dataclass(frozen=True)
class ParsedKey:
    """A key taken apart: the inverse of the builders above."""

    key: str
    kind: str  # the prefix without its last colon: "hf:model", "arxiv", "pypi", "hf-author"
    id: str  # what follows the prefix: "deepseek-ai/DeepSeek-R1", "2412.19437", "torch"
    label: Label | None  # None for a listing seed, which is no node

    @property
    def parts(self) -> tuple[str, ...]:
        """The id's parts: (owner, name) for Hub repos and GitHub, else the id alone."""
        if self.kind in _OWNED and "/" in self.id:
            owner, name = self.id.split("/", 1)
            return owner, name
        return (self.id,)

    @property
    def name(self) -> str:
        """What to show for the entity when nothing better (a title, a Hub id) is known."""
        return self.id


def parse(key: str) -> ParsedKey:
    """``hf:model:org/name`` -> kind ``hf:model``, id ``org/name``; unknown prefixes raise."""
    for prefix, label in PREFIX_LABEL.items():
        if key.startswith(prefix):
            return ParsedKey(key, prefix[:-1], key[len(prefix) :], label)
    for prefix in LISTING_PREFIXES:
        if key.startswith(prefix):
            return ParsedKey(key, prefix[:-1], key[len(prefix) :], None)
    raise KeyError_(f"unknown key prefix: {key!r}")
