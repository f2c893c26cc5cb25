"""The queries the clients send, in turn: the API's main questions over the DeepSeek graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISTILL = "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    variables: dict[str, Any] = field(default_factory=dict)
    expected_codes: frozenset[str] = frozenset()  # errors this query asks for on purpose


MIX: tuple[Query, ...] = (
    Query(
        "standsOn depth 5",
        "query($k: String!) { standsOn(key: $k, maxDepth: 5) { truncated "
        "nodes { distance entity { key kind } } edges { fromKey relation toKey method "
        "evidence { source field revision } } } }",
        {"k": DISTILL},
    ),
    Query(
        "dependents",
        "query($k: String!) { dependents(key: $k, maxDepth: 3, first: 20) { totalCount "
        "edges { distance relations node { key } } } }",
        {"k": "hf:meta-llama/Llama-3.1-8B"},
    ),
    Query(
        "explain",
        "query($a: String!, $b: String!) { explain(from: $a, to: $b) { length "
        "chains { hops { fromKey relation toKey evidence { source field } } } } }",
        {"a": DISTILL, "b": "github:pytorch/pytorch"},
    ),
    Query(
        "search",
        "query($t: String!) { search(text: $t, first: 10) { totalCount edges { score node { key } } } }",
        {"t": "deepseek r1"},
    ),
    Query(
        "model + upstream",
        "query($id: String!) { model(id: $id) { key license upstream { relation to { key } } } }",
        {"id": "deepseek-ai/DeepSeek-R1"},
    ),
    Query(
        "over a limit",
        "query($k: String!) { standsOn(key: $k, maxDepth: 50) { truncated } }",
        {"k": DISTILL},
        frozenset({"LIMIT_EXCEEDED"}),
    ),
    Query(
        "unknown id",
        'query { model(id: "nobody/nothing-here") { key } }',
        expected_codes=frozenset({"NOT_FOUND"}),
    ),
)
