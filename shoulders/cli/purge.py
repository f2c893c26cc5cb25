"""``shoulders purge``: delete old retractions (the history ``asOf`` and ``diff`` read)."""

from __future__ import annotations

from typing import Annotated

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from ingest.purge import MIN_AGE_DAYS, PurgeRefused
from ingest.purge import purge as purge_retractions
from service import moments
from service.errors import ApiError
from shoulders import db
from shoulders.settings import load_settings_or_exit


def purge(
    retracted_before: Annotated[
        str,
        typer.Option(
            "--retracted-before", help="ISO-8601 date or date-time: purge retractions before it."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Delete; without it, only count.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help=f"Allow a date within the last {MIN_AGE_DAYS} days.")
    ] = False,
) -> None:
    """Delete retracted assertions retracted before a date (a dry run unless --yes)."""
    try:
        before = moments.parse(retracted_before, "--retracted-before")
    except ApiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    settings = load_settings_or_exit()
    try:
        with db.driver(settings) as driver:
            result = purge_retractions(
                driver, settings.neo4j_database, before, apply=yes, force=force
            )
    except PurgeRefused as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        typer.echo(f"error: Neo4j at {settings.neo4j_uri}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(result.describe())
