"""What one benchmark run measures, and how much of it: the full run and the quick one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "docs" / "benchmarks.md"
DEFAULT_WORKDIR = REPO_ROOT / "artifacts" / "bench"


@dataclass(frozen=True)
class BenchConfig:
    quick: bool
    entities: int  # the graph loaded, imported and queried
    seed: int = 1
    sample_entities: int = 400  # the naive-vs-Loader sample (the naive loader is slow)
    loader_batch: int = 500  # entities per transaction for the full load (the best measured)
    crawler_batch: int = 50  # entities per transaction as the crawler writes (ingest_batch)
    roots: int = 60  # distinct entities each lineage query is asked about
    repeats: int = 2  # times each (query, root) pair is timed on each path
    warm_every_call: bool = True  # one untimed call per (query, root) before timing
    concurrency: int = 8
    concurrency_seconds: float = 30.0
    load_clients: int = 8  # the load test (loadtest/) after Bench B
    load_seconds: float = 60.0
    crawl_models: int = 3000  # models in the generated Hub neighbourhood (Bench C)
    crawl_seeds: int = 10  # leaf models the deep seed crawl starts from
    bulk_serve: bool = True  # start the imported graph and build its schema (timed)
    workdir: Path = DEFAULT_WORKDIR
    out: Path = DEFAULT_OUT

    @classmethod
    def full(cls, entities: int = 1_000_000) -> BenchConfig:
        return cls(quick=False, entities=entities)

    @classmethod
    def quick_run(cls) -> BenchConfig:
        """Small enough for CI (about a minute), every section still measured."""
        return cls(
            quick=True,
            entities=10_000,
            sample_entities=50,
            roots=6,
            repeats=1,
            warm_every_call=False,
            concurrency_seconds=4.0,
            load_seconds=5.0,
            crawl_models=150,
            crawl_seeds=4,
            bulk_serve=False,
        )

    def with_paths(self, workdir: Path | None, out: Path | None) -> BenchConfig:
        return replace(self, workdir=workdir or self.workdir, out=out or self.out)
