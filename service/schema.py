"""The Strawberry schema: read-only, limits and error policy as extensions."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from service.execution import FastLeafExecutor
from service.extensions import is_client_error, schema_extensions
from service.fields.changes import ChangesQuery
from service.fields.licences import LicenceQuery
from service.fields.lineage import LineageQuery
from service.fields.lookups import LookupQuery
from service.fields.runs import RunsQuery
from service.fields.search import SearchQuery
from service.types.convert import ENTITY_TYPES

Query = merge_types(
    "Query", (LookupQuery, LineageQuery, SearchQuery, RunsQuery, LicenceQuery, ChangesQuery)
)


class ShouldersSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # A NOT_FOUND or a rejected query is the client's business, not a server log
        # line with a traceback; internal errors are logged by RequestPolicy.
        super().process_errors([e for e in errors if not is_client_error(e)], execution_context)


def build_schema() -> strawberry.Schema:
    # No mutation type: nothing is written through the API.
    return ShouldersSchema(
        query=Query,
        types=list(ENTITY_TYPES),
        extensions=schema_extensions(),
        execution_context_class=FastLeafExecutor,
    )


schema = build_schema()
