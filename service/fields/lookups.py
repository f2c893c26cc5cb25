"""Lookups: one entity by its user-facing id, through the request's entity DataLoader
(so many aliased lookups in one query cost one round trip)."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from service import ids
from service.context import Info
from service.errors import BadUserInput, NotFound
from service.queries.rows import EntityRow
from service.types.convert import to_entity
from service.types.dataset import Dataset
from service.types.entity import Entity
from service.types.model import Model
from service.types.organization import Organization
from service.types.package import Package
from service.types.paper import Paper
from service.types.repository import Repository
from service.types.resolver import resolver

T = TypeVar("T")


async def find(info: Info, key: str) -> EntityRow:
    row = await info.context.loaders.entity.load(key)
    if row is None:
        raise NotFound(f"no entity with key {key!r}", key=key)
    return row


@strawberry.type
class LookupQuery:
    @resolver(description="Any entity by key (hf:model:org/name) or seed form (hf:org/name).")
    async def entity(self, info: Info, key: str) -> Entity | None:
        return to_entity(await find(info, ids.to_key(key)))

    @resolver(description="A model by Hub id, e.g. deepseek-ai/DeepSeek-R1.")
    async def model(self, info: Info, id: str) -> Model | None:
        return Model.from_row(await find(info, ids.build("hf_model", id, "id")))

    @resolver(description="A dataset by Hub id.")
    async def dataset(self, info: Info, id: str) -> Dataset | None:
        return Dataset.from_row(await find(info, ids.build("hf_dataset", id, "id")))

    @resolver(description="A Hugging Face user or organisation by name.")
    async def organization(self, info: Info, id: str) -> Organization | None:
        return Organization.from_row(await find(info, ids.build("hf_org", id, "id")))

    @resolver(description="A paper by arXiv id (with or without version) or by DOI.")
    async def paper(
        self, info: Info, arxiv_id: str | None = None, doi: str | None = None
    ) -> Paper | None:
        if (arxiv_id is None) == (doi is None):
            raise BadUserInput("give exactly one of arxivId and doi", argument="arxivId")
        if arxiv_id is not None:
            key = ids.build("arxiv", arxiv_id, "arxivId")
        else:
            key = ids.build("doi", doi or "", "doi")
        return Paper.from_row(await find(info, key))

    @resolver(description="A repository by owner/name (or its GitHub URL).")
    async def repository(self, info: Info, full_name: str) -> Repository | None:
        return Repository.from_row(await find(info, ids.build("github", full_name, "fullName")))

    @resolver(description="A package by ecosystem (pypi) and name.")
    async def package(self, info: Info, name: str, ecosystem: str = "pypi") -> Package | None:
        if ecosystem.strip().lower() != "pypi":
            raise BadUserInput("the only ecosystem is 'pypi'", argument="ecosystem")
        return Package.from_row(await find(info, ids.build("pypi", name, "name")))
