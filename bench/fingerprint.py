"""A cheap proof that two databases hold the same graph: counts, and a sample compared whole.

Dumping 13M relationships to compare them would cost more than loading them, so the
fingerprint counts nodes per label set and relationships per type over everything,
and compares a fixed sample of entities property by property, with every outgoing
relationship and its properties.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import Driver

from bench.shape import Kind
from bench.synth import Synth
from schema.vocabulary import ENTITY, Rel


def sample_keys(synth: Synth, per_kind: int = 60) -> list[str]:
    keys: list[str] = []
    for kind in Kind:
        count = synth.shape.count(kind)
        step = max(1, count // per_kind)
        keys.extend(synth.key(kind, i) for i in range(0, count, step))
    return keys


def fingerprint(driver: Driver, database: str, keys: list[str]) -> dict[str, Any]:
    labels, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) WITH labels(n) AS l RETURN l, count(*) AS c", database_=database
    )
    types: dict[str, int] = {}
    for rel in Rel:
        # One count-store lookup per type, whatever the size of the graph.
        found, _, _ = driver.execute_query(
            f"MATCH ()-[r:{rel.value}]->() RETURN count(r) AS c", database_=database
        )
        types[rel.value] = int(found[0]["c"])
    sample, _, _ = driver.execute_query(
        f"UNWIND $keys AS k MATCH (n:{ENTITY} {{key: k}}) "
        "OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN k AS key, properties(n) AS props, "
        "collect([type(r), m.key, properties(r)]) AS out",
        keys=keys,
        database_=database,
    )
    entities = {
        r["key"]: {
            "props": r["props"],
            "out": sorted(json.dumps(o, sort_keys=True) for o in r["out"] if o[0] is not None),
        }
        for r in sample
    }
    return {
        "labels": sorted([sorted(r["l"]), int(r["c"])] for r in labels),
        "types": types,
        "sample": entities,
    }


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints (empty: the same graph, as far as it looks)."""
    found = [part for part in ("labels", "types") if a[part] != b[part]]
    for key in sorted(set(a["sample"]) | set(b["sample"])):
        if a["sample"].get(key) != b["sample"].get(key):
            found.append(key)
    return found
