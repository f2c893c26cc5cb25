"""A run's figures as JSON (``results.json`` beside the page) and back.

``python -m bench --render results.json`` writes the page again from recorded figures,
so a change to the page's wording never needs the hour-long run again; the figures
themselves only come from a run.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.config import BenchConfig
from bench.crawling import CrawlResult
from bench.loading import LoadTiming
from bench.loadtesting import LoadTestResults
from bench.machine import Machine
from bench.querying import CaseResult, Load
from bench.results import CrawlResults, LoadingResults, QueryResults, Results
from bench.shape import Shape
from bench.stats import Summary
from loadtest import LoadFigures


def save(results: Results, path: Path) -> Path:
    path.write_text(json.dumps(asdict(results), indent=1, default=str))
    return path


def _config(data: dict[str, Any]) -> BenchConfig:
    return BenchConfig(**{**data, "workdir": Path(data["workdir"]), "out": Path(data["out"])})


def _loading(data: dict[str, Any]) -> LoadingResults:
    full = data.get("full")
    return LoadingResults(
        **{
            **data,
            "sample": [LoadTiming(**t) for t in data.get("sample", [])],
            "full": LoadTiming(**full) if full else None,
        }
    )


def _queries(data: dict[str, Any]) -> QueryResults:
    return QueryResults(
        **{
            **data,
            "cases": [CaseResult(**c) for c in data.get("cases", [])],
            "loads": [
                Load(**{**ld, "latency": Summary(**ld["latency"])}) for ld in data.get("loads", [])
            ],
        }
    )


def _crawling(data: dict[str, Any]) -> CrawlResults:
    return CrawlResults(**{**data, "runs": [CrawlResult(**r) for r in data.get("runs", [])]})


def _load_test(data: dict[str, Any] | None) -> LoadTestResults | None:
    if data is None:  # a run from before the load test was a phase of the benchmark
        return None
    return LoadTestResults(**{**data, "figures": LoadFigures.from_dict(data["figures"])})


def load(path: Path) -> Results:
    data = json.loads(path.read_text())
    return Results(
        **{
            **data,
            "config": _config(data["config"]),
            "machine": Machine(**data["machine"]),
            "shape": Shape(**data["shape"]),
            "load_average": [(phase, load) for phase, load in data.get("load_average", [])],
            "loading": _loading(data["loading"]),
            "queries": _queries(data["queries"]),
            "crawling": _crawling(data["crawling"]),
            "load_test": _load_test(data.get("load_test")),
        }
    )
