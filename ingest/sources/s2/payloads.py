"""Semantic Scholar Graph API answers (only the requested fields are present)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Author(_Payload):
    authorId: str | None = None
    name: str | None = None


class Paper(_Payload):
    paperId: str | None = None
    externalIds: dict[str, str | int] | None = None
    title: str | None = None
    year: int | None = None
    venue: str | None = None
    publicationDate: str | None = None
    authors: list[Author] | None = None

    def external(self, name: str) -> str | None:
        value = (self.externalIds or {}).get(name)
        return None if value is None else str(value)


class Reference(_Payload):
    """One item of ``/paper/{id}/references``: the cited paper and how it is cited."""

    citedPaper: Paper
    isInfluential: bool | None = None
    intents: list[str] | None = None
    contexts: list[str] | None = None


class ReferencePage(_Payload):
    offset: int = 0
    next: int | None = None  # absent on the last page
    data: list[Reference] = []
