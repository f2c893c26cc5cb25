"""``shoulders serve``: the GraphQL API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from shoulders.settings import load_settings_or_exit


def serve(
    host: Annotated[str | None, typer.Option(help="Overrides SHOULDERS_API_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides SHOULDERS_API_PORT.")] = None,
) -> None:
    """Serve the GraphQL API (GraphiQL, /healthz, /metrics) with uvicorn."""
    import uvicorn

    from service.app import create_app

    settings = load_settings_or_exit()
    uvicorn.run(
        create_app(settings),
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )
