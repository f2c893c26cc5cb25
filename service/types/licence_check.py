"""``LicenceCheck``: what the licences along a model's ancestry oblige its users to."""

from __future__ import annotations

import strawberry

from service.licensing.check import LicenceCheck as CheckRow
from service.types.licence_enums import Severity
from service.types.licence_finding import LicenceFinding
from service.types.licence_info import LicenceInfo


@strawberry.type(
    description="Findings along a model's weights lineage, teachers and training data, most "
    "severe first. Obligations to review with their sources, not legal conclusions."
)
class LicenceCheck:
    key: str
    declared: list[LicenceInfo] = strawberry.field(description="What the model itself declares.")
    findings: list[LicenceFinding]
    max_severity: Severity | None
    disclaimer: str
    table_version: str = strawberry.field(description="Version of the licence terms table.")

    @classmethod
    def from_row(cls, row: CheckRow) -> LicenceCheck:
        return cls(
            key=row.root.key,
            declared=[LicenceInfo.from_declared(d) for d in row.declared],
            findings=[LicenceFinding.from_finding(f) for f in row.findings],
            max_severity=row.max_severity,
            disclaimer=row.disclaimer,
            table_version=row.table_version,
        )
