"""The queries the clients send, in turn: the API's main questions.

``standard_mix`` builds the mix about any entities, so the same questions can be asked of
another graph (``python -m bench`` asks them of its synthetic one); ``MIX`` asks them of
the DeepSeek graph the bundled recordings load.
"""

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


def standard_mix(
    lineage_of: str,
    dependents_of: str,
    explain_pair: tuple[str, str],
    search_text: str,
    model_id: str,
) -> tuple[Query, ...]:
    """The seven questions, about the given keys (``model_id`` is a Hub id, not a key)."""
    return (
        Query(
            "standsOn depth 5",
            "query($k: String!) { standsOn(key: $k, maxDepth: 5) { truncated "
            "nodes { distance entity { key kind } } edges { fromKey relation toKey method "
            "evidence { source field revision } } } }",
            {"k": lineage_of},
        ),
        Query(
            "dependents",
            "query($k: String!) { dependents(key: $k, maxDepth: 3, first: 20) { totalCount "
            "edges { distance relations node { key } } } }",
            {"k": dependents_of},
        ),
        Query(
            "explain",
            "query($a: String!, $b: String!) { explain(from: $a, to: $b) { length "
            "chains { hops { fromKey relation toKey evidence { source field } } } } }",
            {"a": explain_pair[0], "b": explain_pair[1]},
        ),
        Query(
            "search",
            "query($t: String!) { search(text: $t, first: 10) { totalCount "
            "edges { score node { key } } } }",
            {"t": search_text},
        ),
        Query(
            "model + upstream",
            "query($id: String!) { model(id: $id) { key license upstream { relation to { key } } } }",
            {"id": model_id},
        ),
        Query(
            "over a limit",
            "query($k: String!) { standsOn(key: $k, maxDepth: 50) { truncated } }",
            {"k": lineage_of},
            frozenset({"LIMIT_EXCEEDED"}),
        ),
        Query(
            "unknown id",
            'query { model(id: "nobody/nothing-here") { key } }',
            expected_codes=frozenset({"NOT_FOUND"}),
        ),
    )


MIX: tuple[Query, ...] = standard_mix(
    DISTILL,
    "hf:meta-llama/Llama-3.1-8B",
    (DISTILL, "github:pytorch/pytorch"),
    "deepseek r1",
    "deepseek-ai/DeepSeek-R1",
)
