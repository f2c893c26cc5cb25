"""Text renderings of a ``standsOn`` answer for ``shoulders lineage``."""

from __future__ import annotations

from collections.abc import Callable

from service.queries.rows import Lineage
from service.render.dot import to_dot
from service.render.json_format import to_json
from service.render.mermaid import to_mermaid
from service.render.tree import to_tree_text

FORMATS: dict[str, Callable[[Lineage], str]] = {
    "tree": to_tree_text,
    "mermaid": to_mermaid,
    "dot": to_dot,
    "json": to_json,
}


def render(lineage: Lineage, fmt: str) -> str:
    return FORMATS[fmt](lineage)
