"""A Model Openness Framework estimate for one model, from its metadata only.

The MOF (LF AI & Data; White et al., arXiv 2403.13784) defines three cumulative classes:
Class III "Open Model", Class II "Open Tooling", Class I "Open Science", each requiring
components released under open licences. We read what the graph shows of each component
and say OPEN (shown, under an open licence), RESTRICTED (shown, licence not open),
CLAIMED (something points at it but metadata cannot tell which component it is),
MISSING (the graph shows nothing) or UNKNOWN (metadata can never show it). The class
estimate is the highest class whose components could all be open -- never a certification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from schema.vocabulary import Label, Rel
from service.licensing.declared import Declared
from service.licensing.openness import EntityOpenness, Verdict, verdict
from service.queries.rows import EntityRow


class Status(StrEnum):
    OPEN = "open"
    RESTRICTED = "restricted"
    CLAIMED = "claimed"
    MISSING = "missing"
    UNKNOWN = "unknown"


class Component(StrEnum):
    MODEL_ARCHITECTURE = "model-architecture"
    MODEL_PARAMETERS = "model-parameters"
    TECHNICAL_REPORT = "technical-report"
    EVALUATION_RESULTS = "evaluation-results"
    MODEL_CARD = "model-card"
    DATA_CARD = "data-card"
    TRAINING_CODE = "training-code"
    INFERENCE_CODE = "inference-code"
    EVALUATION_CODE = "evaluation-code"
    SUPPORTING_LIBRARIES = "supporting-libraries"
    RESEARCH_PAPER = "research-paper"
    DATASETS = "datasets"
    DATA_PREPROCESSING_CODE = "data-preprocessing-code"
    INTERMEDIATE_PARAMETERS = "intermediate-parameters"


#: Required components per class (MOF, section 4); each class includes the ones below it.
CLASSES: tuple[tuple[str, tuple[Component, ...]], ...] = (
    (
        "Class III (Open Model)",
        (
            Component.MODEL_ARCHITECTURE,
            Component.MODEL_PARAMETERS,
            Component.TECHNICAL_REPORT,
            Component.EVALUATION_RESULTS,
            Component.MODEL_CARD,
            Component.DATA_CARD,
        ),
    ),
    (
        "Class II (Open Tooling)",
        (
            Component.TRAINING_CODE,
            Component.INFERENCE_CODE,
            Component.EVALUATION_CODE,
            Component.SUPPORTING_LIBRARIES,
        ),
    ),
    (
        "Class I (Open Science)",
        (
            Component.RESEARCH_PAPER,
            Component.DATASETS,
            Component.DATA_PREPROCESSING_CODE,
            Component.INTERMEDIATE_PARAMETERS,
        ),
    ),
)

_NEVER_IN_METADATA = (
    Component.EVALUATION_RESULTS,
    Component.DATA_CARD,
    Component.EVALUATION_CODE,
    Component.DATA_PREPROCESSING_CODE,
    Component.INTERMEDIATE_PARAMETERS,
)


@dataclass(frozen=True)
class ComponentEstimate:
    component: Component
    status: Status
    reason: str


@dataclass(frozen=True)
class MofEstimate:
    components: list[ComponentEstimate]
    reached: str | None  # the highest class whose components are all shown open
    could_reach: str | None  # ... if every UNKNOWN / CLAIMED component turned out open
    note: str = (
        "An estimate from metadata, not a Model Openness Framework certification "
        "(arXiv 2403.13784)."
    )


def _direct(items: Sequence[EntityOpenness], rels: set[Rel], label: Label) -> list[EntityOpenness]:
    return [
        i
        for i in items
        if i.distance == 1 and i.via is not None and i.via.rel in rels and i.entity.label is label
    ]


def _from_items(
    found: Sequence[EntityOpenness], what: str, open_status: Status = Status.OPEN
) -> tuple[Status, str]:
    if not found:
        return Status.MISSING, f"no {what} in the graph"
    keys = ", ".join(i.entity.key for i in found)
    if any(i.verdict is Verdict.OPEN for i in found):
        return open_status, f"{keys}: {'; '.join(i.reason for i in found)}"
    return Status.RESTRICTED, f"{keys}: {'; '.join(i.reason for i in found)}"


def estimate(
    model: EntityRow, ours: Sequence[Declared], items: Sequence[EntityOpenness]
) -> MofEstimate:
    c: dict[Component, tuple[Status, str]] = {}
    v, reason = verdict(model, ours)
    c[Component.MODEL_PARAMETERS] = (
        {Verdict.OPEN: Status.OPEN, Verdict.OPEN_WITH_RESTRICTIONS: Status.RESTRICTED}.get(
            v, Status.RESTRICTED if ours else Status.MISSING
        ),
        reason,
    )
    resolved = model.text("status") == "resolved" and model.text("source") == "hf"
    card_status = c[Component.MODEL_PARAMETERS][0] if resolved else Status.MISSING
    c[Component.MODEL_CARD] = (
        card_status,
        "the Hub model card (under the model's licence)" if resolved else "no model card read",
    )
    archs = model.get("architectures") or []
    code = _direct(items, {Rel.HAS_CODE}, Label.REPOSITORY)
    libs = _direct(items, {Rel.USES_LIBRARY}, Label.PACKAGE)
    if archs and (code or libs):
        st, why = _from_items(code + libs, "code")
        c[Component.MODEL_ARCHITECTURE] = (
            Status.CLAIMED if st is Status.OPEN else st,
            f"architectures {', '.join(map(str, archs))}; {why}",
        )
    elif archs:
        c[Component.MODEL_ARCHITECTURE] = (
            Status.CLAIMED,
            f"architectures {', '.join(map(str, archs))}; no code repository in the graph",
        )
    else:
        c[Component.MODEL_ARCHITECTURE] = (Status.MISSING, "no architecture in the metadata")
    papers = _direct(items, {Rel.DESCRIBED_BY, Rel.MENTIONS_PAPER}, Label.PAPER)
    own = _direct(items, {Rel.DESCRIBED_BY}, Label.PAPER) or papers
    c[Component.TECHNICAL_REPORT] = _from_items(own, "paper or report")
    c[Component.RESEARCH_PAPER] = _from_items(own, "paper")
    for comp in (Component.TRAINING_CODE, Component.INFERENCE_CODE):
        st, why = _from_items(code, "code repository")
        c[comp] = (
            Status.CLAIMED if st is Status.OPEN else st,
            f"a repository is linked; metadata cannot tell what code it holds: {why}"
            if code
            else why,
        )
    c[Component.SUPPORTING_LIBRARIES] = _from_items(libs, "library")
    data = _direct(items, {Rel.TRAINED_ON}, Label.DATASET)
    c[Component.DATASETS] = _from_items(data, "declared training data")
    for comp in _NEVER_IN_METADATA:
        c[comp] = (Status.UNKNOWN, "metadata cannot show it")
    components = [ComponentEstimate(k, *c[k]) for _, group in CLASSES for k in group]
    reached = could = None
    ok_reached = ok_could = True
    for name, group in CLASSES:
        ok_reached = ok_reached and all(c[k][0] is Status.OPEN for k in group)
        ok_could = ok_could and all(
            c[k][0] in (Status.OPEN, Status.CLAIMED, Status.UNKNOWN) for k in group
        )
        reached = name if ok_reached else reached
        could = name if ok_could else could
    return MofEstimate(components, reached, could)
