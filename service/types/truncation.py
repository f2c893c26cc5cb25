"""``Truncation``: what a walk left out when its budget ran out."""

from __future__ import annotations

import strawberry

from service.queries.rows import Truncation as TruncationRow


@strawberry.type(description="What the answer left out because a budget ran out.")
class Truncation:
    reason: str = strawberry.field(description="'nodes' or 'edges': the budget that ran out.")
    at_depth: int = strawberry.field(description="The level at which the walk stopped.")
    omitted_nodes: int = strawberry.field(description="Entities found at that level, left out.")
    omitted_edges: int = strawberry.field(description="Edges found at that level, left out.")
    omitted_frontier: int = strawberry.field(
        description="Entities in the answer whose own upstream was not walked."
    )
    node_budget: int
    edge_budget: int

    @classmethod
    def from_row(cls, row: TruncationRow) -> Truncation:
        return cls(
            reason=row.reason,
            at_depth=row.at_depth,
            omitted_nodes=row.omitted_nodes,
            omitted_edges=row.omitted_edges,
            omitted_frontier=row.omitted_frontier,
            node_budget=row.node_budget,
            edge_budget=row.edge_budget,
        )
