"""GraphQL enums of the licence check and openness answers: the schema's and the
checker's own enums, registered under GraphQL names."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from schema import licences
from service.licensing import check, mof, openness

strawberry.enum(
    licences.LicenceClass,
    name="LicenceClass",
    description="What kind of licence: OSI-approved, open data, open with use restrictions, "
    "non-commercial, proprietary or unknown.",
)
strawberry.enum(licences.TermKind, name="LicenceTermKind", description="A kind of licence term.")
strawberry.enum(
    licences.TermValue,
    name="LicenceTermValue",
    description="YES / NO as the cited clause says; UNKNOWN when the table has no clause.",
)
strawberry.enum(check.Severity, name="Severity", description="How urgently to review a finding.")
strawberry.enum(
    check.Scope,
    name="FindingScope",
    description="SELF: the model itself; WEIGHTS: models its weights come from; TEACHER: "
    "models it was distilled from; DATA: datasets it was trained on.",
)
strawberry.enum(check.Code, name="FindingCode", description="What a licence finding is about.")
strawberry.enum(
    openness.Verdict,
    name="OpennessVerdict",
    description="OPEN: under an OSI-approved or open-data licence (or open access); "
    "OPEN_WITH_RESTRICTIONS: open model licence with use restrictions, or gated; "
    "CLOSED_OR_UNKNOWN: non-commercial, proprietary, or nothing known.",
)

strawberry.enum(
    openness.Kind,
    name="UpstreamKind",
    description="What an upstream entity is: weights, data, code, libraries or papers.",
)
strawberry.enum(
    mof.Component, name="MofComponent", description="A Model Openness Framework component."
)
strawberry.enum(
    mof.Status,
    name="MofStatus",
    description="OPEN: shown, under an open licence; RESTRICTED: shown, licence not open; "
    "CLAIMED: something points at it that metadata cannot confirm; MISSING: nothing in the "
    "graph; UNKNOWN: metadata can never show it.",
)

LicenceClass: TypeAlias = licences.LicenceClass
TermKind: TypeAlias = licences.TermKind
TermValue: TypeAlias = licences.TermValue
Severity: TypeAlias = check.Severity
FindingScope: TypeAlias = check.Scope
FindingCode: TypeAlias = check.Code
OpennessVerdict: TypeAlias = openness.Verdict
UpstreamKind: TypeAlias = openness.Kind
MofComponent: TypeAlias = mof.Component
MofStatus: TypeAlias = mof.Status
