"""``shoulders licence-check`` and ``shoulders openness``: the licence answers on the command line.

``licence-check`` is meant as a CI gate for teams that ship fine-tunes: with
``--fail-on SEVERITY`` it exits 1 when any finding is at least that severe.
Exit codes: 0 passed, 1 a finding at or above ``--fail-on``, 2 usage error or no such
entity, 3 Neo4j unreachable.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from service import ids
from service.errors import ApiError
from service.licensing import render
from service.licensing.answers import DEFAULT_OPENNESS_DEPTH, assess_openness, check_licences
from service.licensing.check import Severity
from service.queries.reader import Reader
from shoulders.db import async_driver
from shoulders.settings import load_settings_or_exit

T = TypeVar("T")
FORMATS = ("text", "json")


def _key(id: str, format: str) -> str:
    if format not in FORMATS:
        typer.echo(f"error: --format must be one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    try:
        return ids.to_key(id, "id")
    except ApiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None


def _run(work: Callable[[Reader], Awaitable[T | None]], key: str) -> T:
    settings = load_settings_or_exit()

    async def go() -> T | None:
        driver = async_driver(settings)
        try:
            return await work(Reader(driver, settings.neo4j_database))
        finally:
            await driver.close()

    try:
        found = asyncio.run(go())
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        typer.echo(f"error: Neo4j at {settings.neo4j_uri}: {exc}", err=True)
        raise typer.Exit(3) from None
    if found is None:
        typer.echo(f"error: no entity with key {key!r}", err=True)
        raise typer.Exit(2)
    return found


def licence_check(
    id: Annotated[str, typer.Argument(help="hf:org/name or a key (hf:model:org/name).")],
    format: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    fail_on: Annotated[
        Severity | None,
        typer.Option("--fail-on", help="Exit 1 if any finding is at least this severe."),
    ] = None,
) -> None:
    """What the licences along a model's ancestry oblige its users to (exit code: a CI gate)."""
    key = _key(id, format)
    found = _run(lambda reader: check_licences(reader, key), key)
    sys.stdout.write(render.check_json(found) if format == "json" else render.check_text(found))
    worst = found.max_severity
    if fail_on is not None and worst is not None and worst.rank >= fail_on.rank:
        raise typer.Exit(1)


def openness(
    id: Annotated[str, typer.Argument(help="hf:org/name or a key (hf:model:org/name).")],
    format: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    depth: Annotated[
        int, typer.Option("--depth", "-d", help="Levels of the upstream closure (1-10).")
    ] = DEFAULT_OPENNESS_DEPTH,
) -> None:
    """How open each thing a model stood on is, summed up, with an MOF estimate."""
    key = _key(id, format)
    if not 1 <= depth <= 10:
        typer.echo("error: --depth must be within 1..10", err=True)
        raise typer.Exit(2)
    found = _run(lambda reader: assess_openness(reader, key, depth), key)
    sys.stdout.write(
        render.openness_json(found) if format == "json" else render.openness_text(found)
    )
