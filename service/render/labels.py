"""Short words shared by the renderings."""

from __future__ import annotations

from service.queries.rows import EdgeRow


def sources(edge: EdgeRow) -> str:
    return ",".join(sorted({a.source for a in edge.assertions if a.source})) or "?"


def edge_label(edge: EdgeRow) -> str:
    """``FINETUNED_FROM, inferred, hf``"""
    return f"{edge.rel.value}, {edge.method.value}, {sources(edge)}"
