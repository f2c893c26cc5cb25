"""``LicenceInfo``: one licence an entity declares, normalised, with its terms and evidence."""

from __future__ import annotations

import strawberry

from service.licensing.declared import Declared
from service.types.evidence import Evidence
from service.types.licence_enums import LicenceClass
from service.types.licence_term import LicenceTerm, terms_of


@strawberry.type(
    description="A declared licence: SPDX id or LicenseRef, its class, and every term "
    "(UNKNOWN where the licence table has no clause for it)."
)
class LicenceInfo:
    id: str = strawberry.field(
        description="SPDX id, or LicenseRef-<id> (e.g. LicenseRef-llama3.3)."
    )
    name: str
    licence_class: LicenceClass = strawberry.field(name="class")
    known: bool = strawberry.field(description="Whether the licence table has an entry for it.")
    key: str | None = strawberry.field(description="The License node; null: read from a property.")
    given_id: str = strawberry.field(description="The identifier as the source gave it.")
    given_name: str | None = strawberry.field(description="The Hub's license_name, with `other`.")
    link: str | None = strawberry.field(description="The Hub's license_link, as given.")
    url: str | None = strawberry.field(description="The licence text we cite.")
    terms: list[LicenceTerm]
    evidence: list[Evidence] = strawberry.field(description="The assertions that declare it.")

    @classmethod
    def from_declared(cls, d: Declared) -> LicenceInfo:
        n = d.licence
        return cls(
            id=n.id,
            name=n.name,
            licence_class=n.cls,
            known=n.known,
            key=d.key,
            given_id=n.given,
            given_name=n.given_name,
            link=n.given_link,
            url=n.url,
            terms=list(terms_of(n)),
            evidence=[Evidence.from_row(a) for a in d.evidence],
        )
