"""Stored row -> the GraphQL type of its kind."""

from __future__ import annotations

from collections.abc import Callable

from schema.vocabulary import Label
from service.queries.rows import EntityRow
from service.types.dataset import Dataset
from service.types.entity import Entity
from service.types.license import License
from service.types.model import Model
from service.types.organization import Organization
from service.types.package import Package
from service.types.paper import Paper
from service.types.repository import Repository

CONVERTERS: dict[Label, Callable[[EntityRow], Entity]] = {
    Label.MODEL: Model.from_row,
    Label.DATASET: Dataset.from_row,
    Label.PAPER: Paper.from_row,
    Label.REPOSITORY: Repository.from_row,
    Label.PACKAGE: Package.from_row,
    Label.LICENSE: License.from_row,
    Label.ORGANIZATION: Organization.from_row,
}

#: Every concrete type, for the schema (an interface's types must be listed).
ENTITY_TYPES = (Model, Dataset, Paper, Repository, Package, License, Organization)


def to_entity(row: EntityRow) -> Entity:
    return CONVERTERS[row.label](row)
