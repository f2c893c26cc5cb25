"""``--format tree``: the walk as a terminal tree (rich), one branch per first-reaching
edge; other edges among the answer show as leaves pointing back ("see above")."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from service.queries.rows import EdgeRow, EntityRow, Lineage
from service.render.labels import edge_label


def _entity(entity: EntityRow) -> str:
    return f"[bold]{escape(entity.name)}[/bold] [dim]{escape(entity.key)}[/dim]"


def _edge(edge: EdgeRow) -> str:
    colour = "yellow" if edge.method.value == "inferred" else "green"
    return f"[{colour}]{escape(edge_label(edge))}[/{colour}]"


def build_tree(lineage: Lineage) -> Tree:
    entities = {n.entity.key: n.entity for n in lineage.nodes}
    children: dict[str, list[EdgeRow]] = defaultdict(list)
    tree_edges = set()
    for n in lineage.nodes:
        if n.via is not None:
            children[n.via.start].append(n.via)
            tree_edges.add(n.via.id)
    others: dict[str, list[EdgeRow]] = defaultdict(list)
    for e in lineage.edges:
        if e.id not in tree_edges and e.end in entities:
            others[e.start].append(e)

    root = Tree(_entity(lineage.root))

    def grow(branch: Tree, key: str) -> None:
        for edge in children.get(key, []):
            child = branch.add(f"{_edge(edge)} → {_entity(entities[edge.end])}")
            grow(child, edge.end)
        for edge in others.get(key, []):
            branch.add(f"{_edge(edge)} → [dim]{escape(edge.end)} (see its branch)[/dim]")

    grow(root, lineage.root.key)
    return root


def to_tree_text(lineage: Lineage, width: int = 160) -> str:
    out = io.StringIO()
    Console(width=width, file=out, color_system=None).print(build_tree(lineage))
    return out.getvalue()
