"""``shoulders export``: one entity's lineage as CycloneDX, SPDX 3 or W3C PROV."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from service import limits
from service.export import FORMATS, render
from service.export.source import ExportSource, export_source
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.walk import Budget
from shoulders.cli.lineage import key_or_exit
from shoulders.db import async_driver
from shoulders.settings import Settings, load_settings_or_exit


async def fetch_source(
    settings: Settings, key: str, depth: int, flt: EdgeFilter
) -> ExportSource | None:
    """The same read the API's ``/export`` route makes."""
    driver = async_driver(settings)
    try:
        reader = Reader(driver, settings.neo4j_database)
        budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
        return await export_source(reader, key, depth, flt, budget)
    finally:
        await driver.close()


def export(
    id: Annotated[
        str, typer.Argument(help="hf:org/name, arxiv:ID, github:owner/repo, pypi:name or a key.")
    ],
    format: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))] = "cyclonedx",
    depth: Annotated[
        int, typer.Option("--depth", "-d", help="Levels to walk up (1-10).")
    ] = limits.DEFAULT_WALK_DEPTH,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    include_inferred: Annotated[
        bool, typer.Option(help="Follow edges read from prose or links.")
    ] = True,
) -> None:
    """Export what an entity stands on as CycloneDX (1.6, 1.7), SPDX 3.0.1 or W3C PROV."""
    if format not in FORMATS:
        typer.echo(f"error: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    settings = load_settings_or_exit()
    key = key_or_exit(id, depth)
    flt = EdgeFilter(include_inferred=include_inferred)
    try:
        found = asyncio.run(fetch_source(settings, key, depth, flt))
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        typer.echo(f"error: Neo4j at {settings.neo4j_uri}: {exc}", err=True)
        raise typer.Exit(1) from None
    if found is None:
        typer.echo(f"error: no entity with key {key!r}", err=True)
        raise typer.Exit(1)
    text = render(found, format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output} ({FORMATS[format].media_type})", err=True)
    if found.lineage.truncation is not None:
        t = found.lineage.truncation
        typer.echo(
            f"truncated at depth {t.at_depth}: {t.reason} budget ran out "
            f"({t.omitted_nodes} entities and {t.omitted_edges} edges left out)",
            err=True,
        )
