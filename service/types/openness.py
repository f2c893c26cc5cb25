"""``Openness``: how open each thing a model stood on is, summed up by kind."""

from __future__ import annotations

import strawberry

from service.licensing.answers import Openness as OpennessRow
from service.licensing.openness import EntityOpenness
from service.types.edge import Edge
from service.types.licence_enums import OpennessVerdict, UpstreamKind
from service.types.licence_info import LicenceInfo
from service.types.mof_estimate import MofEstimate
from service.types.resolver import resolver


@strawberry.type(description="One upstream entity's openness verdict, with the reason.")
class UpstreamOpenness:
    # A closure has hundreds of entities: their licences (with every term) and edges are
    # built only when a query selects them.
    row: strawberry.Private[EntityOpenness]
    key: str
    name: str
    kind: UpstreamKind
    distance: int
    verdict: OpennessVerdict
    reason: str

    @resolver(description="The licences it declares, with their terms and evidence.")
    def licences(self) -> list[LicenceInfo]:
        return [LicenceInfo.from_declared(d) for d in self.row.licences]

    @resolver(description="The edge the closure walk reached it by.")
    def via(self) -> Edge | None:
        return Edge.from_row(self.row.via) if self.row.via else None

    @classmethod
    def from_row(cls, row: EntityOpenness) -> UpstreamOpenness:
        return cls(
            row=row,
            key=row.entity.key,
            name=row.entity.name,
            kind=row.kind,
            distance=row.distance,
            verdict=row.verdict,
            reason=row.reason,
        )


@strawberry.type(description="Counts of verdicts for one kind of upstream entity.")
class OpennessByKind:
    kind: UpstreamKind
    total: int
    open: int
    open_with_restrictions: int
    closed_or_unknown: int


@strawberry.type(
    description="Openness verdicts for a model and its upstream closure, from what the graph "
    "stores; CLOSED_OR_UNKNOWN when nothing is known, never guessed open."
)
class Openness:
    key: str
    verdict: OpennessVerdict = strawberry.field(description="The model's own weights.")
    reason: str
    declared: list[LicenceInfo]
    summary: str = strawberry.field(description="The closure in one sentence.")
    by_kind: list[OpennessByKind]
    entities: list[UpstreamOpenness]
    mof: MofEstimate
    truncated: bool = strawberry.field(description="The closure walk ran out of budget.")

    @classmethod
    def from_row(cls, row: OpennessRow) -> Openness:
        return cls(
            key=row.root.key,
            verdict=row.verdict,
            reason=row.reason,
            declared=[LicenceInfo.from_declared(d) for d in row.declared],
            summary=row.sentence,
            by_kind=[
                OpennessByKind(
                    kind=s.kind,
                    total=s.total,
                    open=s.open,
                    open_with_restrictions=s.open_with_restrictions,
                    closed_or_unknown=s.closed_or_unknown,
                )
                for s in row.summary
            ],
            entities=[UpstreamOpenness.from_row(i) for i in row.items],
            mof=MofEstimate.from_row(row.mof),
            truncated=row.truncation is not None,
        )
