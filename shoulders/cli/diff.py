"""``shoulders diff``: lineage added, retracted and changed since a date, with evidence."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from service import ids, limits, moments
from service.errors import ApiError
from service.queries.changes import Changes, changes
from service.queries.reader import Reader
from service.render.changes import FORMATS
from shoulders.db import async_driver
from shoulders.settings import Settings, load_settings_or_exit

#: Seconds the diff's read may take: without --key it reads every live edge (no index on
#: first_seen yet), which on a Hub-scale graph is past the API's 15 s; cron can wait.
DIFF_TIMEOUT_SECONDS = 600.0


async def fetch_changes(settings: Settings, since: str, key: str | None, limit: int) -> Changes:
    """The same query the API's ``changes`` runs, with a longer timeout."""
    driver = async_driver(settings)
    try:
        reader = Reader(driver, settings.neo4j_database, timeout=DIFF_TIMEOUT_SECONDS)
        return await changes(reader, since, key, limit)
    finally:
        await driver.close()


def diff(
    since: Annotated[
        str, typer.Option("--since", help="ISO-8601 date or date-time (UTC unless it says).")
    ],
    key: Annotated[
        str | None, typer.Option("--key", "-k", help="Only the assertions this entity makes.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    limit: Annotated[
        int, typer.Option(help=f"Assertions read per side, at most {limits.CHANGES_LIMIT}.")
    ] = limits.DEFAULT_CHANGES,
) -> None:
    """Print the lineage added, retracted and changed since a date, with evidence."""
    if format not in FORMATS:
        typer.echo(f"error: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    try:
        when = moments.parse(since, "--since")
        start = None if key is None else ids.to_key(key, "--key")
        size = limits.budget(limit, limits.CHANGES_LIMIT, "--limit")
    except ApiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    settings = load_settings_or_exit()
    try:
        found = asyncio.run(fetch_changes(settings, when, start, size))
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        typer.echo(f"error: Neo4j at {settings.neo4j_uri}: {exc}", err=True)
        raise typer.Exit(1) from None
    sys.stdout.write(FORMATS[format](found))
