"""``GET /export/<format>/<key>``: the exports over HTTP, beside GraphQL.

The same limits as the API (id length, ``depth`` 1..10, the walk's node and edge
budgets, the query timeout), errors as JSON with the API's codes, each format with its
standard's media type. The ETag is a digest of the lineage's revisions and assertions
(``ExportSource.etag``) and the format: a client that sends it back in
``If-None-Match`` gets 304 while nothing upstream changed, without a document built.
"""

from __future__ import annotations

import logging

from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service import errors, ids, limits
from service.errors import ApiError, BadUserInput, NotFound
from service.export import FORMATS, render
from service.export.source import export_source
from service.queries.filters import EdgeFilter
from service.queries.reader import Reader
from service.queries.walk import Budget

log = logging.getLogger("service")

#: Statuses for the client's errors; anything else is a 500 with a request id.
_STATUS = {errors.BAD_USER_INPUT: 400, errors.LIMIT_EXCEEDED: 400, errors.NOT_FOUND: 404}


def _error(exc: ApiError) -> JSONResponse:
    body = {"errors": [{"message": exc.message, "extensions": exc.extensions}]}
    return JSONResponse(body, status_code=_STATUS.get(exc.code, 500))


def _depth(request: Request) -> int:
    raw = request.query_params.get("depth", str(limits.DEFAULT_WALK_DEPTH))
    try:
        value = int(raw)
    except ValueError:
        raise BadUserInput(
            f"depth must be an integer, got {raw[:20]!r}", argument="depth"
        ) from None
    return limits.walk_depth(value, "depth")


def _inferred(request: Request) -> bool:
    raw = request.query_params.get("includeInferred", "true").lower()
    if raw not in ("true", "false"):
        raise BadUserInput("includeInferred must be true or false", argument="includeInferred")
    return raw == "true"


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


async def export_response(request: Request, reader: Reader) -> Response:
    fmt = str(request.path_params["format"])
    try:
        if fmt not in FORMATS:
            raise NotFound(
                f"unknown export format {fmt[:40]!r}; one of {', '.join(FORMATS)}",
                argument="format",
            )
        key = ids.to_key(str(request.path_params["key"]), "key")
        depth = _depth(request)
        flt = EdgeFilter(include_inferred=_inferred(request))
        budget = Budget(limits.NODE_BUDGET, limits.EDGE_BUDGET)
        source = await export_source(reader, key, depth, flt, budget)
        if source is None:
            raise NotFound(f"no entity with key {key!r}", key=key)
    except ApiError as exc:
        return _error(exc)
    except (ServiceUnavailable, Neo4jError) as exc:
        log.warning("export of %s failed: %s", request.url.path, exc)
        body = {
            "errors": [
                {"message": "the graph is not available", "extensions": {"code": "UNAVAILABLE"}}
            ]
        }
        return JSONResponse(body, status_code=503)
    etag = source.etag[:-1] + "-" + fmt + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if source.lineage.truncation is not None:
        headers["Shoulders-Truncated"] = source.lineage.truncation.reason
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    spec = FORMATS[fmt]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    headers["Content-Disposition"] = f'inline; filename="{safe}{spec.suffix}"'
    # Building a document of a few thousand entities is CPU work: off the event loop.
    document = await run_in_threadpool(render, source, fmt)
    return Response(document, media_type=spec.media_type, headers=headers)
