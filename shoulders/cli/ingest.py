"""``shoulders ingest``: crawl upstream from seeds into the graph, cron-safe."""

from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ingest.crawl import Limits
from ingest.hub.bootstrap import EXPECTED_MODELS, HubRequest
from ingest.job import IngestRequest, run_ingest
from ingest.runs import ExitCode, RunReport
from schema import keys
from shoulders import logs
from shoulders.cli.hf_all import run as run_hf_all
from shoulders.cli.hf_refresh import run as run_hf_refresh
from shoulders.settings import BUNDLED_RECORDINGS, HfReadme, Settings, load_settings_or_exit

_AGE = re.compile(r"^(\d+)([smhd])$")

#: ``--replay bundled`` names the recordings shipped inside the package, wherever it is
#: installed (``--replay ./bundled`` is a folder of that name).
BUNDLED = "bundled"
REPLAY_HELP = "Crawl a recording folder instead of the network ('bundled': the packaged recordings)"


def replay_folder(value: str | None) -> Path | None:
    """The folder ``--replay`` names: a path, or the packaged recordings for ``bundled``."""
    if value is None:
        return None
    return BUNDLED_RECORDINGS if value == BUNDLED else Path(value)


def parse_age(text: str | None) -> timedelta | None:
    if not text:
        return None
    m = _AGE.match(text.strip())
    if not m:
        raise typer.BadParameter("use a number and a unit, e.g. 90m, 12h, 7d")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
    return timedelta(**{unit: int(m.group(1))})


def run(
    settings: Settings,
    seeds: list[str],
    hf_authors: list[str],
    limits: Limits,
    replay: Path | None,
    force: bool,
    sweep_max_share: float,
    sources: list[str],
    report_file: Path | None,
    hf_readme: HfReadme | None = None,
) -> ExitCode:
    try:
        seed_keys = [keys.parse_seed(s) for s in seeds]
    except keys.KeyError_ as exc:
        typer.echo(f"error: {exc}", err=True)
        return ExitCode.USAGE
    if not seed_keys and not hf_authors:
        typer.echo("error: give at least one --seed or --hf-author", err=True)
        return ExitCode.USAGE
    if replay is not None and not replay.is_dir():
        typer.echo(f"error: --replay {replay}: not a folder", err=True)
        return ExitCode.USAGE
    if hf_readme is not None:
        settings = settings.model_copy(update={"hf_readme": hf_readme})
    logs.configure(settings)
    console = Console(stderr=True)
    request = IngestRequest(
        seeds=seed_keys,
        hf_authors=hf_authors,
        limits=limits,
        replay=replay,
        sweep_max_share=sweep_max_share,
        force=force,
        sources=frozenset(sources) if sources else None,
    )
    mode = f"replaying recordings from {replay}" if replay else "live against the real APIs"
    console.print(f"ingest: {mode}; HF READMEs: {settings.hf_readme}", soft_wrap=True)
    status = console.status("crawling", spinner="dots") if console.is_terminal else None
    if status is not None:
        status.start()

    def progress(report: RunReport, seen: int) -> None:
        if status is not None:
            status.update(
                f"crawling: {report.fetched} fetched, {report.skipped_unchanged} unchanged, "
                f"{report.failed} failed, {seen} entities seen"
            )

    try:
        report = run_ingest(settings, request, on_progress=progress)
    finally:
        if status is not None:
            status.stop()
    path = report.write(report_file.parent if report_file else settings.report_dir)
    if report_file is not None and path != report_file:
        path.replace(report_file)
        path = report_file
    if report.status == "busy":
        typer.echo(f"ingest: not started: {'; '.join(report.warnings)}", err=True)
        return ExitCode.BUSY
    summary = {
        "run_id": report.run_id,
        "status": report.status,
        "mode": report.mode,
        "fetched": report.fetched,
        "skipped_unchanged": report.skipped_unchanged,
        "failed": report.failed,
        "http_requests": report.http.get("total", 0),
        "per_source": report.per_source,
        "sweep": report.sweep,
        "report": str(path),
    }
    typer.echo(json.dumps(summary))
    for failure in report.failures[:20]:
        typer.echo(f"  failed: {failure.key}: {failure.reason}", err=True)
    misses = [w for w in report.warnings if w.startswith("no recording for ")]
    if misses:
        # Each is in the report; a batch the recordings hold only per item is one of these.
        typer.echo(
            f"ingest: {len(misses)} requests had no recording and were answered 404 "
            f"(listed in {path})",
            err=True,
        )
    return report.exit_code()


def ingest(
    seed: Annotated[
        list[str], typer.Option("--seed", help="hf:org/name, arxiv:ID, github:o/r, pypi:name")
    ] = [],  # noqa: B006
    hf_author: Annotated[
        list[str], typer.Option("--hf-author", help="Every model of this Hub author")
    ] = [],  # noqa: B006
    depth: Annotated[int, typer.Option(min=0, max=50, help="Hops of model lineage")] = 4,
    paper_depth: Annotated[int, typer.Option(min=0, max=10, help="Hops of citations")] = 2,
    code_depth: Annotated[
        int, typer.Option(min=0, max=10, help="Hops through repositories and packages")
    ] = 2,
    max_age: Annotated[
        str | None, typer.Option(help="Refetch unchanged entities older than this (e.g. 7d)")
    ] = None,
    replay: Annotated[str | None, typer.Option(help=REPLAY_HELP)] = None,
    force: Annotated[
        bool, typer.Option(help="Let the sweep delete more than --sweep-max-share")
    ] = False,
    sweep_max_share: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.05,
    source: Annotated[
        list[str], typer.Option("--source", help="Only these sources (default: all)")
    ] = [],  # noqa: B006
    report: Annotated[Path | None, typer.Option(help="Write the JSON run report here")] = None,
    hf_readme: Annotated[
        HfReadme | None,
        typer.Option(
            help="Read model READMEs always, or only when the metadata declares no base "
            "(default: SHOULDERS_HF_README)",
        ),
    ] = None,
    hf_all: Annotated[
        bool,
        typer.Option(
            "--hf-all",
            help="Bootstrap the whole Hub's declared lineage from the model listing "
            "(resumes an unfinished walk; see docs/operations.md)",
        ),
    ] = False,
    hf_expected: Annotated[
        int, typer.Option(min=1, help="--hf-all: models the listing should hold (for the ETA)")
    ] = EXPECTED_MODELS,
    max_pages: Annotated[
        int | None,
        typer.Option(min=1, help="--hf-all: stop after this many pages (the next run resumes)"),
    ] = None,
    hf_refresh: Annotated[
        bool,
        typer.Option(
            "--hf-refresh",
            help="The daily refresh: models changed since the last --hf-all or --hf-refresh "
            "(the listing sorted by lastModified, down to the watermark; see docs/operations.md)",
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="--hf-refresh: start from this date (ISO 8601) instead of the watermark"),
    ] = None,
    readme_budget: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="--hf-refresh: README requests at most (default: "
            "SHOULDERS_HF_REFRESH_README_BUDGET)",
        ),
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="--hf-all into an empty database: map pages to CSV, one neo4j-admin import "
            "at the end (Neo4j is stopped for it; resumes from its spool under SHOULDERS_HOME)",
        ),
    ] = False,
) -> None:
    """Crawl what the seeds stand on into the graph (exit 0 ok, 3 partial, 1 failed, 4 busy)."""
    settings = load_settings_or_exit()
    if hf_all and hf_refresh:
        typer.echo("error: give --hf-all or --hf-refresh, not both", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    if hf_refresh:
        if seed or hf_author:
            typer.echo(
                "error: --hf-refresh reads the listing; give no --seed or --hf-author", err=True
            )
            raise typer.Exit(int(ExitCode.USAGE))
        folder = replay_folder(replay)
        code = run_hf_refresh(
            settings, folder, since, readme_budget, sweep_max_share, force, report
        )
        sys.stdout.flush()
        raise typer.Exit(int(code))
    if hf_all:
        if seed or hf_author:
            typer.echo("error: --hf-all lists every model; give no --seed or --hf-author", err=True)
            raise typer.Exit(int(ExitCode.USAGE))
        request = HubRequest(
            replay_folder(replay), hf_expected, max_pages, sweep_max_share, force, bulk
        )
        code = run_hf_all(settings, request, report)
        sys.stdout.flush()
        raise typer.Exit(int(code))
    if bulk:
        typer.echo("error: --bulk goes with --hf-all", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    limits = Limits(depth, paper_depth, code_depth, parse_age(max_age))
    folder = replay_folder(replay)
    code = run(
        settings, seed, hf_author, limits, folder, force, sweep_max_share, source, report, hf_readme
    )
    sys.stdout.flush()
    raise typer.Exit(int(code))
