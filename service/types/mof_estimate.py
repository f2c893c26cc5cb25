"""``MofEstimate``: the Model Openness Framework components metadata can show, and a class estimate."""

from __future__ import annotations

import strawberry

from service.licensing.mof import MofEstimate as EstimateRow
from service.types.licence_enums import MofComponent, MofStatus


@strawberry.type(description="One MOF component: what the graph shows of it.")
class MofComponentEstimate:
    component: MofComponent
    status: MofStatus
    reason: str


@strawberry.type(
    description="A Model Openness Framework (arXiv 2403.13784) estimate from metadata: "
    "never a certification."
)
class MofEstimate:
    reached: str | None = strawberry.field(
        description="The highest class whose components are all shown open (null: none)."
    )
    could_reach: str | None = strawberry.field(
        description="The highest class reachable if every CLAIMED/UNKNOWN component is open."
    )
    note: str
    components: list[MofComponentEstimate]

    @classmethod
    def from_row(cls, row: EstimateRow) -> MofEstimate:
        return cls(
            reached=row.reached,
            could_reach=row.could_reach,
            note=row.note,
            components=[
                MofComponentEstimate(component=c.component, status=c.status, reason=c.reason)
                for c in row.components
            ],
        )
