"""The load test's summary figures: computed from a run, and back from JSON unchanged.

``python -m bench`` keeps these in results.json and renders its page from them later.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from loadtest.figures import LoadFigures
from loadtest.report import summary, table
from loadtest.runner import LoadResult


def _result() -> LoadResult:
    result = LoadResult(clients=2, seconds=4.0)
    result.latencies["search"].extend(i / 1000 for i in range(1, 101))  # 1..100 ms
    result.latencies["unknown id"].extend([0.002, 0.003])
    result.statuses.update({200: 101, 400: 1})
    result.expected_errors["NOT_FOUND"] += 2
    return result


def test_figures_summarise_a_run() -> None:
    figures = LoadFigures.of(_result())
    search = figures.queries[0]
    assert (search.name, search.requests, search.p50, search.p95, search.max) == (
        "search",
        100,
        50.0,
        95.0,
        100.0,
    )
    assert figures.requests == 102 and figures.server_errors == 0 and figures.clean


def test_figures_survive_a_json_round_trip() -> None:
    figures = LoadFigures.of(_result())
    figures.statuses[503] = 1
    again = LoadFigures.from_dict(json.loads(json.dumps(asdict(figures))))
    assert again == figures
    assert again.server_errors == 1 and not again.clean


def test_table_and_summary_render_the_figures() -> None:
    figures = LoadFigures.of(_result())
    assert "| search | 100 | 50.0 | 95.0 | 99.0 | 100.0 |" in table(figures)
    assert "| **all** | 102 |" in table(figures)
    line = summary(figures)
    assert "102 requests in 4 s" in line and "5xx: 0" in line
    assert "intended errors: NOT_FOUND 2" in line and "unintended errors: none" in line
