"""``--format dot``: Graphviz text (``dot -Tsvg``)."""

from __future__ import annotations

from service.queries.rows import Lineage
from service.render.labels import sources


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(lineage: Lineage) -> str:
    lines = ["digraph lineage {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for n in lineage.nodes:
        label = f"{n.entity.name}\n{n.entity.label.value}"
        style = ", style=bold" if n.distance == 0 else ""
        lines.append(f"  {_quote(n.entity.key)} [label={_quote(label)}{style}];")
    for e in lineage.edges:
        style = "dashed" if e.method.value == "inferred" else "solid"
        label = f"{e.rel.value}\n{sources(e)}"
        lines.append(
            f"  {_quote(e.start)} -> {_quote(e.end)} [label={_quote(label)}, style={style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
