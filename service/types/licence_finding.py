"""``LicenceFinding``: one obligation or conflict along a model's ancestry, with the path."""

from __future__ import annotations

import strawberry

from service.licensing.check import Finding
from service.types.edge import Edge
from service.types.licence_enums import FindingCode, FindingScope, Severity
from service.types.licence_info import LicenceInfo
from service.types.licence_term import LicenceTerm


@strawberry.type(description="An obligation or conflict to review, with its evidence.")
class LicenceFinding:
    code: FindingCode
    severity: Severity
    scope: FindingScope
    subject_key: str = strawberry.field(description="The entity whose licence gives rise to it.")
    message: str
    licence: LicenceInfo | None = strawberry.field(description="The subject's licence.")
    terms: list[LicenceTerm] = strawberry.field(description="The terms at issue, with sources.")
    path: list[Edge] = strawberry.field(
        description="From the checked model to the subject, each hop with its evidence."
    )

    @classmethod
    def from_finding(cls, f: Finding) -> LicenceFinding:
        return cls(
            code=f.code,
            severity=f.severity,
            scope=f.scope,
            subject_key=f.subject,
            message=f.message,
            licence=LicenceInfo.from_declared(f.licence) if f.licence else None,
            terms=[LicenceTerm.from_term(t) for t in f.terms],
            path=[Edge.from_row(e) for e in f.path],
        )
