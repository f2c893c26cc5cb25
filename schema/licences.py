"""Licence knowledge: normalise what a source states, say what kind of licence it is, and
what its terms are, each term with the clause and the URL it comes from.

The knowledge lives in ``licences.yaml`` next to this module (reviewed by hand, versioned
with the code). A licence we do not know normalises to ``LicenseRef-<given>`` of class
``proprietary-or-unknown``; a term a licence's entry does not list is ``unknown``.
Nothing here is a legal conclusion: it is what the cited clauses say, to be reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml


class LicenceClass(StrEnum):
    OSI_APPROVED = "osi-approved"
    OPEN_DATA = "open-data"
    OPEN_WITH_USE_RESTRICTIONS = "open-with-use-restrictions"
    NON_COMMERCIAL = "non-commercial"
    PROPRIETARY_OR_UNKNOWN = "proprietary-or-unknown"


class TermKind(StrEnum):
    """The terms the table records. Those marked as obligations travel to derivatives."""

    COMMERCIAL_USE = "commercial_use"  # yes: commercial use allowed
    ATTRIBUTION_NOTICE = "attribution_notice"  # a notice / attribution must be kept
    DERIVATIVE_NAMING = "derivative_naming"  # "Built with Llama", a name that begins "Llama"
    AUP_INCORPORATED = "aup_incorporated"  # an acceptable-use policy is part of the licence
    USER_THRESHOLD = "user_threshold"  # a user-count above which a separate licence is needed
    SHARE_ALIKE = "share_alike"  # derivatives under the same terms
    NON_COMMERCIAL = "non_commercial"  # non-commercial use only
    OUTPUT_USE_RESTRICTION = "output_use_restriction"  # outputs may not improve other models


class TermValue(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


#: Terms that restrict what a derivative may do or be called: a derivative declaring a
#: licence without them claims more than such an ancestor grants.
RESTRICTIVE_TERMS: tuple[TermKind, ...] = (
    TermKind.NON_COMMERCIAL,
    TermKind.SHARE_ALIKE,
    TermKind.DERIVATIVE_NAMING,
    TermKind.AUP_INCORPORATED,
    TermKind.USER_THRESHOLD,
    TermKind.OUTPUT_USE_RESTRICTION,
)

#: Terms that oblige whoever redistributes or builds on the licensed thing.
OBLIGATION_TERMS: tuple[TermKind, ...] = (TermKind.ATTRIBUTION_NOTICE, *RESTRICTIVE_TERMS)

#: Terms about what may be done with a model's outputs (what binds a student to its teacher).
OUTPUT_TERMS: tuple[TermKind, ...] = (
    TermKind.OUTPUT_USE_RESTRICTION,
    TermKind.DERIVATIVE_NAMING,
)


@dataclass(frozen=True)
class Term:
    kind: TermKind
    value: TermValue
    clause: str | None  # verbatim, from ``source``; None only when the value is unknown
    source: str | None


@dataclass(frozen=True)
class Licence:
    """One licence the table knows."""

    id: str  # SPDX id, or LicenseRef-<hub id>
    name: str
    cls: LicenceClass
    url: str
    aliases: tuple[str, ...] = ()
    terms: dict[TermKind, Term] = field(default_factory=dict)

    def term(self, kind: TermKind) -> Term:
        return self.terms.get(kind) or Term(kind, TermValue.UNKNOWN, None, None)

    def has(self, kind: TermKind) -> bool:
        return self.term(kind).value is TermValue.YES


@dataclass(frozen=True)
class Normalised:
    """What a source stated, and what we make of it."""

    id: str  # SPDX id or LicenseRef-...
    name: str
    cls: LicenceClass
    known: bool  # the table has an entry for it
    given: str  # the identifier as the source gave it
    given_name: str | None = None  # Hub ``license_name`` (with ``license: other``)
    given_link: str | None = None  # Hub ``license_link``
    url: str | None = None

    @property
    def licence(self) -> Licence | None:
        return by_id(self.id)

    def terms(self) -> list[Term]:
        """Every term kind, in table order; unknown where the table says nothing."""
        entry = self.licence
        if entry is None:
            return [Term(k, TermValue.UNKNOWN, None, None) for k in TermKind]
        return [entry.term(k) for k in TermKind]


@dataclass(frozen=True)
class Table:
    version: str
    licences: tuple[Licence, ...]


def _term(kind: str, raw: dict[str, Any]) -> Term:
    return Term(
        TermKind(kind),
        TermValue(str(raw["value"])),
        " ".join(str(raw["clause"]).split()),
        str(raw["source"]),
    )


@cache
def table() -> Table:
    text = resources.files("schema").joinpath("licences.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    licences = tuple(
        Licence(
            id=str(item["id"]),
            name=str(item["name"]),
            cls=LicenceClass(item["class"]),
            url=str(item["url"]),
            aliases=tuple(str(a) for a in item.get("aliases") or ()),
            terms={TermKind(k): _term(k, v) for k, v in (item.get("terms") or {}).items()},
        )
        for item in data["licences"]
    )
    return Table(str(data["version"]), licences)


@cache
def _index() -> dict[str, Licence]:
    found: dict[str, Licence] = {}
    for entry in table().licences:
        for name in (entry.id, *entry.aliases):
            found[_fold(name)] = entry
        if entry.id.startswith("LicenseRef-"):
            found[_fold(entry.id.removeprefix("LicenseRef-"))] = entry
    return found


def _fold(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip().lower())


def by_id(licence_id: str) -> Licence | None:
    return _index().get(_fold(licence_id))


# Pure and called once per declared licence: an openness answer of a thousand entities
# names a handful of distinct licences.
@lru_cache(maxsize=4096)
def normalise(given: str, name: str | None = None, link: str | None = None) -> Normalised:
    """A licence as a source states it -> SPDX id or LicenseRef, class and name.

    ``given`` is the Hub's ``license`` value, a GitHub SPDX id or a PyPI expression.
    With ``other`` the Hub names the licence in ``license_name`` (``name``); both are kept.
    """
    raw = given.strip()
    # A key (license:mit) or an id we wrote before (LicenseRef-x) names the same licence.
    raw = re.sub(r"^(license:|licenseref-)", "", raw, flags=re.I)
    lookup = name.strip() if _fold(raw) == "other" and name and name.strip() else raw
    entry = by_id(lookup)
    if entry is not None:
        return Normalised(entry.id, entry.name, entry.cls, True, given, name, link, entry.url)
    ref = "LicenseRef-" + re.sub(r"[^A-Za-z0-9.\-]+", "-", _fold(lookup)).strip("-")
    return Normalised(
        ref,
        name or lookup,
        LicenceClass.PROPRIETARY_OR_UNKNOWN,
        False,
        given,
        name,
        link,
        link,
    )
