"""No import circle among the project's modules.

import-linter's ``acyclic_siblings`` contract (pyproject.toml) keeps the sibling packages
of each package acyclic, but it looks at packages as units and not at imports of a
package's own ``__init__``. This test asks the same graph (grimp, import-linter's own
library) the plainer question: does any set of modules import each other in a circle?
Imports under ``if TYPE_CHECKING:`` never run, so they are left out: two GraphQL types
that name each other (Entity.upstream -> Edge, Edge.to -> Entity) are a cycle of types,
which Strawberry resolves lazily, not a cycle of imports.
"""

from __future__ import annotations

import grimp

PACKAGES = ("shoulders", "schema", "ingest", "service")


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected sets of two or more modules (Tarjan's algorithm, iterative)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in order:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in order:
                    order[step] = low[step] = len(order)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], order[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def _describe(graph: grimp.ImportGraph, circle: list[str]) -> str:
    members = set(circle)
    arrows = [
        f"  {a} -> {b}"
        for a in circle
        for b in sorted(graph.find_modules_directly_imported_by(a))
        if b in members
    ]
    return "\n".join([f"{len(circle)} modules import each other in a circle:", *arrows])


def test_no_import_circle_among_our_modules() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    circles = import_circles(graph)
    assert not circles, "\n".join(_describe(graph, c) for c in circles)


def test_the_check_sees_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.d", imported="p.a")
    assert import_circles(graph) == [["p.a", "p.b", "p.c"]]
