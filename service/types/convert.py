"""Stored row -> the GraphQL type of its kind."""

from __future__ import annotations

from collections.abc import Callable

from shoulders.schema.vocabulary import Label
from shoulders.service.queries.rows import EntityRow
from shoulders.service.types.dataset import Dataset
from shoulders.service.types.entity import Entity
from shoulders.service.types.license import License
from shoulders.service.types.model import Model
from shoulders.service.types.organization import Organization
from shoulders.service.types.package import Package
from shoulders.service.types.paper import Paper
from shoulders.service.types.repository import Repository

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
