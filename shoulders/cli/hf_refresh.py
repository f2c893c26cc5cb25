"""``shoulders ingest --hf-refresh``: the daily refresh's command-line side (progress, summary)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from ingest.hub import watermark
from ingest.hub.refresh import RefreshRequest, RefreshStats, run_hf_refresh
from ingest.runs import ExitCode
from shoulders import logs
from shoulders.settings import Settings


def run(
    settings: Settings,
    replay: Path | None,
    since: str | None,
    readme_budget: int | None,
    sweep_max_share: float,
    force: bool,
    report_file: Path | None,
) -> ExitCode:
    if replay is not None and not replay.is_dir():
        typer.echo(f"error: --replay {replay}: not a folder", err=True)
        return ExitCode.USAGE
    try:
        start = watermark.parse(since) if since else None
    except ValueError:
        typer.echo(f"error: --since {since}: not a date (e.g. 2026-11-30)", err=True)
        return ExitCode.USAGE
    request = RefreshRequest(replay, start, readme_budget, sweep_max_share, force)
    logs.configure(settings)
    console = Console(stderr=True)
    mode = f"replaying {request.replay}" if request.replay else "live against the Hub"
    console.print(f"ingest --hf-refresh: models changed since the last walk, {mode}")
    status = console.status("listing", spinner="dots") if console.is_terminal else None
    if status is not None:
        status.start()

    def progress(stats: RefreshStats) -> None:
        if status is not None:
            status.update(f"refreshing: {stats.line()}")

    try:
        result = run_hf_refresh(settings, request, on_progress=progress)
    finally:
        if status is not None:
            status.stop()
    report = result.report
    if result.refused is not None:
        typer.echo(f"ingest --hf-refresh: not started: {result.refused}", err=True)
        return ExitCode.USAGE
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
        **result.stats.as_dict(),
        "failed": report.failed,
        "http_requests": report.http.get("total", 0),
        "rate_limit_waits_s": report.http.get("paced_seconds", 0.0),
        "progress": result.stats.line(),
        "sweep": report.sweep,
        "warnings": report.warnings[:5],
        "report": str(path),
    }
    typer.echo(json.dumps(summary))
    for failure in report.failures[:20]:
        typer.echo(f"  failed: {failure.key}: {failure.reason}", err=True)
    return report.exit_code()
