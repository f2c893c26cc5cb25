"""The load test (``loadtest/``) as a phase of the benchmark, against the graph it loaded.

The mix is loadtest's own, asked about the entities Bench B asks about, so the two
sections speak of the same models; the API runs in its own process as for Bench B.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.api_process import serving
from bench.config import BenchConfig
from bench.targets import Targets
from loadtest import LoadFigures, Query, run_load, standard_mix


@dataclass(frozen=True)
class LoadTestResults:
    figures: LoadFigures
    roots: int  # derived models the mix asks about
    dependents_of: str  # the base whose dependents it asks for
    api_rss_mib: float | None = None


def mix_about(targets: Targets) -> tuple[Query, ...]:
    """loadtest's seven questions about each root in turn (a base of middling fan-in for
    dependents: the largest takes seconds, and Bench B reports that one)."""
    return tuple(
        query
        for i, root in enumerate(targets.roots)
        for query in standard_mix(
            root,
            targets.mid_base,
            targets.explain_pairs[i],
            targets.search_texts[i],
            targets.root_ids[i],
        )
    )


def load_test(config: BenchConfig, targets: Targets) -> LoadTestResults:
    """``config.load_clients`` clients for ``config.load_seconds`` against a fresh API."""
    with serving() as api:
        result = run_load(api.url, config.load_clients, config.load_seconds, mix_about(targets))
        rss = api.peak_rss_mib()
    return LoadTestResults(LoadFigures.of(result), len(targets.roots), targets.mid_base, rss)
