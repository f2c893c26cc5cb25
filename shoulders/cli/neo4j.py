"""``shoulders neo4j install|start|stop|status``: the local server under SHOULDERS_NEO4J_HOME."""

from __future__ import annotations

import typer

from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.settings import load_settings_or_exit

neo4j_app = typer.Typer(help="The local Neo4j server under SHOULDERS_NEO4J_HOME.")


def _server() -> LocalNeo4j:
    return LocalNeo4j(load_settings_or_exit())


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
