"""Which edges a walk follows, and the Cypher fragments that say so.

Relationship types are interpolated only from ``Rel`` members; kinds, methods and the
confidence floor are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schema.vocabulary import RETRACTED, Label, Method, Rel

ALL_RELATIONS: frozenset[Rel] = frozenset(Rel)


def rel_types(relations: Iterable[Rel]) -> str:
    """``FINETUNED_FROM|DEPENDS_ON`` for a relationship pattern; only enum names get in."""
    names = sorted(Rel(r).value for r in relations)
    if not names:
        raise ValueError("at least one relation is needed")
    return "|".join(names)


@dataclass(frozen=True)
class EdgeFilter:
    """Edges a walk may take. Filters apply per assertion: an edge stays when any of its
    current assertions passes, and keeps only the assertions that pass."""

    relations: frozenset[Rel] = ALL_RELATIONS
    kinds: frozenset[Label] | None = None  # kinds the walk may step onto (None: any)
    include_inferred: bool = True
    min_confidence: float = 0.0
    # ISO-8601 UTC (as stored): edges as the graph stood then, retracted ones included.
    as_of: str | None = None

    @property
    def types(self) -> str:
        """The relationship pattern's types: with ``as_of``, retracted history as well."""
        live = rel_types(self.relations)
        return live if self.as_of is None else f"{live}|{RETRACTED}"

    @property
    def rel(self) -> str:
        """The relation an edge ``r`` stands for (a retracted one keeps it in ``r.rel``)."""
        return "type(r)" if self.as_of is None else "coalesce(r.rel, type(r))"

    @property
    def methods(self) -> list[str]:
        if self.include_inferred:
            return [Method.DECLARED.value, Method.INFERRED.value]
        return [Method.DECLARED.value]

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "methods": self.methods,
            "min_confidence": self.min_confidence,
            "kinds": None if self.kinds is None else sorted(k.value for k in self.kinds),
        }
        if self.as_of is not None:
            params["as_of"] = self.as_of
            params["as_of_rels"] = sorted(Rel(r).value for r in self.relations)
        return params

    @property
    def where(self) -> str:
        """The predicate on ``r`` (the relationship) and ``b`` (the far node) for a MATCH.

        Clauses that cannot drop an edge under this filter are left out: every stored
        method is declared or inferred and every confidence is within 0..1 (the records
        enforce both), so the default filter is only ``r.stale_run IS NULL``. On a base
        model with 40 000 dependents the left-out clauses cost 100 ms per walk level.
        """
        return (
            self.edge_where if self.kinds is None else f"{self.edge_where} AND {self.kind_of('b')}"
        )

    @property
    def edge_where(self) -> str:
        """The part of ``where`` about the relationship ``r`` alone."""
        parts = ["r.stale_run IS NULL"] if self.as_of is None else [AS_OF]
        if not self.include_inferred:
            parts.append("coalesce(r.method, 'declared') IN $methods")
        if self.min_confidence > 0.0:
            parts.append("coalesce(r.confidence, 1.0) >= $min_confidence")
        return " AND ".join(parts)

    def kind_of(self, node: str) -> str:
        """The part of ``where`` about the far node, for a node named ``node``."""
        if self.kinds is None:
            return "true"
        return f"any(l IN labels({node}) WHERE l IN $kinds)"


#: An edge ``r`` as of ``$as_of``: seen by then and not yet retracted. A live edge marked
#: stale (sweep pending) still counts: it was current until the sweep says otherwise.
#: ISO-8601 UTC strings of one format compare in time order.
AS_OF = (
    "coalesce(r.first_seen, r.fetched_at) <= $as_of "
    "AND (r.retracted_at IS NULL OR r.retracted_at > $as_of) "
    "AND coalesce(r.rel, type(r)) IN $as_of_rels"
)

#: Every current edge, whatever its relation, method or confidence.
ANY_EDGE = EdgeFilter()
