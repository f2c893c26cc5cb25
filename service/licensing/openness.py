"""How open is what a model stood on: a verdict per entity of its upstream closure, a
Model Openness Framework estimate for the model itself, and a summary by kind.

Verdicts come only from what the graph stores: a licence declared by an edge (or the
source's licence property), the Hub's ``gated`` flag, an arXiv id (open access). They say
what is *known*; an entity we know nothing about is CLOSED_OR_UNKNOWN, never guessed open.

The Model Openness Framework (MOF, LF AI & Data, arXiv 2403.13784) names the components
of a model release and three classes. Metadata can show some components (parameters and
their licence, a card, a paper, a code repository and its licence, declared datasets) and
never others (evaluation results, data cards, intermediate checkpoints): those stay
UNKNOWN. The estimate is the class the model could reach, never a certification.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from schema.licences import LicenceClass
from schema.vocabulary import Label, Rel
from service.licensing.declared import Declared, declared
from service.queries.rows import EdgeRow, EntityRow, Lineage


class Verdict(StrEnum):
    OPEN = "open"
    OPEN_WITH_RESTRICTIONS = "open-with-restrictions"
    CLOSED_OR_UNKNOWN = "closed-or-unknown"


class Kind(StrEnum):
    """What an upstream entity is to the model, in the essay's words."""

    WEIGHTS = "weights"
    DATA = "data"
    CODE = "code"
    LIBRARIES = "libraries"
    PAPERS = "papers"


KIND_OF: dict[Label, Kind] = {
    Label.MODEL: Kind.WEIGHTS,
    Label.DATASET: Kind.DATA,
    Label.REPOSITORY: Kind.CODE,
    Label.PACKAGE: Kind.LIBRARIES,
    Label.PAPER: Kind.PAPERS,
}

#: Relations a closure walk follows: what a model stands on, not who published it or
#: under which licence (licences are read per entity, below).
CLOSURE_RELATIONS: frozenset[Rel] = frozenset(Rel) - {Rel.LICENSED_UNDER, Rel.PUBLISHED_BY}

_OPEN_CLASSES = {LicenceClass.OSI_APPROVED, LicenceClass.OPEN_DATA}
# GitHub's answer when it cannot name one licence for a repository.
_NO_ASSERTION = {"NOASSERTION", "other"}


@dataclass(frozen=True)
class EntityOpenness:
    entity: EntityRow
    kind: Kind
    distance: int
    verdict: Verdict
    reason: str
    licences: tuple[Declared, ...]
    via: EdgeRow | None


def _licences_text(ds: Sequence[Declared]) -> str:
    return ", ".join(f"{d.licence.id} ({d.licence.cls.value})" for d in ds)


def _by_licence(ds: Sequence[Declared], what: str) -> tuple[Verdict, str]:
    known = [d for d in ds if d.licence.known]
    if not known:
        given = ", ".join(d.licence.given for d in ds)
        return Verdict.CLOSED_OR_UNKNOWN, f"{what}: licence not known ({given})"
    classes = {d.licence.cls for d in known}
    text = f"{what}: {_licences_text(known)}"
    if classes <= _OPEN_CLASSES:
        return Verdict.OPEN, text
    if LicenceClass.OPEN_WITH_USE_RESTRICTIONS in classes and not (
        classes & {LicenceClass.NON_COMMERCIAL, LicenceClass.PROPRIETARY_OR_UNKNOWN}
    ):
        return Verdict.OPEN_WITH_RESTRICTIONS, text
    return Verdict.CLOSED_OR_UNKNOWN, text


def verdict(entity: EntityRow, ds: Sequence[Declared]) -> tuple[Verdict, str]:
    """The verdict for one entity and the reason, from its declared licences and properties."""
    status = entity.text("status")
    if entity.label is Label.PAPER:
        if entity.key.startswith("arxiv:"):
            return Verdict.OPEN, "paper: arXiv preprint (open access)"
        return Verdict.CLOSED_OR_UNKNOWN, "paper: not on arXiv; open access not known"
    if not ds:
        if status == "unresolved":  # the reason names a URL and an error: see the entity
            return Verdict.CLOSED_OR_UNKNOWN, "nothing known: its fetch failed"
        if status != "resolved":
            return Verdict.CLOSED_OR_UNKNOWN, "nothing known: named, not fetched"
        spdx = entity.text("license_spdx")
        if spdx in _NO_ASSERTION:
            return Verdict.CLOSED_OR_UNKNOWN, f"code: GitHub names no single licence ({spdx})"
        return Verdict.CLOSED_OR_UNKNOWN, "no licence declared"
    what = {
        Label.MODEL: "weights",
        Label.DATASET: "data",
        Label.REPOSITORY: "code",
        Label.PACKAGE: "library",
    }.get(entity.label, "entity")
    found, reason = _by_licence(ds, what)
    gated = str(entity.get("gated") or "false").lower()
    if entity.label is Label.MODEL and gated != "false" and found is Verdict.OPEN:
        return Verdict.OPEN_WITH_RESTRICTIONS, f"{reason}; gated on the Hub ({gated})"
    if entity.label is Label.MODEL and gated != "false":
        return found, f"{reason}; gated on the Hub ({gated})"
    return found, reason


@dataclass(frozen=True)
class KindSummary:
    kind: Kind
    total: int
    open: int
    open_with_restrictions: int
    closed_or_unknown: int


def summarise(items: Sequence[EntityOpenness]) -> list[KindSummary]:
    out = []
    for kind in Kind:
        counts = Counter(i.verdict for i in items if i.kind is kind)
        out.append(
            KindSummary(
                kind,
                sum(counts.values()),
                counts[Verdict.OPEN],
                counts[Verdict.OPEN_WITH_RESTRICTIONS],
                counts[Verdict.CLOSED_OR_UNKNOWN],
            )
        )
    return out


def sentence(name: str, summary: Sequence[KindSummary]) -> str:
    total = sum(s.total for s in summary)
    o = sum(s.open for s in summary)
    r = sum(s.open_with_restrictions for s in summary)
    c = sum(s.closed_or_unknown for s in summary)
    return (
        f"Of the {total} things {name} stood on, {o} are open (OSI-approved or open-data "
        f"licence, or open access), {r} open with use restrictions, {c} closed or unknown."
    )


def closure(
    lineage: Lineage, licence_edges: dict[str, list[EdgeRow]], licence_nodes: dict[str, EntityRow]
) -> list[EntityOpenness]:
    """A verdict for every entity the walk reached (licences and organisations left out)."""
    items: list[EntityOpenness] = []
    for node in lineage.nodes:
        kind = KIND_OF.get(node.entity.label)
        if node.distance == 0 or kind is None:
            continue
        ds = declared(node.entity, licence_edges.get(node.entity.key, []), licence_nodes)
        v, reason = verdict(node.entity, ds)
        items.append(
            EntityOpenness(node.entity, kind, node.distance, v, reason, tuple(ds), node.via)
        )
    return items
