"""Everything one run measured, handed from the orchestrator to the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.config import BenchConfig
from bench.crawling import CrawlResult
from bench.loading import LoadTiming
from bench.loadtesting import LoadTestResults
from bench.machine import Machine
from bench.querying import CaseResult, Load
from bench.shape import Shape


@dataclass
class LoadingResults:
    sample_entities: int = 0
    sample: list[LoadTiming] = field(default_factory=list)  # naive first
    sample_same_graph: bool | None = None  # naive and Loader wrote equal canonical dumps
    full: LoadTiming | None = None
    full_rss_mib: float | None = None
    graph_nodes: int = 0
    graph_relationships: int = 0
    relationships_by_type: dict[str, int] = field(default_factory=dict)
    bulk: dict[str, Any] = field(default_factory=dict)
    bulk_differences: list[str] | None = None  # None: not compared (quick mode)


@dataclass
class QueryResults:
    cases: list[CaseResult] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    api_rss_mib: float | None = None
    top_base: str = ""
    top_base_fan_in: int = 0
    roots: int = 0
    median_chain: float = 0.0


@dataclass
class CrawlResults:
    models: int = 0
    lab_models: int = 0
    datasets: int = 0
    pages: int = 0
    runs: list[CrawlResult] = field(default_factory=list)


@dataclass
class Results:
    config: BenchConfig
    machine: Machine
    shape: Shape
    started: str
    command: str
    neo4j: str = ""  # heap and page cache of the server measured
    seconds: float = 0.0
    load_average: list[tuple[str, float]] = field(default_factory=list)  # (phase, 1-min load)
    loading: LoadingResults = field(default_factory=LoadingResults)
    queries: QueryResults = field(default_factory=QueryResults)
    crawling: CrawlResults = field(default_factory=CrawlResults)
    load_test: LoadTestResults | None = None  # None: a run from before the load test phase
    orchestrator_rss_mib: float | None = None
    # ``python -m bench --requery``: Bench B and the load test measured again, on the graph
    # this run loaded; when, by which command, and how long it took.
    requeried: str = ""
    requery_command: str = ""
    requery_seconds: float = 0.0
