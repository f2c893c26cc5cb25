"""What licence an entity declares, read from the graph and normalised.

An entity's licences are the License nodes its LICENSED_UNDER edges point at; an entity
written without those edges may still carry the Hub's ``license`` property, which is used
then (and says so in its evidence). The Hub's ``license_link`` travels on the edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schema import licences
from schema.vocabulary import Rel
from service.queries.rows import AssertionRow, EdgeRow, EntityRow

_LINK = "license_link: "


@dataclass(frozen=True)
class Declared:
    """One licence one entity declares, with the edge that says so (None: a property)."""

    licence: licences.Normalised
    key: str | None  # the License node's key
    edge: EdgeRow | None

    @property
    def evidence(self) -> tuple[AssertionRow, ...]:
        return self.edge.assertions if self.edge else ()


def _link(edge: EdgeRow) -> str | None:
    for a in edge.assertions:
        if a.detail and a.detail.startswith(_LINK):
            return a.detail.removeprefix(_LINK)
    return None


def _given_name(edge: EdgeRow, given: str) -> str | None:
    """The Hub's ``license_name``: the card said ``other`` and the key came from the name."""
    said_other = any((a.value or "").removeprefix("license:") == "other" for a in edge.assertions)
    return given if said_other else None


def declared(
    entity: EntityRow,
    edges: Sequence[EdgeRow],
    entities: Mapping[str, EntityRow],
) -> list[Declared]:
    """The licences ``entity`` declares, from its LICENSED_UNDER ``edges``."""
    found: list[Declared] = []
    for edge in edges:
        if edge.rel is not Rel.LICENSED_UNDER or edge.start != entity.key:
            continue
        node = entities.get(edge.end)
        given = edge.end.removeprefix("license:")
        stored = node.text("licence_id") if node else None
        norm = licences.normalise(stored or given, _given_name(edge, given), _link(edge))
        found.append(Declared(norm, edge.end, edge))
    if not found:
        prop = entity.text("license")
        if prop:
            found.append(Declared(licences.normalise(prop), None, None))
    # One per licence id: the card's ``license`` and its ``license:`` tag name the same one.
    unique: dict[str, Declared] = {}
    for d in found:
        unique.setdefault(d.licence.id, d)
    return list(unique.values())
