"""The Strawberry schema: read-only, limits and error policy as extensions."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from shoulders.service.extensions import schema_extensions
from shoulders.service.fields.lineage import LineageQuery
from shoulders.service.fields.lookups import LookupQuery
from shoulders.service.fields.runs import RunsQuery
from shoulders.service.fields.search import SearchQuery
from shoulders.service.types.convert import ENTITY_TYPES

Query = merge_types("Query", (LookupQuery, LineageQuery, SearchQuery, RunsQuery))


def build_schema() -> strawberry.Schema:
    # No mutation type: nothing is written through the API.
    return strawberry.Schema(
        query=Query,
        types=list(ENTITY_TYPES),
        extensions=schema_extensions(),
    )


schema = build_schema()
