"""The load test's results as text and as the Markdown section of docs/benchmarks.md."""

from __future__ import annotations

import os

from loadtest.figures import LoadFigures
from loadtest.runner import run_load
from loadtest.server import ensure_graph, served
from shoulders.settings import load_settings

#: What the mix asks, in words, for a page that shows the table.
MIX_IN_WORDS = (
    "`standsOn` (depth 5), `dependents`, `explain`, `search`, a lookup with its direct "
    "edges, and two requests that must fail (`maxDepth: 50`, an unknown id)"
)


def _ms(value: float) -> str:
    return f"{value:.1f}"


def table(figures: LoadFigures) -> str:
    lines = [
        "| query | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [(q.name, q) for q in figures.queries] + [("**all**", figures.overall)]
    for name, q in rows:
        lines.append(
            f"| {name} | {q.requests} | {_ms(q.p50)} | {_ms(q.p95)} | {_ms(q.p99)} | {_ms(q.max)} |"
        )
    return "\n".join(lines)


def summary(figures: LoadFigures) -> str:
    expected = ", ".join(f"{code} {n}" for code, n in figures.expected_errors.items())
    unintended = ", ".join(f"{what} {n}" for what, n in figures.unintended.items())
    statuses = ", ".join(f"{s}: {n}" for s, n in figures.statuses.items())
    rate = figures.requests / figures.seconds
    return (
        f"{figures.requests} requests in {figures.seconds:g} s ({rate:.0f}/s) from "
        f"{figures.clients} clients; HTTP statuses {statuses}; 5xx: {figures.server_errors}; "
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
            result = LoadFigures.of(run_load(local, clients, seconds))
        target = "`shoulders serve` (one uvicorn worker) started for the run"
    else:
        result = LoadFigures.of(run_load(url, clients, seconds))
        target = f"the API at {url}"
    return "\n".join(
        [
            "## Load test (loopback)",
            "",
            f"`python -m loadtest --clients {clients} --seconds {seconds:g}`: {clients} "
            f"concurrent clients for {seconds:g} s against {target}, over a graph of "
            f"{nodes} entities and {edges} edges, on {os.cpu_count()} CPU cores shared by "
            "the clients, the API and Neo4j. Each client sends the mix of `loadtest/mix.py` "
            f"in turn: {MIX_IN_WORDS}. Latency is per request, client side, in milliseconds.",
            "",
            table(result),
            "",
            summary(result),
            "",
        ]
    )
