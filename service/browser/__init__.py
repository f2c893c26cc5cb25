"""The Shoulders guide (``:play`` slides) and style (GRASS) for Neo4j Browser, served by the API.

Neo4j Browser runs them on connect (``browser.post_connect_cmd``, written by
``shoulders neo4j start`` and set in docker-compose.yml) and fetches them from the API,
which both setups run on port 8000. Browser fetches across origins, so these two answers,
static and public, allow any origin.
"""

from __future__ import annotations

from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shoulders.neo4j_server import BROWSER_GUIDE_PATH, BROWSER_STYLE_PATH

_FILES = {
    BROWSER_GUIDE_PATH: ("guide.html", "text/html; charset=utf-8"),
    BROWSER_STYLE_PATH: ("shoulders.grass", "text/plain; charset=utf-8"),
}


def asset(path: str) -> str:
    name, _ = _FILES[path]
    return (files("service.browser") / name).read_text(encoding="utf-8")


async def _serve(request: Request) -> Response:
    path = request.url.path
    _, media_type = _FILES[path]
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}
    return Response(asset(path), media_type=media_type, headers=headers)


ROUTES = [Route(path, _serve, methods=["GET"]) for path in _FILES]
