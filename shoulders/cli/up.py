"""``shoulders up``: the main job end to end.

Start Neo4j, apply the schema, crawl the DeepSeek neighbourhood (live when the Hub
answers, otherwise from the bundled recordings, and it says which), then serve the
API over the graph it built.
"""

from __future__ import annotations

from typing import Annotated

import httpx
import typer

from ingest.crawl import Limits
from ingest.sources.registry import SOURCES
from schema import constraints
from shoulders import db
from shoulders.cli.ingest import REPLAY_HELP, replay_folder
from shoulders.cli.ingest import run as run_ingest_command
from shoulders.cli.serve import serve as serve_api
from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.settings import Settings, load_settings_or_exit

#: What the main job crawls: the DeepSeek models and what they stand on.
DEEPSEEK_SEEDS = [
    "hf:deepseek-ai/DeepSeek-R1",
    "hf:deepseek-ai/DeepSeek-R1-Zero",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
    "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
    "hf:deepseek-ai/DeepSeek-V3",
    "hf:deepseek-ai/DeepSeek-V3.2-Exp",
    "hf:Qwen/Qwen2.5-7B-Instruct",
    "hf:Qwen/Qwen2.5-1.5B-Instruct",
    "hf:Qwen/Qwen2.5-3B-Instruct",
    "hf:meta-llama/Llama-3.1-8B-Instruct",
    "hf:meta-llama/Meta-Llama-3-8B",
]
CODE_SEEDS = ["github:deepseek-ai/DeepSeek-V3"]


def hub_reachable(settings: Settings, timeout: float = 5.0) -> bool:
    """Does the Hub answer? One cheap request; any answer at all counts."""
    try:
        httpx.head(
            f"{settings.hf_endpoint.rstrip('/')}/api/models/deepseek-ai/DeepSeek-R1",
            timeout=timeout,
        )
    except httpx.HTTPError:
        return False
    return True


def seeds() -> list[str]:
    return DEEPSEEK_SEEDS + (CODE_SEEDS if "github" in SOURCES else [])


def up(
    serve: Annotated[bool, typer.Option(help="Serve the API when the ingest is done.")] = True,
    replay: Annotated[str | None, typer.Option(help=REPLAY_HELP + ", without probing")] = None,
    depth: Annotated[int, typer.Option(min=0, max=50)] = 4,
) -> None:
    """Run the main job: Neo4j up, schema applied, the DeepSeek ingest, the API serving."""
    settings = load_settings_or_exit()
    folder = replay_folder(replay)
    server = LocalNeo4j(settings)
    local = settings.bolt_host in ("127.0.0.1", "localhost")
    if local:
        typer.echo("1/4 starting Neo4j ...")
        try:
            server.start()
        except Neo4jServerError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    else:
        typer.echo(f"1/4 using the Neo4j at {settings.neo4j_uri}")
    with db.driver(settings) as driver:
        created = constraints.apply(driver, settings.neo4j_database)
    typer.echo(f"2/4 schema applied ({len(created)} created)")

    if folder is None and not hub_reachable(settings):
        folder = settings.recordings
        typer.echo(
            f"3/4 ingest: {settings.hf_endpoint} is not reachable -> OFFLINE, replaying the bundled recordings ({folder})"
        )
    elif folder is None:
        typer.echo(f"3/4 ingest: LIVE against {settings.hf_endpoint} and the other real APIs")
    else:
        typer.echo(f"3/4 ingest: replaying {folder}")
    code = run_ingest_command(
        settings,
        seeds(),
        ["deepseek-ai"],
        # Citations fan out, but the DeepSeek papers reach LLaMA in four hops.
        Limits(depth=depth, paper_depth=4, code_depth=2),
        folder,
        force=False,
        sweep_max_share=0.05,
        sources=[],
        report_file=None,
    )
    typer.echo(f"    ingest finished with exit code {int(code)} (0 ok, 3 partial)")
    if int(code) == 3 and folder is not None:
        typer.echo(
            "    partial: entities the cards link to but the recordings do not hold are in the graph "
            "as unresolved nodes, with the reason (see the report)"
        )
    if int(code) not in (0, 3):
        raise typer.Exit(int(code))

    api = f"http://{settings.api_host}:{settings.api_port}/graphql"
    typer.echo("4/4 ready:")
    typer.echo(
        f"    Neo4j Browser: http://127.0.0.1:{settings.neo4j_http_port}/browser/ (user {settings.neo4j_user})"
    )
    typer.echo(f"    GraphQL API:   {api}")
    typer.echo("    try: shoulders lineage hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    if serve:
        serve_api(host=None, port=None)
