"""``shoulders bulk-import``: the first load of a large snapshot through ``neo4j-admin``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ingest.bulk.admin_import import BulkImportError, bootstrap, holds_entities, write_csv
from ingest.bulk.csv_files import ImportFiles
from ingest.bulk.snapshot import read_snapshot
from ingest.hub.parquet import DumpError, DumpStats, columns, write_dump_csv
from ingest.runs import new_run_id
from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.settings import load_settings_or_exit


def bulk_import(
    snapshot: Annotated[
        list[Path] | None,
        typer.Argument(help="Record snapshot files (JSON lines, see ingest/bulk/snapshot.py)"),
    ] = None,
    hf_parquet: Annotated[
        Path | None,
        typer.Option(
            "--hf-parquet",
            help="A Parquet dump of Hub model metadata (the hub-stats models table): "
            "every row's declared lineage, through the seed crawl's mapper",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace a database that already holds entities")
    ] = False,
) -> None:
    """First load of a large snapshot: neo4j-admin import into the local Neo4j, then the schema."""
    if bool(snapshot) == (hf_parquet is not None):
        typer.echo("error: give snapshot files or --hf-parquet FILE (one of the two)", err=True)
        raise typer.Exit(2)
    settings = load_settings_or_exit()
    server = LocalNeo4j(settings)
    stats = DumpStats()
    write: Callable[[Path], ImportFiles]
    if hf_parquet is not None:
        dump = hf_parquet
        try:
            columns(dump)  # before the server stops: a wrong file changes nothing
        except DumpError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        run_id, site = new_run_id(), settings.hf_endpoint
        workers = settings.bulk_workers

        def write(folder: Path) -> ImportFiles:
            return write_dump_csv(dump, folder, run_id, site, stats, workers)

    else:
        batches = read_snapshot(snapshot or [])

        def write(folder: Path) -> ImportFiles:
            return write_csv(batches, folder)

    try:
        if not force and holds_entities(server):
            typer.echo("error: the database holds entities; --force replaces it", err=True)
            raise typer.Exit(2)
        server.stop()
        with tempfile.TemporaryDirectory(prefix="shoulders-import-") as tmp:
            result = bootstrap(server, write, Path(tmp))
    except (BulkImportError, Neo4jServerError, DumpError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if hf_parquet is not None:
        peaks = " + ".join(f"{mib:.0f}" for mib in stats.peak_rss_mib)
        typer.echo(
            f"{hf_parquet}: {stats.rows} rows, {stats.mapped} models, {stats.failed} failed; "
            f"mapped by {stats.workers} process{'es' if stats.workers > 1 else ''}, "
            f"peak RSS {sum(stats.peak_rss_mib):.0f} MiB ({peaks})"
        )
        for reason in stats.failures[:20]:
            typer.echo(f"  failed: {reason}", err=True)
    typer.echo(
        f"imported {result.nodes} nodes and {result.relationships} relationships in "
        f"{result.total_seconds:.0f}s (CSV {result.csv_seconds:.0f}s, import "
        f"{result.import_seconds:.0f}s, start {result.start_seconds:.0f}s, schema "
        f"{result.schema_seconds:.0f}s)"
    )
