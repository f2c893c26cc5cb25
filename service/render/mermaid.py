"""``--format mermaid``: a flowchart to paste into Markdown."""

from __future__ import annotations

from service.queries.rows import Lineage
from service.render.labels import sources


def _text(value: str) -> str:
    # Mermaid labels in quotes: quotes and angle brackets as entities.
    return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(lineage: Lineage) -> str:
    ids = {n.entity.key: f"n{i}" for i, n in enumerate(lineage.nodes)}
    lines = ["flowchart LR"]
    for n in lineage.nodes:
        label = f"{_text(n.entity.name)}<br/>{n.entity.label.value}"
        lines.append(f'    {ids[n.entity.key]}["{label}"]')
    for e in lineage.edges:
        if e.start not in ids or e.end not in ids:
            continue
        arrow = "-.->" if e.method.value == "inferred" else "-->"
        label = _text(f"{e.rel.value} ({sources(e)})")
        lines.append(f'    {ids[e.start]} {arrow}|"{label}"| {ids[e.end]}')
    return "\n".join(lines) + "\n"
