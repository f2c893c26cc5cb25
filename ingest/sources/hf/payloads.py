"""The Hub payloads the mapper reads, taken from huggingface_hub's ``ModelInfo``/``DatasetInfo``.

Only the fields lineage needs, with their Hub names noted, so the mapper is a pure
function of plain data and can be tested on recorded responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from huggingface_hub import DatasetInfo, ModelInfo


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass(frozen=True)
class HfModel:
    id: str
    author: str | None
    sha: str | None
    last_modified: str | None  # lastModified
    created_at: str | None  # createdAt
    library_name: str | None
    pipeline_tag: str | None
    gated: str | None  # false | "auto" | "manual"
    downloads: int | None
    likes: int | None
    tags: tuple[str, ...]
    card_data: dict[str, Any]  # cardData: the card's YAML as the Hub parsed it
    architectures: tuple[str, ...]  # config.architectures
    model_type: str | None  # config.model_type

    @classmethod
    def from_info(cls, info: ModelInfo) -> HfModel:
        card = info.card_data.to_dict() if info.card_data is not None else {}  # type: ignore[no-untyped-call]
        config = info.config if isinstance(info.config, dict) else {}
        archs = config.get("architectures") or []
        return cls(
            id=info.id,
            author=info.author or (info.id.split("/")[0] if "/" in info.id else None),
            sha=info.sha,
            last_modified=_iso(info.last_modified),
            created_at=_iso(info.created_at),
            library_name=info.library_name,
            pipeline_tag=info.pipeline_tag,
            gated=str(info.gated).lower() if info.gated is not None else None,
            downloads=info.downloads,
            likes=info.likes,
            tags=tuple(info.tags or ()),
            card_data=card,
            architectures=tuple(str(a) for a in archs if isinstance(a, str)),
            model_type=config.get("model_type")
            if isinstance(config.get("model_type"), str)
            else None,
        )


@dataclass(frozen=True)
class HfDataset:
    id: str
    author: str | None
    sha: str | None
    last_modified: str | None
    tags: tuple[str, ...]
    card_data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_info(cls, info: DatasetInfo) -> HfDataset:
        card = info.card_data.to_dict() if info.card_data is not None else {}  # type: ignore[no-untyped-call]
        return cls(
            id=info.id,
            author=info.author,
            sha=info.sha,
            last_modified=_iso(info.last_modified),
            tags=tuple(info.tags or ()),
            card_data=card,
        )


@dataclass(frozen=True)
class Card:
    """The README of a repo at a revision: its text and where it came from."""

    text: str
    url: str
    revision: str | None
