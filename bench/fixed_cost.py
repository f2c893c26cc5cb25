"""``python -m bench.fixed_cost``: what one GraphQL request costs beyond its Cypher.

Bench B states the fixed cost as the median of HTTP minus raw; this splits it. Against
``shoulders serve`` in its own process and the environment's Neo4j, alternating, in one
run:

- the raw side's own floor: a read transaction of ``RETURN 1`` through the service's
  Reader (what every raw call pays too);
- ``{ __typename }`` over HTTP with three clients: httpx, aiohttp (Bench B's) and a bare
  keep-alive HTTP/1.1 exchange on a socket (the least any Python client can cost), so
  the client's share is visible;
- the API's own Python without sockets: the ASGI app called in this process, for
  ``{ __typename }`` and for Bench B's licenseCheck document, beside the raw
  ``check_licences`` call for the same model (a small answer: the GraphQL layer's share),
  and the same licenseCheck over HTTP (what loopback and the server's process add).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from bench.api_process import api_client, serving
from bench.querying import LICENCE_CHECK
from service.app import create_app
from service.licensing.answers import check_licences
from service.queries.reader import Reader, ReadTx
from shoulders.db import async_driver, driver
from shoulders.settings import Settings, load_settings

TYPENAME = json.dumps({"query": "{ __typename }"}).encode()
Probe = Callable[[], Awaitable[object]]


def _a_model(settings: Settings) -> str:
    """A fine-tuned model: its licence check walks a lineage (Bench B asks such models)."""
    with driver(settings) as d:
        records, _, _ = d.execute_query(
            "MATCH (m:Model)-[:FINETUNED_FROM]->(:Model) RETURN m.key AS key "
            "ORDER BY m.key LIMIT 1",
            database_=settings.neo4j_database,
        )
    if not records:
        raise SystemExit(
            "error: no fine-tuned model in the graph; load one first (python -m bench)"
        )
    return str(records[0]["key"])


class Socket:
    """A bare keep-alive HTTP/1.1 exchange: the least a Python client can cost."""

    def __init__(self, url: str) -> None:
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, body: bytes) -> object:
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        length = next(int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length"))
        return json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        self.writer.close()


async def _in_process(body: bytes, app: Any) -> object:
    """One POST /graphql through the ASGI app, no server, no socket."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    sent: list[MutableMapping[str, Any]] = []
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # a disconnect never comes
        return {}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return json.loads(sent[-1]["body"])


async def _measure(url: str, settings: Settings, key: str, n: int) -> dict[str, list[float]]:
    app = create_app(settings)
    startup: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    replies: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    lifespan = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, startup.get, replies.put)
    )
    await replies.get()
    raw_driver = async_driver(settings)
    reader = Reader(raw_driver, settings.neo4j_database)
    in_app = app.state.shoulders.require_reader()
    licence = json.dumps({"query": LICENCE_CHECK, "variables": {"key": key}}).encode()
    socket = Socket(url)
    await socket.open()
    headers = {"content-type": "application/json"}

    async def one(tx: ReadTx) -> object:
        return await tx.table("RETURN [1] AS rows")

    async with httpx.AsyncClient(base_url=url) as hx, api_client(url) as aio:

        async def aiohttp_post(body: bytes) -> object:
            async with aio.post("/graphql", data=body, headers=headers) as response:
                return json.loads(await response.read())

        async def httpx_post() -> object:
            return (await hx.post("/graphql", content=TYPENAME, headers=headers)).json()

        probes: dict[str, Probe] = {
            "raw: a read transaction of RETURN 1": lambda: reader.read(one),
            "HTTP { __typename }, httpx": httpx_post,
            "HTTP { __typename }, aiohttp (Bench B's client)": lambda: aiohttp_post(TYPENAME),
            "HTTP { __typename }, bare socket": lambda: socket.post(TYPENAME),
            "in process, no socket: { __typename }": lambda: _in_process(TYPENAME, app),
            "in process, no socket: licenseCheck": lambda: _in_process(licence, app),
            "HTTP licenseCheck, aiohttp (Bench B's client)": lambda: aiohttp_post(licence),
            "raw: check_licences, the same model": lambda: check_licences(in_app, key),
        }
        for probe in probes.values():  # warm: plans cached, connections open
            for _ in range(20):
                await probe()
        gc.collect()
        gc.freeze()
        times: dict[str, list[float]] = {name: [] for name in probes}
        for _ in range(n):
            for name, probe in probes.items():
                began = time.perf_counter()
                await probe()
                times[name].append((time.perf_counter() - began) * 1000)
    socket.close()
    await raw_driver.close()
    await startup.put({"type": "lifespan.shutdown"})
    await lifespan
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixed_cost", description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="rounds (each probe once a round)")
    parser.add_argument("--key", help="the model for licenseCheck (default: a fine-tuned one)")
    args = parser.parse_args(argv)
    settings = load_settings()
    key = args.key or _a_model(settings)
    with serving() as api:
        times = asyncio.run(_measure(api.url, settings, key, args.n))
    print(f"{args.n} rounds, probes alternating; licenseCheck of {key}\n")
    print("| probe | p50 ms | p95 ms |")
    print("|---|---|---|")
    for name, xs in times.items():
        xs.sort()
        p95 = xs[min(len(xs) - 1, int(len(xs) * 0.95))]
        print(f"| {name} | {statistics.median(xs):.2f} | {p95:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
