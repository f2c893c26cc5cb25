"""Node labels and relationship types: the only names ever interpolated into Cypher.

Every edge points *upstream*: from the thing that stands to what it stands on.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """Entity labels. Every entity node also carries ``ENTITY``."""

    MODEL = "Model"
    DATASET = "Dataset"
    PAPER = "Paper"
    REPOSITORY = "Repository"
    PACKAGE = "Package"
    LICENSE = "License"
    ORGANIZATION = "Organization"


#: The label every entity node carries as well, for lookups by key and search.
ENTITY = "Entity"


#: A withdrawn assertion, kept as history: the sweep replaces an edge its source no longer
#: makes by one of this type with the same properties plus ``rel`` (the type it had) and
#: ``retracted_at``. Deliberately not a ``Rel``: "every relation" never includes it, so
#: the live graph (walks, exports, licence checks, the Browser) shows only current facts.
RETRACTED = "RETRACTED"


class OpsLabel(StrEnum):
    """Operational nodes: not entities, never returned as lineage."""

    INGEST_RUN = "IngestRun"
    INGEST_LOCK = "IngestLock"
    HUB_LISTING = "HubListing"  # where a whole-Hub listing walk stands (ingest/hub)


class Rel(StrEnum):
    """Relationship types, each one assertion from one source (see ``EDGE_PROPERTIES``)."""

    # model -> model
    FINETUNED_FROM = "FINETUNED_FROM"
    ADAPTER_OF = "ADAPTER_OF"
    QUANTIZED_FROM = "QUANTIZED_FROM"
    MERGED_FROM = "MERGED_FROM"
    DERIVED_FROM = "DERIVED_FROM"  # a declared base model whose relation nobody states
    DISTILLED_FROM = "DISTILLED_FROM"  # teacher -> student; our label, never emitted by the Hub
    # model -> dataset / licence / organization
    TRAINED_ON = "TRAINED_ON"
    LICENSED_UNDER = "LICENSED_UNDER"
    PUBLISHED_BY = "PUBLISHED_BY"
    # model|paper -> paper
    DESCRIBED_BY = "DESCRIBED_BY"  # the model's own paper (BibTeX in the card)
    MENTIONS_PAPER = "MENTIONS_PAPER"  # any paper linked from the card (Hub arxiv: tags)
    CITES = "CITES"
    # model|paper -> repository, repository -> repository
    HAS_CODE = "HAS_CODE"
    FORKED_FROM = "FORKED_FROM"
    # repository|package|model -> package, package -> repository
    DEPENDS_ON = "DEPENDS_ON"
    USES_LIBRARY = "USES_LIBRARY"
    BUILT_FROM = "BUILT_FROM"


#: Which labels each relationship may join (start, end). The loader refuses others.
REL_ENDPOINTS: dict[Rel, tuple[frozenset[Label], frozenset[Label]]] = {
    **{
        rel: (frozenset({Label.MODEL}), frozenset({Label.MODEL}))
        for rel in (
            Rel.FINETUNED_FROM,
            Rel.ADAPTER_OF,
            Rel.QUANTIZED_FROM,
            Rel.MERGED_FROM,
            Rel.DERIVED_FROM,
            Rel.DISTILLED_FROM,
        )
    },
    Rel.TRAINED_ON: (frozenset({Label.MODEL}), frozenset({Label.DATASET})),
    Rel.LICENSED_UNDER: (
        frozenset({Label.MODEL, Label.DATASET, Label.REPOSITORY, Label.PACKAGE}),
        frozenset({Label.LICENSE}),
    ),
    Rel.PUBLISHED_BY: (frozenset({Label.MODEL, Label.DATASET}), frozenset({Label.ORGANIZATION})),
    Rel.DESCRIBED_BY: (frozenset({Label.MODEL, Label.DATASET}), frozenset({Label.PAPER})),
    Rel.MENTIONS_PAPER: (frozenset({Label.MODEL, Label.DATASET}), frozenset({Label.PAPER})),
    Rel.CITES: (frozenset({Label.PAPER}), frozenset({Label.PAPER})),
    Rel.HAS_CODE: (
        frozenset({Label.MODEL, Label.PAPER, Label.DATASET}),
        frozenset({Label.REPOSITORY}),
    ),
    Rel.FORKED_FROM: (frozenset({Label.REPOSITORY}), frozenset({Label.REPOSITORY})),
    Rel.DEPENDS_ON: (
        frozenset({Label.REPOSITORY, Label.PACKAGE}),
        frozenset({Label.PACKAGE}),
    ),
    Rel.USES_LIBRARY: (frozenset({Label.MODEL}), frozenset({Label.PACKAGE})),
    Rel.BUILT_FROM: (frozenset({Label.PACKAGE}), frozenset({Label.REPOSITORY})),
}

#: Hub ``base_model_relation`` values -> our relationship type.
HF_BASE_RELATIONS: dict[str, Rel] = {
    "finetune": Rel.FINETUNED_FROM,
    "adapter": Rel.ADAPTER_OF,
    "quantized": Rel.QUANTIZED_FROM,
    "merge": Rel.MERGED_FROM,
}

#: Relationship types between two models: "what weights did this start from".
MODEL_LINEAGE: frozenset[Rel] = frozenset(
    {
        Rel.FINETUNED_FROM,
        Rel.ADAPTER_OF,
        Rel.QUANTIZED_FROM,
        Rel.MERGED_FROM,
        Rel.DERIVED_FROM,
        Rel.DISTILLED_FROM,
    }
)

#: Relations that fan out: a paper cites 20-60 papers, a repository or package depends on
#: 10-50 packages, so their closures reach much of arXiv and PyPI within a few hops. Each
#: is bounded on its own -- by the crawler (``--paper-depth``, ``--code-depth``) and by the
#: lineage walk (``fan_out``). Key: the fan-out relation; value: the hops counted with it
#: (a package's repository and a fork's parent are steps along the same code chain).
FAN_OUT_HOPS: dict[Rel, frozenset[Rel]] = {
    Rel.CITES: frozenset({Rel.CITES}),
    Rel.DEPENDS_ON: frozenset({Rel.DEPENDS_ON, Rel.BUILT_FROM, Rel.FORKED_FROM}),
}
#: The fan-out relations, in a fixed order (the lineage walk counts hops in this order).
FAN_OUT: tuple[Rel, ...] = tuple(FAN_OUT_HOPS)


class Method(StrEnum):
    """How a source asserted a fact."""

    DECLARED = "declared"  # a structured field says so (card YAML, a Hub tag, a manifest)
    INFERRED = "inferred"  # we read it from prose or a link


#: Properties every relationship (one assertion) carries; written by the loader.
EDGE_PROPERTIES: tuple[str, ...] = (
    "assertion",  # stable id of the assertion: hash of source, evidence field and value
    "source",  # hf | arxiv | s2 | github | pypi
    "url",  # the exact URL the evidence was read from
    "revision",  # source revision: HF commit sha, arXiv version, git sha, package version
    "fetched_at",  # ISO-8601 UTC
    "first_seen",  # ISO-8601 UTC: when this lifetime of the assertion began (set once)
    "last_seen",  # ISO-8601 UTC: the last time its source said it
    "run_id",  # the IngestRun that last asserted it
    "method",  # Method
    "confidence",  # 0..1
    "evidence_field",  # e.g. cardData.base_model, tags, README.md#table
    "evidence_value",  # the raw value or the exact snippet
    "detail",  # optional: spec (==2.4.1), file path, Hub relation name ...
)
