"""``Model``: a Hugging Face model repository."""

from __future__ import annotations

import strawberry

from schema import keys
from service.queries.rows import EntityRow
from service.types.entity import Entity, common, int_or_none, str_list


@strawberry.type(description="A Hugging Face model.")
class Model(Entity):
    hub_id: str
    author: str | None
    pipeline_tag: str | None
    library_name: str | None
    model_type: str | None
    architectures: list[str]
    aliases: list[str]
    downloads: int | None
    likes: int | None
    gated: str | None = strawberry.field(
        description="false, or how access is gated (auto, manual)."
    )
    created_at: str | None
    last_modified: str | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Model:
        return cls(
            **common(row),
            hub_id=keys.parse(row.key).id,
            author=row.text("author"),
            pipeline_tag=row.text("pipeline_tag"),
            library_name=row.text("library_name"),
            model_type=row.text("model_type"),
            architectures=str_list(row.get("architectures")),
            aliases=str_list(row.get("aliases")),
            downloads=int_or_none(row.get("downloads")),
            likes=int_or_none(row.get("likes")),
            gated=None if row.get("gated") is None else str(row.get("gated")).lower(),
            created_at=row.text("created_at"),
            last_modified=row.text("last_modified"),
        )
