"""``shoulders lineage``: what an entity stands on, as a tree, Mermaid, Graphviz dot or JSON."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from service import ids, limits
from service.errors import ApiError
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.rows import Lineage
from service.queries.walk import Budget, stands_on
from service.render import FORMATS, render
from shoulders.db import async_driver
from shoulders.settings import Settings, load_settings_or_exit


def key_or_exit(id: str, depth: int) -> str:
    """The node key an id names, with a depth the API accepts; exit 2 on either."""
    try:
        key = ids.to_key(id, "id")
        limits.walk_depth(depth, "--depth")
    except ApiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    return key


async def fetch_lineage(
    settings: Settings, key: str, depth: int, flt: EdgeFilter, budget: Budget
) -> Lineage | None:
    """The same query the API's ``standsOn`` runs."""
    driver = async_driver(settings)
    try:
        return await stands_on(Reader(driver, settings.neo4j_database), key, depth, flt, budget)
    finally:
        await driver.close()


def lineage(
    id: Annotated[
        str, typer.Argument(help="hf:org/name, arxiv:ID, github:owner/repo, pypi:name or a key.")
    ],
    depth: Annotated[int, typer.Option("--depth", "-d", help="Levels to walk up (1-10).")] = 5,
    format: Annotated[
        str, typer.Option("--format", "-f", help="tree | mermaid | dot | json")
    ] = "tree",
    include_inferred: Annotated[
        bool, typer.Option(help="Follow edges read from prose or links.")
    ] = True,
) -> None:
    """Print what an entity stands on, as a tree, Mermaid, Graphviz dot or JSON."""
    if format not in FORMATS:
        typer.echo(f"error: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    settings = load_settings_or_exit()
    key = key_or_exit(id, depth)
    flt = EdgeFilter(include_inferred=include_inferred)
    budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
    try:
        found = asyncio.run(fetch_lineage(settings, key, depth, flt, budget))
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        typer.echo(f"error: Neo4j at {settings.neo4j_uri}: {exc}", err=True)
        raise typer.Exit(1) from None
    if found is None:
        typer.echo(f"error: no entity with key {key!r}", err=True)
        raise typer.Exit(1)
    sys.stdout.write(render(found, format))
    if found.truncation is not None:
        t = found.truncation
        typer.echo(
            f"truncated at depth {t.at_depth}: {t.reason} budget ran out "
            f"({t.omitted_nodes} entities and {t.omitted_edges} edges left out)",
            err=True,
        )
