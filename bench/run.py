"""The whole benchmark, phase by phase; ``python -m bench`` calls ``run`` and writes the page.

Order matters for honesty and for time: the crawl benchmark and the loader samples run
on a nearly empty database, then the full graph is loaded once through the Loader,
queried and put under the load test, and last the same graph is imported in bulk beside
it and compared.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import database, results_io
from bench.api_process import api_client, serving
from bench.config import REPO_ROOT, BenchConfig
from bench.crawling import CrawlResult
from bench.fingerprint import differences, fingerprint, sample_keys
from bench.hub_fixture import LAB, write_fixture
from bench.loading import LoadTiming, load_batched, load_naive
from bench.loadtesting import LoadTestResults, load_test
from bench.machine import load_average, machine
from bench.memory import peak_rss_mib
from bench.querying import (
    DEPENDENTS_BY_RELATION_CASE,
    DEPENDENTS_COUNTED_CASE,
    LICENCE_CHECK_CASE,
    LINEAGE_ONLY,
    OPENNESS_CASE,
    Call,
    Load,
    Measurer,
    dependents_call,
    explain_call,
    export_call,
    licence_check_call,
    openness_call,
    search_call,
    stands_on_call,
)
from bench.results import CrawlResults, LoadingResults, QueryResults, Results
from bench.shape import Shape
from bench.synth import Synth
from bench.targets import Targets, choose
from shoulders import db
from shoulders.db import async_driver
from shoulders.settings import Settings, load_settings
from tests.support.dump import canonical_dump

#: Graphs up to this many records are compared whole (canonical dumps).
DUMP_LIMIT = 400_000
#: What a run has measured so far, rewritten at every step (in the workdir).
PARTIAL = "results.partial.json"


class Progress:
    """Announces each step, and saves what the run has measured so far as the step begins:
    a run that fails an hour in still leaves the figures of every step before."""

    def __init__(self, results: Results) -> None:
        self.results = results
        self.began = time.perf_counter()
        self.partial = results.config.workdir / PARTIAL

    def __call__(self, phase: str) -> None:
        elapsed = time.perf_counter() - self.began
        self.results.load_average.append((phase, load_average()))
        results_io.save(self.results, self.partial)
        print(f"[bench {elapsed:7.0f}s] {phase}", file=sys.stderr, flush=True)


def worker(*args: str, timeout: float = 4 * 3600) -> dict[str, Any]:
    """Run ``python -m bench.worker`` and return its JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.worker {args[0]} failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


# --- Bench C ------------------------------------------------------------------------------
def crawl_phase(config: BenchConfig, settings: Settings, step: Progress) -> CrawlResults:
    root = config.workdir / "hub"
    shutil.rmtree(root, ignore_errors=True)
    fixture = write_fixture(root, config.crawl_models, config.seed, config.crawl_seeds)
    out = CrawlResults(
        len(fixture.models), fixture.lab_models, len(fixture.datasets), fixture.pages
    )
    lab_file = config.workdir / "lab-models.txt"
    lab_file.write_text(
        "".join(f"hf:{m.repo_id}\n" for m in fixture.models if m.repo_id.startswith(LAB + "/"))
    )
    reports = config.workdir / "crawl-reports"
    common = ["--recordings", str(root), "--workdir", str(reports)]
    deep = [arg for s in fixture.deep_seeds for arg in ("--seed", s)]

    def crawl(*args: str) -> CrawlResult:
        result = CrawlResult(**worker("crawl", *common, *args))
        out.runs.append(result)
        return result

    database.reset(settings)
    step(f"Bench C: org-wide crawl of {fixture.lab_models} models (--hf-author {LAB})")
    crawl("--name", f"org-wide: --hf-author {LAB}", "--author", LAB)
    step("Bench C: the same org-wide crawl again, nothing changed upstream")
    crawl("--name", "org-wide again, nothing changed", "--author", LAB)
    database.reset(settings)
    step("Bench C: org-wide crawl, READMEs only where the metadata declares no base")
    readme = ("--hf-readme", "unexplained")
    crawl("--name", f"org-wide: --hf-author {LAB} {' '.join(readme)}", "--author", LAB, *readme)
    out.runs.insert(1, out.runs.pop())  # beside the default's first crawl in the table
    step("Bench C: naive org-wide crawl")
    lab_seeds = [arg for line in lab_file.read_text().split() for arg in ("--seed", line)]
    crawl("--name", "naive: org-wide, one request per entity", "--naive", *lab_seeds)
    database.reset(settings)
    step(f"Bench C: deep seed crawl from {len(fixture.deep_seeds)} seeds, depth 8")
    crawl(
        "--name",
        f"deep seed crawl: {len(fixture.deep_seeds)} seeds, depth 8",
        "--depth",
        "8",
        *deep,
    )
    crawl("--name", "naive: deep seed crawl", "--naive", "--depth", "8", *deep)
    database.reset(settings)
    shutil.rmtree(reports, ignore_errors=True)
    return out


# --- Bench A --------------------------------------------------------------------------------
def _dump(settings: Settings) -> list[str]:
    with db.driver(settings) as driver:
        return canonical_dump(driver, settings.neo4j_database)


def sample_phase(
    config: BenchConfig, settings: Settings, synth: Synth, step: Progress
) -> LoadingResults:
    out = LoadingResults()
    every = max(1, config.entities // config.sample_entities)
    name = settings.neo4j_database
    with db.driver(settings) as driver:
        step("Bench A: warm-up load (JIT, page cache), not measured")
        load_batched(driver, name, synth.batches(config.loader_batch, every * 3), "warm-up")
        database.reset(settings)
        step(f"Bench A: naive loader, one record per transaction, 1 entity in {every}")
        naive = load_naive(driver, name, synth.batches(config.crawler_batch, every))
        small = naive.records <= DUMP_LIMIT
        naive_dump = _dump(settings) if small else []
        database.reset(settings)
        runs: list[LoadTiming] = [naive]
        for per in (config.crawler_batch, config.loader_batch):
            step(f"Bench A: Loader on the same sample, {per} entities per transaction")
            runs.append(load_batched(driver, name, synth.batches(per, every), f"Loader, {per}/tx"))
            if small and per == config.crawler_batch:
                out.sample_same_graph = _dump(settings) == naive_dump
            database.reset(settings)
    out.sample_entities = sum(1 for n, _ in enumerate(synth.entities()) if n % every == 0)
    out.sample = runs
    return out


def full_load_phase(
    config: BenchConfig, settings: Settings, out: LoadingResults, step: Progress
) -> None:
    step(f"Bench A: full load of {config.entities} entities through the Loader")
    result = worker(
        "load", "--entities", str(config.entities), "--seed", str(config.seed),
        "--batch", str(config.loader_batch),
    )  # fmt: skip
    out.full_rss_mib = result.pop("peak_rss_mib")
    out.full = LoadTiming(**result)
    with db.driver(settings) as driver:
        counts = database.counts(driver, settings.neo4j_database)
        found = fingerprint(driver, settings.neo4j_database, [])
    out.graph_nodes, out.graph_relationships = counts.nodes, counts.relationships
    out.relationships_by_type = {k: v for k, v in found["types"].items() if v}


def bulk_phase(
    config: BenchConfig, settings: Settings, synth: Synth, out: LoadingResults, step: Progress
) -> None:
    step("Bench A: bulk import (neo4j-admin) of the same graph into a scratch home")
    print_file = config.workdir / "bulk-fingerprint.json"
    args = [
        "bulk", "--entities", str(config.entities), "--seed", str(config.seed),
        "--home", str(config.workdir / "bulk-neo4j"), "--csv", str(config.workdir / "bulk-csv"),
        "--heap", "1g" if config.quick else "2g", "--pagecache", "1g" if config.quick else "2g",
        "--fingerprint", str(print_file),
    ]  # fmt: skip
    if config.bulk_serve:
        args.append("--serve")
    out.bulk = worker(*args)
    if config.bulk_serve:
        imported = json.loads(print_file.read_text())
        with db.driver(settings) as driver:
            loaded = fingerprint(driver, settings.neo4j_database, sample_keys(synth))
        out.bulk_differences = differences(json.loads(json.dumps(loaded, default=str)), imported)


# --- Bench B --------------------------------------------------------------------------------
def _mix(targets: Targets) -> list[Call]:
    """What the concurrent clients ask, in turn."""
    mix: list[Call] = []
    for i, root in enumerate(targets.roots):
        mix += [
            stands_on_call(root, 8, LINEAGE_ONLY),
            stands_on_call(root, 2, None),
            explain_call(*targets.explain_pairs[i]),
            search_call(targets.search_texts[i]),
            dependents_call(targets.mid_base),
        ]
    return mix


async def _queries(
    config: BenchConfig,
    settings: Settings,
    url: str,
    targets: Targets,
    step: Progress,
    out: QueryResults,
) -> None:
    """Each case is added to ``out`` as it ends, so a failure keeps those before it."""
    # The API freezes what it holds once started, so the cyclic GC never walks it again
    # (service/app.py); the raw side, this process, does the same: both pay the same GC.
    gc.collect()
    gc.freeze()
    driver = async_driver(settings)
    try:
        async with api_client(url) as http:
            m = Measurer(driver, settings.neo4j_database, http, config.warm_every_call)
            for relations, label in (
                (LINEAGE_ONLY, "model lineage"),
                (None, "all relations (the default)"),
            ):
                for depth in (2, 4, 8):
                    step(f"Bench B: standsOn, {label}, depth {depth}")
                    target = "p95 < 50 ms" if depth == 8 else ""
                    calls = [stands_on_call(k, depth, relations) for k in targets.roots]
                    out.cases.append(
                        await m.case(
                            f"standsOn, {label}, depth {depth}", target, calls, config.repeats
                        )
                    )
            step("Bench B: export, CycloneDX 1.6, depth 8")
            calls = [export_call(k, 8) for k in targets.roots]
            out.cases.append(
                await m.case("export, CycloneDX 1.6, depth 8", "p95 < 1 s", calls, config.repeats)
            )
            step("Bench B: dependents, first page, largest fan-in")
            times = 3 if config.quick else 10
            calls = [dependents_call(targets.top_base)] * times
            out.cases.append(
                await m.case("dependents, first page, the largest fan-in", "p95 < 100 ms", calls, 1)
            )
            calls = [dependents_call(targets.top_base, counts=True)] * times
            out.cases.append(await m.case(DEPENDENTS_COUNTED_CASE, "p95 < 500 ms", calls, 1))
            calls = [dependents_call(targets.top_base, by_relation=True)] * times
            out.cases.append(await m.case(DEPENDENTS_BY_RELATION_CASE, "", calls, 1))
            step("Bench B: explain and search")
            calls = [explain_call(a, b) for a, b in targets.explain_pairs]
            out.cases.append(
                await m.case("explain, model -> its root base", "", calls, config.repeats)
            )
            calls = [search_call(t) for t in targets.search_texts]
            out.cases.append(await m.case("search, three words", "", calls, config.repeats))
            step("Bench B: licence check and openness, depth 8")
            calls = [licence_check_call(k) for k in targets.roots]
            out.cases.append(
                await m.case(LICENCE_CHECK_CASE, "p95 < 200 ms", calls, config.repeats)
            )
            calls = [openness_call(k, 8) for k in targets.roots]
            out.cases.append(await m.case(OPENNESS_CASE, "p95 < 200 ms", calls, config.repeats))
            mix = _mix(targets)
            for path in ("GraphQL/HTTP", "raw Cypher"):
                step(f"Bench B: {config.concurrency} concurrent clients, {path}")
                out.loads.append(
                    await m.load(path, mix, config.concurrency, config.concurrency_seconds)
                )
    finally:
        await driver.close()


async def _load_over_http(
    config: BenchConfig, settings: Settings, url: str, targets: Targets, path: str
) -> Load:
    driver = async_driver(settings)  # the Measurer's raw side, unused here
    try:
        async with api_client(url) as http:
            m = Measurer(driver, settings.neo4j_database, http, config.warm_every_call)
            return await m.load(path, _mix(targets), config.concurrency, config.concurrency_seconds)
    finally:
        await driver.close()


def query_phase(config: BenchConfig, settings: Settings, targets: Targets, step: Progress) -> None:
    out = step.results.queries = QueryResults(
        top_base=targets.top_base,
        top_base_fan_in=targets.top_base_fan_in,
        roots=len(targets.roots),
        median_chain=statistics.median(targets.chain_lengths) if targets.chain_lengths else 0,
    )
    with serving() as api:
        asyncio.run(_queries(config, settings, api.url, targets, step, out))
        out.api_rss_mib = api.peak_rss_mib()
    # Issue #16: what a second uvicorn worker buys on this machine, the same mix.
    path = "GraphQL/HTTP, 2 uvicorn workers"
    step(f"Bench B: {config.concurrency} concurrent clients, {path}")
    with serving(timeout=120, workers=2) as api:
        out.loads.append(asyncio.run(_load_over_http(config, settings, api.url, targets, path)))


# --- the load test ----------------------------------------------------------------------------
def load_test_phase(config: BenchConfig, targets: Targets, step: Progress) -> LoadTestResults:
    step(
        f"load test: {config.load_clients} clients for {config.load_seconds:g} s, "
        "loadtest's mix over Bench B's entities"
    )
    return load_test(config, targets)


# --- the run ----------------------------------------------------------------------------------
def run(config: BenchConfig, command: str) -> Results:
    settings = load_settings()
    config.workdir.mkdir(parents=True, exist_ok=True)
    shape = Shape.of(config.entities, config.seed)
    synth = Synth(shape)
    began = time.perf_counter()
    results = Results(
        config=config,
        machine=machine(),
        shape=shape,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        command=command,
        neo4j=f"heap {settings.neo4j_heap}, page cache {settings.neo4j_pagecache}",
    )
    step = Progress(results)
    with db.driver(settings) as driver:
        database.claim(driver, settings.neo4j_database)
    step("reset the database")
    database.reset(settings)
    results.crawling = crawl_phase(config, settings, step)
    loading = results.loading = sample_phase(config, settings, synth, step)
    full_load_phase(config, settings, loading, step)
    with db.driver(settings) as driver:
        targets = choose(synth, driver, settings.neo4j_database, config.roots)
    query_phase(config, settings, targets, step)
    results.load_test = load_test_phase(config, targets, step)
    bulk_phase(config, settings, synth, loading, step)
    if config.quick:
        step("clean up: the quick run leaves the database empty")
        database.reset(settings)
        with db.driver(settings) as driver:
            database.release(driver, settings.neo4j_database)
    results.seconds = time.perf_counter() - began
    results.orchestrator_rss_mib = peak_rss_mib()
    step("done")
    os.sync()
    return results


def requery(recorded: Results, command: str) -> Results:
    """Bench B and the load test again, on the graph a full run left loaded.

    A change to a query or to the API needs the query figures again, not the hour of
    loading before them. The database must still hold exactly the graph ``recorded``
    measured (same counts); everything else on the page stays as recorded.
    """
    settings = load_settings()
    config = recorded.config
    with db.driver(settings) as driver:
        found = database.counts(driver, settings.neo4j_database)
        expected = (recorded.loading.graph_nodes, recorded.loading.graph_relationships)
        if config.quick or (found.nodes, found.relationships) != expected:
            raise database.NotOurDatabase(
                f"the database holds {found.nodes:,} entities and {found.relationships:,} "
                f"relationships; the recorded run loaded {expected[0]:,} and {expected[1]:,} "
                "(a quick run leaves nothing): run the whole benchmark instead"
            )
        database.claim(driver, settings.neo4j_database)  # refuses a graph it did not make
    began = time.perf_counter()
    recorded.requeried = datetime.now(UTC).isoformat(timespec="seconds")
    recorded.requery_command = command
    step = Progress(recorded)
    synth = Synth(recorded.shape)
    with db.driver(settings) as driver:
        targets = choose(synth, driver, settings.neo4j_database, config.roots)
    query_phase(config, settings, targets, step)
    recorded.load_test = load_test_phase(config, targets, step)
    recorded.requery_seconds = time.perf_counter() - began
    step("done")
    return recorded
