"""A canonical dump of the graph: the same facts give the same text, whatever the run.

Used to prove that re-runs change nothing and that a crashed run, re-run, equals a
clean one. Run bookkeeping (run ids, fetch times) and operational nodes are left
out; everything a source asserted stays in.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import Driver

from schema.vocabulary import ENTITY, RETRACTED

VOLATILE = frozenset(
    {
        "fetched_at", "run_id", "fetched_run", "failed_run", "stale_run", "assertion",
        "first_seen", "last_seen", "stale_at", "retracted_at", "retracted_run",
    }
)  # fmt: skip


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in sorted(props) if k not in VOLATILE}


def canonical_dump(driver: Driver, database: str, *, live: bool = False) -> list[str]:
    """One sorted JSON line per node and per relationship.

    ``live``: the graph as it stands, without the retraction history (``RETRACTED`` edges,
    and references only they still name): what a fresh load of today's upstream gives.
    """
    history = f"type(r) = '{RETRACTED}'"
    only_named_by_history = (
        f"n.status = 'referenced' AND NOT EXISTS {{ (n)-[r]-() WHERE NOT {history} }}"
    )
    nodes, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) "
        + (f"WHERE NOT ({only_named_by_history}) " if live else "")
        + "RETURN labels(n) AS labels, properties(n) AS props",
        database_=database,
    )
    rels, _, _ = driver.execute_query(
        f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) "
        + (f"WHERE NOT {history} " if live else "")
        + "RETURN a.key AS start, type(r) AS type, b.key AS end, properties(r) AS props",
        database_=database,
    )
    lines = [
        json.dumps(["node", sorted(r["labels"]), _clean(r["props"])], sort_keys=True, default=str)
        for r in nodes
    ]
    lines += [
        json.dumps(
            ["rel", r["start"], r["type"], r["end"], _clean(r["props"])],
            sort_keys=True,
            default=str,
        )
        for r in rels
    ]
    return sorted(lines)
