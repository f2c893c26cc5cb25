"""``shoulders ingest --hf-all``: the listing bootstrap's command-line side (progress, summary)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from ingest.hub.bootstrap import HubRequest, run_hf_all
from ingest.hub.bulk_walk import run_hf_all_bulk
from ingest.hub.progress import Progress
from ingest.runs import ExitCode
from shoulders import logs
from shoulders.settings import Settings


def run(settings: Settings, request: HubRequest, report_file: Path | None) -> ExitCode:
    if request.replay is not None and not request.replay.is_dir():
        typer.echo(f"error: --replay {request.replay}: not a folder", err=True)
        return ExitCode.USAGE
    logs.configure(settings)
    console = Console(stderr=True)
    mode = f"replaying {request.replay}" if request.replay else "live against the Hub"
    into = "into an empty database by neo4j-admin import" if request.bulk else "through the loader"
    console.print(f"ingest --hf-all: the whole model listing, {mode}, {into}")
    status = console.status("listing", spinner="dots") if console.is_terminal else None
    if status is not None:
        status.start()

    def progress(p: Progress) -> None:
        if status is not None:
            status.update(f"listing: {p.line()}")

    try:
        walk = run_hf_all_bulk if request.bulk else run_hf_all
        result = walk(settings, request, on_progress=progress)
    finally:
        if status is not None:
            status.stop()
    report = result.report
    path = report.write(report_file.parent if report_file else settings.report_dir)
    if report_file is not None and path != report_file:
        path.replace(report_file)
        path = report_file
    if report.status == "busy":
        typer.echo(f"ingest: not started: {'; '.join(report.warnings)}", err=True)
        return ExitCode.BUSY
    p = result.progress
    summary = {
        "run_id": report.run_id,
        "status": report.status,
        "mode": report.mode,
        "resumed_at_page": result.resumed_at_page,
        "pages": p.run_pages,
        "models": p.run_models,
        "walk_pages": p.pages,
        "walk_models": p.models,
        "failed": report.failed,
        "http_requests": report.http.get("total", 0),
        "requests_per_model": p.requests_per_model,
        "rate_limit_waits_s": report.http.get("paced_seconds", 0.0),
        "progress": p.line(),
        "sweep": report.sweep,
        "import_s": result.walk.get("import_s"),  # --bulk: last page -> serving graph
        "warnings": report.warnings[:5],
        "report": str(path),
    }
    typer.echo(json.dumps(summary))
    for failure in report.failures[:20]:
        typer.echo(f"  failed: {failure.key}: {failure.reason}", err=True)
    return report.exit_code()
