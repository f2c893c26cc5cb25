"""``shoulders bulk-import``: the first load of a large snapshot through ``neo4j-admin``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ingest.bulk.admin_import import BulkImportError, bootstrap, holds_entities
from ingest.bulk.snapshot import read_snapshot
from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.settings import load_settings_or_exit


def bulk_import(
    snapshot: Annotated[
        list[Path],
        typer.Argument(help="Record snapshot files (JSON lines, see ingest/bulk/snapshot.py)"),
    ],
    force: Annotated[
        bool, typer.Option(help="Replace a database that already holds entities")
    ] = False,
) -> None:
    """First load of a large snapshot: neo4j-admin import into the local Neo4j, then the schema."""
    server = LocalNeo4j(load_settings_or_exit())
    try:
        if not force and holds_entities(server):
            typer.echo("error: the database holds entities; --force replaces it", err=True)
            raise typer.Exit(2)
        server.stop()
        with tempfile.TemporaryDirectory(prefix="shoulders-import-") as tmp:
            result = bootstrap(server, read_snapshot(snapshot), Path(tmp))
    except (BulkImportError, Neo4jServerError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"imported {result.nodes} nodes and {result.relationships} relationships in "
        f"{result.total_seconds:.0f}s (CSV {result.csv_seconds:.0f}s, import "
        f"{result.import_seconds:.0f}s, start {result.start_seconds:.0f}s, schema "
        f"{result.schema_seconds:.0f}s)"
    )
