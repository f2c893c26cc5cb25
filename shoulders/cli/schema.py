"""``shoulders schema apply|show``: the graph's constraints and indexes."""

from __future__ import annotations

from typing import Annotated

import typer

from schema import constraints
from shoulders import db
from shoulders.settings import load_settings_or_exit

schema_app = typer.Typer(help="The graph schema: constraints and indexes.")


@schema_app.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes that are missing (idempotent)."""
    s = load_settings_or_exit()
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
