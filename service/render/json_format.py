"""``--format json``: the answer as plain JSON, in the API's field names."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from service.queries.rows import EdgeRow, Lineage


def edge_dict(edge: EdgeRow) -> dict[str, Any]:
    return {
        "from": edge.start,
        "to": edge.end,
        "relation": edge.rel.value,
        "method": edge.method.value,
        "confidence": edge.confidence,
        "evidence": [
            {
                "source": a.source,
                "url": a.url,
                "revision": a.revision,
                "fetchedAt": a.fetched_at,
                "method": a.method.value,
                "confidence": a.confidence,
                "field": a.field,
                "value": a.value,
                "detail": a.detail,
            }
            for a in edge.assertions
        ],
    }


def to_json(lineage: Lineage) -> str:
    data = {
        "root": lineage.root.key,
        "maxDepth": lineage.max_depth,
        "truncated": lineage.truncation is not None,
        "truncation": None if lineage.truncation is None else asdict(lineage.truncation),
        "nodes": [
            {
                "key": n.entity.key,
                "kind": n.entity.label.value,
                "name": n.entity.name,
                "status": n.entity.text("status"),
                "distance": n.distance,
                "via": None
                if n.via is None
                else {"from": n.via.start, "relation": n.via.rel.value, "to": n.via.end},
            }
            for n in lineage.nodes
        ],
        "edges": [edge_dict(e) for e in lineage.edges],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
