"""``shoulders serve``: the GraphQL API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from shoulders.settings import load_settings_or_exit


def serve(
    host: Annotated[str | None, typer.Option(help="Overrides SHOULDERS_API_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides SHOULDERS_API_PORT.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Overrides SHOULDERS_API_WORKERS.")
    ] = None,
) -> None:
    """Serve the GraphQL API (GraphiQL, /healthz, /metrics) with uvicorn."""
    import uvicorn

    from service.app import create_app

    settings = load_settings_or_exit()
    processes = workers or settings.api_workers
    # More than one worker: separate processes, each imports the app factory itself.
    uvicorn.run(
        create_app(settings) if processes == 1 else "service.app:app_from_environment",
        factory=processes > 1,
        workers=processes,
        # A worker builds the schema before it answers uvicorn's health check; on a busy
        # machine that takes longer than the 5 s default, and uvicorn restarts it forever.
        timeout_worker_healthcheck=60,
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )
