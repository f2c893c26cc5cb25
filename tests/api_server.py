"""Serve the API app with uvicorn on a free loopback port, and a small JSON client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from service.app import AppState


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    app: Starlette
    url: str
    http: httpx.Client

    @property
    def state(self) -> AppState:
        state = self.app.state.shoulders
        assert isinstance(state, AppState)
        return state

    @property
    def queries(self) -> int:
        """Cypher queries the app sent to Neo4j so far."""
        return self.state.require_reader().queries

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert isinstance(body, dict)
        return body

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert not body.get("errors"), body.get("errors")
        data = body["data"]
        assert isinstance(data, dict)
        return data

    def error_codes(self, query: str, **variables: Any) -> list[str]:
        body = self.post(query, **variables)
        return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


@contextmanager
def serve(app: Starlette) -> Iterator[Served]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            yield Served(app, url, http)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
