"""The ASGI app: GraphQL at /graphql, exports at /export/<format>/<key>, /healthz, /metrics.

One async Neo4j driver per process, opened and closed in the lifespan. CORS is off
unless SHOULDERS_CORS_ORIGINS lists origins; GraphiQL follows SHOULDERS_GRAPHIQL, and
when that is unset, SHOULDERS_ENV (off in production). Requests the GraphQL view refuses
(bad JSON, wrong content type, ...) answer JSON errors with a code, as every other error.
"""

from __future__ import annotations

import gc
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import orjson
from cross_web import HTTPException
from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from service import browser, errors, limits
from service.context import Context, make_context
from service.export.route import export_response
from service.metrics import Metrics
from service.middleware import RequestGuard
from service.queries.reader import Reader
from service.schema import schema
from service.types.convert import to_entity
from shoulders.db import async_driver
from shoulders.settings import Settings, load_settings

log = logging.getLogger("service")


class AppState:
    """What the lifespan opens and the handlers use."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.reader: Reader | None = None

    def require_reader(self) -> Reader:
        if self.reader is None:
            raise RuntimeError("the app's lifespan has not started")
        return self.reader


class ShouldersGraphQL(GraphQL[Context, None]):
    def __init__(self, state: AppState, graphql_ide: bool) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphql_ide else None,
            allow_queries_via_get=False,
        )
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:  # Strawberry would answer plain text without a code
            response = request_error(exc.status_code, exc.reason)
        await response(scope, receive, send)

    def encode_json(self, data: object) -> bytes:
        # orjson: a large standsOn answer (hundreds of KiB) encodes in a tenth of the time
        # json.dumps takes. A value orjson refuses (an int past 64 bits) falls back.
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        # Strawberry turns only JSONDecodeError into a 400; these two were 500s.
        try:
            return json.loads(data)
        except RecursionError:  # 64 KiB of nested brackets
            raise json.JSONDecodeError("nested too deeply", "", 0) from None
        except UnicodeDecodeError as exc:  # bytes that are not UTF-8 (or 16/32)
            raise json.JSONDecodeError(f"not UTF-8: {exc.reason}", "", exc.start) from None

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        request_id = request.scope.get("state", {}).get("request_id") or uuid.uuid4().hex[:16]
        return make_context(self.state.require_reader(), str(request_id), to_entity)


def request_error(status: int, message: str) -> JSONResponse:
    code = {404: errors.NOT_FOUND, 405: errors.METHOD_NOT_ALLOWED}.get(status, errors.BAD_REQUEST)
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


def create_app(
    settings: Settings, driver_factory: Callable[[Settings], AsyncDriver] = async_driver
) -> Starlette:
    metrics = Metrics()
    state = AppState(settings, metrics)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = driver_factory(settings)
        state.reader = Reader(driver, settings.neo4j_database, on_query=metrics.cypher.inc)
        # What the process holds once started (modules, the schema, the driver) lives as
        # long as it does: frozen, the cyclic GC never walks it again. A full collection
        # during a large answer otherwise walks all of it too; on the 1M benchmark that
        # was the difference between an openness p95 of 179 and 124 ms over HTTP.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            state.reader = None
            await driver.close()

    async def healthz(request: Request) -> Response:
        try:
            await state.require_reader().ping()
        except Exception as exc:  # any failure means "not ready": say so, do not crash
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "neo4j": "up"})

    async def export_endpoint(request: Request) -> Response:
        return await export_response(request, state.require_reader())

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    middleware = [Middleware(RequestGuard, metrics=metrics, max_body=limits.MAX_BODY_BYTES)]
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "x-request-id"],
            )
        )
    app = Starlette(
        routes=[
            Route(
                "/graphql",
                ShouldersGraphQL(state, settings.graphiql_enabled),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz),
            Route("/metrics", metrics_endpoint),
            Route("/export/{format}/{key:path}", export_endpoint, methods=["GET"]),
            *browser.ROUTES,
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.shoulders = state
    return app


def app_from_environment() -> Starlette:
    """The app from the environment's settings: the factory each uvicorn worker calls."""
    return create_app(load_settings())
