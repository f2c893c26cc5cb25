"""The load test's results as text and as the Markdown section of docs/benchmarks.md."""

from __future__ import annotations

import os

from loadtest.runner import LoadResult, percentile, run_load
from loadtest.server import ensure_graph, served
from shoulders.settings import load_settings


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.1f}"


def table(result: LoadResult) -> str:
    lines = [
        "| query | requests | p50 ms | p90 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [*sorted(result.latencies.items()), ("**all**", result.all_latencies())]
    for name, values in rows:
        lines.append(
            f"| {name} | {len(values)} | {_ms(values, 50)} | {_ms(values, 90)} | "
            f"{_ms(values, 99)} | {_ms(values, 100)} |"
        )
    return "\n".join(lines)


def summary(result: LoadResult) -> str:
    expected = ", ".join(f"{code} {n}" for code, n in sorted(result.expected_errors.items()))
    unintended = ", ".join(f"{what} {n}" for what, n in sorted(result.unintended.items()))
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
    rate = result.requests / result.seconds
    return (
        f"{result.requests} requests in {result.seconds:g} s ({rate:.0f}/s) from "
        f"{result.clients} clients; HTTP statuses {statuses}; 5xx: {result.server_errors}; "
        f"intended errors: {expected or 'none'}; unintended errors: {unintended or 'none'}"
    )


def markdown_section(clients: int = 8, seconds: float = 10.0, url: str | None = None) -> str:
    """Run the load test and return a Markdown section (heading level 2).

    Without ``url`` it starts ``shoulders serve`` on a free loopback port against the Neo4j
    the settings name, loading the bundled recordings first if that graph is empty.
    """
    settings = load_settings()
    nodes, edges = ensure_graph(settings)
    if url is None:
        with served() as local:
            result = run_load(local, clients, seconds)
        target = "`shoulders serve` (one uvicorn worker) started for the run"
    else:
        result = run_load(url, clients, seconds)
        target = f"the API at {url}"
    return "\n".join(
        [
            "## Load test (loopback)",
            "",
            f"`python -m loadtest --clients {clients} --seconds {seconds:g}`: {clients} "
            f"concurrent clients for {seconds:g} s against {target}, over a graph of "
            f"{nodes} entities and {edges} edges, on {os.cpu_count()} CPU cores shared by "
            "the clients, the API and Neo4j. Each client sends the mix of `loadtest/mix.py` "
            "in turn: `standsOn` (depth 5), `dependents`, `explain`, `search`, a lookup with "
            "its direct edges, and two requests that must fail (`maxDepth: 50`, an unknown "
            "id). Latency is per request, client side, in milliseconds.",
            "",
            table(result),
            "",
            summary(result),
            "",
        ]
    )
