"""``LicenceTerm``: one term of a licence, with the clause and the URL it comes from."""

from __future__ import annotations

import strawberry

from schema.licences import Term
from service.types.licence_enums import TermKind, TermValue


@strawberry.type(description="One term of a licence, quoted from its source.")
class LicenceTerm:
    kind: TermKind
    value: TermValue
    clause: str | None = strawberry.field(description="The clause, verbatim; null if unknown.")
    source: str | None = strawberry.field(description="The URL of the licence text quoted.")

    @classmethod
    def from_term(cls, term: Term) -> LicenceTerm:
        return cls(kind=term.kind, value=term.value, clause=term.clause, source=term.source)
