"""The ``shoulders`` command: the top floor. One module per command group; nothing imports it.

It may import anything of the project (``ingest``, ``service``, the ground floor); an
import-linter contract in pyproject.toml keeps every other module from importing it.
"""

from __future__ import annotations

import typer

from shoulders.cli.bulk_import import bulk_import
from shoulders.cli.diff import diff
from shoulders.cli.export import export
from shoulders.cli.ingest import ingest
from shoulders.cli.licence import licence_check, openness
from shoulders.cli.lineage import lineage
from shoulders.cli.neo4j import neo4j_app
from shoulders.cli.purge import purge
from shoulders.cli.schema import schema_app
from shoulders.cli.serve import serve
from shoulders.cli.up import up

app = typer.Typer(help="Shoulders: what did this model stand on?", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")
app.command("serve")(serve)
app.command("lineage")(lineage)
app.command("ingest")(ingest)
app.command("up")(up)
app.command("bulk-import")(bulk_import)
app.command("export")(export)
app.command("licence-check")(licence_check)
app.command("openness")(openness)
app.command("diff")(diff)
app.command("purge")(purge)


def main() -> None:
    app()
