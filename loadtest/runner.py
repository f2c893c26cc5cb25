"""Concurrent clients against one API URL, bounded in time and in requests."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from loadtest.mix import MIX, Query

MAX_REQUESTS_PER_CLIENT = 100_000  # a second bound, besides the duration


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    expected_errors: Counter[str] = field(default_factory=Counter)  # by code
    unintended: Counter[str] = field(default_factory=Counter)  # by what went wrong

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    # ceil, not round(x + 0.5): round() goes to even, so p95 of 100 values took the 96th.
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def _judge(query: Query, response: httpx.Response, result: LoadResult) -> None:
    result.statuses[response.status_code] += 1
    if response.status_code >= 500:
        result.unintended[f"HTTP {response.status_code}"] += 1
        return
    try:
        body = response.json()
    except ValueError:
        result.unintended["not JSON"] += 1
        return
    for error in body.get("errors") or []:
        code = str((error.get("extensions") or {}).get("code"))
        if code in query.expected_codes:
            result.expected_errors[code] += 1
        else:
            result.unintended[f"{query.name}: {code}"] += 1
    if query.expected_codes and not body.get("errors"):
        result.unintended[f"{query.name}: no error"] += 1


async def _client(
    http: httpx.AsyncClient,
    mix: Sequence[Query],
    offset: int,
    deadline: float,
    result: LoadResult,
) -> None:
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        query = mix[(offset + n) % len(mix)]
        started = time.perf_counter()
        try:
            response = await http.post(
                "/graphql", json={"query": query.text, "variables": query.variables}
            )
        except httpx.HTTPError as exc:
            result.unintended[f"transport: {type(exc).__name__}"] += 1
            continue
        result.latencies[query.name].append(time.perf_counter() - started)
        _judge(query, response, result)


async def _run(url: str, clients: int, seconds: float, mix: Sequence[Query]) -> LoadResult:
    result = LoadResult(clients, seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    # Clients start spread over the mix, so a long mix is not walked by all of them in step.
    stride = max(1, len(mix) // clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(http, mix, i * stride, deadline, result) for i in range(clients))
        )
    return result


def run_load(
    url: str, clients: int = 8, seconds: float = 10.0, mix: Sequence[Query] = MIX
) -> LoadResult:
    """``clients`` concurrent clients for ``seconds`` against the API at ``url`` (loopback),
    each sending ``mix`` in turn from its own starting point."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"the load test only targets loopback addresses, not {url}")
    if not (1 <= clients <= 256 and 0 < seconds <= 600):
        raise ValueError("clients must be 1..256 and seconds 0..600")
    if not mix:
        raise ValueError("the mix has no query")
    return asyncio.run(_run(url, clients, seconds, mix))
