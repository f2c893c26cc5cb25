"""The ``shoulders`` command: run the local Neo4j, apply the schema, ingest, serve."""

from __future__ import annotations

from typing import Annotated

import typer

from shoulders import db, ingest_command, main_job
from shoulders.bulk_import import bulk_import
from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.schema import constraints
from shoulders.service import commands
from shoulders.settings import Settings, SettingsError, load_settings

app = typer.Typer(help="Shoulders: what did this model stand on?", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local Neo4j server under SHOULDERS_NEO4J_HOME.")
schema_app = typer.Typer(help="The graph schema: constraints and indexes.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")
app.command("serve")(commands.serve)
app.command("lineage")(commands.lineage)
app.command("ingest")(ingest_command.ingest)
app.command("up")(main_job.up)
app.command("bulk-import")(bulk_import)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _server() -> LocalNeo4j:
    return LocalNeo4j(settings_or_exit())


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Fetch the pinned Neo4j and Browser jars from Maven Central."""
    try:
        _server().install()
    except Neo4jServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("Neo4j installed")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start Neo4j (idempotent) and wait until Bolt answers RETURN 1."""
    server = _server()
    try:
        status = server.start()
    except Neo4jServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    s = server.settings
    typer.echo(f"Neo4j {status.detail}")
    typer.echo(f"  Bolt:    {s.neo4j_uri}")
    typer.echo(f"  Browser: http://127.0.0.1:{s.neo4j_http_port}/browser/")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop Neo4j cleanly (no-op when it is not running)."""
    try:
        _server().stop()
    except Neo4jServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("Neo4j stopped")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether Neo4j runs and answers; exit 0 only when Bolt answers."""
    try:
        status = _server().status()
    except Neo4jServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Neo4j {status.detail}")
    raise typer.Exit(0 if status.bolt_ready else 3)


@schema_app.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes that are missing (idempotent)."""
    s = settings_or_exit()
    with db.driver(s) as driver:
        created = constraints.apply(driver, s.neo4j_database)
    typer.echo(
        f"schema applied: {len(created)} created, {len(constraints.SCHEMA) - len(created)} present"
    )
    for name in created:
        typer.echo(f"  + {name}")


@schema_app.command("show")
def schema_show(
    cypher: Annotated[bool, typer.Option(help="Print the Cypher statements.")] = False,
) -> None:
    """List the constraints and indexes Shoulders defines."""
    for item in constraints.SCHEMA:
        typer.echo(item.cypher if cypher else f"{item.kind:10} {item.name}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
