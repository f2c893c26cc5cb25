"""``LicenceTerm``: one term of a licence, with the clause and the URL it comes from."""

from __future__ import annotations

from functools import lru_cache

import strawberry

from schema.licences import Normalised, Term
from service.types.licence_enums import TermKind, TermValue


@strawberry.type(description="One term of a licence, quoted from its source.")
class LicenceTerm:
    kind: TermKind
    value: TermValue
    clause: str | None = strawberry.field(description="The clause, verbatim; null if unknown.")
    source: str | None = strawberry.field(description="The URL of the licence text quoted.")

    @classmethod
    def from_term(cls, term: Term) -> LicenceTerm:
        return _of_term(term)


# A licence answer lists every term of every licence it names, and the table has a few
# dozen licences: built once each, not per answer (docs/graphql-profile.md). Bounded,
# because a source may name licences the table does not know. Nothing mutates the types.
@lru_cache(maxsize=4096)
def _of_term(term: Term) -> LicenceTerm:
    return LicenceTerm(kind=term.kind, value=term.value, clause=term.clause, source=term.source)


@lru_cache(maxsize=1024)
def terms_of(licence: Normalised) -> tuple[LicenceTerm, ...]:
    """Every term of a normalised licence, in table order (see ``Normalised.terms``)."""
    return tuple(_of_term(t) for t in licence.terms())
