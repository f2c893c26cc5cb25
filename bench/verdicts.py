"""The issue's targets held against a run's figures: met or missed, by how much, and why.

The reasons are written from the figures of the run itself (answer sizes, fan-ins,
request counts), so the page never says more than was measured.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from bench.crawling import CrawlResult
from bench.querying import (
    DEPENDENTS_BY_RELATION_CASE,
    DEPENDENTS_COUNTED_CASE,
    LICENCE_CHECK_CASE,
    OPENNESS_CASE,
    CaseResult,
)
from bench.results import Results
from service import limits
from service.queries.walk import DEFAULT_FAN_OUT_DEPTH

#: What a verdict measured when its phase was not part of the run (an older results.json).
NOT_RUN = "not part of this run"


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    baseline: str
    met: bool | None  # None: not measured in this run
    why: str = ""  # for a miss: by how much and why


def _case(results: Results, name: str) -> CaseResult | None:
    return next((c for c in results.queries.cases if c.name == name), None)


def _ms(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def loader_vs_naive(r: Results) -> Verdict:
    sample = r.loading.sample
    if len(sample) < 3:
        return Verdict("Loader >= 20x the naive loader", "n/a", "n/a", None)
    naive, crawler, best = sample[0], sample[1], sample[2]
    x_best = best.per_second / naive.per_second if naive.per_second else math.inf
    x_crawler = crawler.per_second / naive.per_second if naive.per_second else math.inf
    measured = (
        f"{best.per_second:,.0f} records/s at {r.config.loader_batch} entities/tx "
        f"(**{x_best:,.0f}x**); {crawler.per_second:,.0f} records/s at "
        f"{r.config.crawler_batch}/tx, as the crawler writes ({x_crawler:,.0f}x)"
    )
    baseline = f"naive: {naive.per_second:,.0f} records/s, same {naive.records:,} records"
    why = ""
    if x_best < 20:
        why = (
            f"The Loader reached {x_best:.1f}x, {20 / x_best:.1f}x short of the target; "
            "see the Bench A notes."
        )
    return Verdict("Loader >= 20x the naive loader", measured, baseline, x_best >= 20, why)


def from_scratch(r: Results) -> Verdict:
    full = r.loading.full
    bulk = r.loading.bulk
    if full is None:
        return Verdict("1M entities from scratch in minutes", "n/a", "n/a", None)
    entities = r.shape.entities
    loader = f"Loader: {_minutes(full.wall_seconds)} for {entities:,} entities"
    if bulk:
        total = sum(
            bulk.get(k, 0.0)
            for k in ("csv_seconds", "import_seconds", "start_seconds", "schema_seconds")
        )
        measured = f"bulk import: **{_minutes(total)}**; {loader}"
    else:
        total = full.wall_seconds
        measured = loader
    naive = r.loading.sample[0] if r.loading.sample else None
    records = r.loading.graph_nodes + r.loading.graph_relationships
    baseline = (
        f"naive loader, extrapolated from its sample: {records / naive.per_second / 3600:,.1f} h"
        if naive and naive.per_second
        else "n/a"
    )
    met = min(total, full.wall_seconds) < 60 * 60
    target = f"{entities:,} entities from scratch in minutes, not hours"
    return Verdict(target, measured, baseline, met)


def stands_on(r: Results) -> list[Verdict]:
    out = []
    for label in ("model lineage", "all relations (the default)"):
        case = _case(r, f"standsOn, {label}, depth 8")
        if case is None:
            continue
        p95 = case.raw.p95
        http95 = case.http.p95
        met = http95 < 50
        why = ""
        if not met:
            nodes = statistics.median(case.sizes) if case.sizes else 0
            largest = max(case.sizes, default=0)
            cut = case.truncated
            why = (
                f"p95 {_ms(http95)} over HTTP ({http95 / 50:.1f}x the target), {_ms(p95)} raw. "
                f"{cut} of {len(case.sizes)} answers hit the budget ({limits.NODE_BUDGET} "
                f"entities, {limits.EDGE_BUDGET} edges); the median answer holds {nodes:,.0f} "
                f"entities, the largest {largest:,}. Citations and dependencies are followed "
                f"for {DEFAULT_FAN_OUT_DEPTH} hop along a path (citationDepth, "
                "dependencyDepth), so what remains is the lineage itself: models, the datasets "
                "they were trained on, the papers of both and what those papers cite, code and "
                "its libraries. A level is a round trip (about ten queries per answer), every "
                "entity comes with its properties and every edge with its evidence, and over "
                "HTTP the answer is built as typed objects and completed as GraphQL in Python "
                "(see the GraphQL row); docs/walk-profile.md splits the raw time."
            )
        out.append(
            Verdict(
                f"standsOn depth 8, {label}: p95 < 50 ms",
                f"p95 {_ms(http95)} (GraphQL/HTTP), {_ms(p95)} (raw)",
                f"p50 {_ms(case.http.p50)} / {_ms(case.raw.p50)}",
                met,
                why,
            )
        )
    return out


def export(r: Results) -> Verdict:
    target = "export of a depth-8 lineage (CycloneDX 1.6): < 1 s"
    case = _case(r, "export, CycloneDX 1.6, depth 8")
    if case is None:
        return Verdict(target, "n/a", "n/a", None)
    http95 = case.http.p95
    met = http95 < 1000
    why = ""
    if not met:
        why = (
            f"p95 {_ms(http95)} over HTTP ({http95 / 1000:.1f}x the target), "
            f"{_ms(case.raw.p95)} raw (the walk and the document, in process). The walk is "
            "standsOn's; the rest is building the BOM in Python: every assertion of every "
            "edge becomes properties, and the pedigree repeats shared ancestors."
        )
    return Verdict(
        target,
        f"p95 {_ms(http95)} (HTTP), {_ms(case.raw.p95)} (raw)",
        f"p50 {_ms(case.http.p50)} / {_ms(case.raw.p50)}",
        met,
        why,
    )


def dependents(r: Results) -> Verdict:
    case = _case(r, "dependents, first page, the largest fan-in")
    if case is None:
        return Verdict("dependents first page < 100 ms", "n/a", "n/a", None)
    counted = _case(r, DEPENDENTS_COUNTED_CASE)
    total = statistics.median(counted.sizes) if counted and counted.sizes else 0
    http95 = case.http.p95
    met = http95 < 100
    why = ""
    if not met:
        why = (
            f"p95 {_ms(http95)} ({http95 / 100:.1f}x the target), {_ms(case.raw.p95)} raw. "
            f"The page is one top-k query over the base's {r.queries.top_base_fan_in:,} "
            "direct dependents: Neo4j expands every relationship into the base and reads "
            "each dependent's key to keep the first 20 in key order, and the keys are long "
            "strings (a read from the string store each). The dependents are not counted: "
            "with totalCount selected the same page costs "
            + (f"{_ms(counted.http.p95)} (p95, {total:,.0f} dependents)." if counted else "more.")
        )
    baseline = f"p50 {_ms(case.http.p50)} / {_ms(case.raw.p50)}"
    if counted:
        baseline += (
            f"; with totalCount ({total:,.0f} dependents counted): p95 {_ms(counted.http.p95)}"
        )
    return Verdict(
        "dependents, first page, largest fan-in: < 100 ms",
        f"p95 {_ms(http95)} (HTTP), {_ms(case.raw.p95)} (raw), of "
        f"{r.queries.top_base_fan_in:,} direct dependents",
        baseline,
        met,
        why,
    )


def dependents_counted(r: Results) -> Verdict:
    target = "dependents, first page with totalCount, largest fan-in: < 500 ms"
    case = _case(r, DEPENDENTS_COUNTED_CASE)
    if case is None or not case.http.n:
        return Verdict(target, NOT_RUN, "", None)
    total = statistics.median(case.sizes) if case.sizes else 0
    met = case.http.p95 < 500
    why = (
        ""
        if met
        else f"p95 {_ms(case.http.p95)} ({case.http.p95 / 500:.1f}x the target): the count "
        f"visits every distinct dependent within the depth ({total:,.0f}), each once, in "
        "one pruning breadth-first expansion inside Neo4j; no index shortens it."
    )
    by_relation = _case(r, DEPENDENTS_BY_RELATION_CASE)
    baseline = f"p50 {_ms(case.http.p50)} / {_ms(case.raw.p50)}"
    if by_relation is not None and by_relation.http.n:
        baseline += (
            f"; with byRelation too (a level walk): p95 {_ms(by_relation.http.p95)} / "
            f"{_ms(by_relation.raw.p95)}"
        )
    return Verdict(
        target,
        f"p95 {_ms(case.http.p95)} (HTTP), {_ms(case.raw.p95)} (raw), {total:,.0f} dependents",
        baseline,
        met,
        why,
    )


def throughput(r: Results) -> Verdict:
    """Issue #16: 8 concurrent clients, GraphQL/HTTP >= 80% of raw answers/s, no errors;
    and what a second uvicorn worker buys on this machine."""
    target = "8 concurrent clients: GraphQL/HTTP >= 80% of raw Cypher answers/s, zero errors"
    by_path = {load.path: load for load in r.queries.loads}
    api, raw = by_path.get("GraphQL/HTTP"), by_path.get("raw Cypher")
    if api is None or raw is None or not raw.per_second:
        return Verdict(target, NOT_RUN, "", None)
    share = api.per_second / raw.per_second
    measured = f"{api.per_second:,.1f} answers/s, **{share:.0%}** of raw; errors {api.errors}"
    two = by_path.get("GraphQL/HTTP, 2 uvicorn workers")
    if two is not None and api.per_second:
        measured += (
            f"; with 2 uvicorn workers {two.per_second:,.1f} answers/s "
            f"({two.per_second / api.per_second:.2f}x one worker, errors {two.errors})"
        )
    met = share >= 0.8 and api.errors == 0
    why = (
        ""
        if met
        else f"{share:.0%} of raw: on 2 cores the clients, the API process and Neo4j compete "
        "for the same CPU, and every answer is also built as typed objects, completed as "
        "GraphQL, serialised to JSON and sent over HTTP, work the raw path does not do (see "
        "the GraphQL overhead row)."
    )
    return Verdict(target, measured, f"raw Cypher: {raw.per_second:,.1f} answers/s", met, why)


def http_overhead(r: Results) -> Verdict:
    ratios = [(c.name, c.http.p50 / c.raw.p50) for c in r.queries.cases if c.raw.p50 and c.http.n]
    if not ratios:
        return Verdict("GraphQL over HTTP <= 1.5x raw Cypher", "n/a", "n/a", None)
    worst = max(ratios, key=lambda x: x[1])
    over = [f"{name} ({x:.2f}x)" for name, x in ratios if x > 1.5]
    measured = f"p50 ratios {min(x for _, x in ratios):.2f}x to {worst[1]:.2f}x"
    why = ""
    if over:
        fixed = statistics.median(
            c.http.p50 - c.raw.p50 for c in r.queries.cases if c.http.n and c.raw.n
        )
        large = [
            c.name
            for c in r.queries.cases
            if c.raw.p50
            and c.http.p50 / c.raw.p50 > 1.5
            and c.http_bytes
            and statistics.median(c.http_bytes) > 50 * 1024
        ]
        why = (
            f"Over 1.5x: {'; '.join(over)}. Every request pays a fixed cost the raw call "
            "does not (the HTTP client, loopback, uvicorn, Starlette, Strawberry's "
            f"execution, the JSON): a median of {_ms(fixed)} over the raw time in this run, "
            "a large share of a raw query that takes a few milliseconds. "
            "`python -m bench.fixed_cost` splits it (docs/graphql-profile.md)."
        )
        if large:
            why += (
                " Large answers (see the KiB column) are also built as typed objects and "
                "completed in Python: a standsOn of a few hundred entities with their "
                "evidence has tens of thousands of fields. Plain fields, objects and lists "
                "skip graphql-core's per-field machinery (see the fixes)."
            )
    return Verdict(
        "GraphQL over HTTP <= 1.5x the raw Cypher time",
        measured,
        "same entity, same run",
        not over,
        why,
    )


def _policy(run: CrawlResult) -> str:
    return f"`{run.readme_policy}`" + (" (the default)" if run.readme_policy == "always" else "")


def _crawl_miss(r: Results, best: CrawlResult, several: bool) -> str:
    """Why an org-wide crawl, under its better README policy, costs more than 0.3."""
    per, routes = best.per_entity, best.routes
    readme, pages = routes.get("readme", 0), routes.get("listing", 0)
    head = (
        f"{per:.3f} requests per entity ({per / 0.3:.1f}x the target)"
        + (f" with the better README policy, `{best.readme_policy}`" if several else "")
        + f". The listing costs {pages} request{'s' if pages != 1 else ''} for "
        f"{r.crawling.lab_models:,} models"
    )
    if best.readme_policy != "always":
        return (
            f"{head}; the rest is {routes.get('model', 0):,} `/api/models/{{id}}` and "
            f"{routes.get('dataset', 0):,} `/api/datasets/{{id}}` for what the lineage reaches "
            f"outside the author, and {readme:,} READMEs of models whose metadata declares no "
            "base."
        )
    without = (best.requests - readme) / best.covered
    return (
        f"{head}, but the crawler reads each new model's README ({readme:,} requests): the "
        'README carries the prose lineage ("fine-tuned from ...", distillation teachers, '
        "Base Model tables) the listing has no field for. Without it the run would cost "
        f"{without:.2f} requests per entity."
    )


def crawl(r: Results) -> list[Verdict]:
    """One verdict per crawl; one measured under both README policies is judged on the better."""
    out = []
    runs = [run for run in r.crawling.runs if not run.name.startswith("naive")]
    for run in runs:
        if run.readme_policy != "always":
            continue  # judged with the default's run of the same crawl
        naive = next(
            (
                n
                for n in r.crawling.runs
                if n.name.startswith("naive") and ("deep" in n.name) == ("deep" in run.name)
            ),
            None,
        )
        # The same crawl under the other policy is named like it, plus its --hf-readme flag.
        policies = sorted(
            [run, *(o for o in runs if o is not run and o.name.startswith(run.name + " "))],
            key=lambda x: x.per_entity,
        )
        best, several = policies[0], len(policies) > 1
        listing = "deep" not in run.name
        met: bool | None = best.per_entity <= 0.3 if listing else None
        why = _crawl_miss(r, best, several) if met is False and best.covered else ""
        measured = "; ".join(
            (f"{_policy(x)}: " if several else "")
            + (f"**{x.per_entity:.3f}**" if several and x is best else f"{x.per_entity:.3f}")
            + f" requests/entity ({x.requests:,} for {x.covered:,})"
            for x in policies
        )
        out.append(
            Verdict(
                f"crawl, {run.name}: <= 0.3 requests per entity"
                + (", the better README policy" if several else "")
                + ("" if listing else " (no batch endpoint: not a target)"),
                measured,
                f"naive: {naive.per_entity:.2f}" if naive else "n/a",
                met,
                why,
            )
        )
    return out


def memory(r: Results) -> Verdict:
    full = r.loading.full_rss_mib
    api = r.queries.api_rss_mib
    measured = (
        f"Loader process {full:,.0f} MiB for {r.shape.entities:,} entities; API {api:,.0f} MiB"
        if full and api
        else "n/a"
    )
    return Verdict("ingest streams (peak RSS does not grow with the graph)", measured, "", None)


def load_test(r: Results) -> Verdict:
    target = "load test: zero 5xx, no unintended errors"
    if r.load_test is None:
        return Verdict(target, NOT_RUN, "", None)
    f = r.load_test.figures
    limits_hit = ", ".join(f"{code} {n:,}" for code, n in f.expected_errors.items())
    unintended = ", ".join(f"{what} ({n:,})" for what, n in f.unintended.items())
    o = f.overall
    measured = (
        f"{f.requests:,} requests, {f.clients} clients, {f.seconds:g} s: "
        f"5xx **{f.server_errors}**, unintended errors **{sum(f.unintended.values())}**; "
        f"p50 / p95 / p99 {_ms(o.p50)} / {_ms(o.p95)} / {_ms(o.p99)}"
    )
    why = ""
    if not f.clean:
        why = (
            f"{f.server_errors} responses were 5xx and these errors were not the ones the mix "
            f"asks for: {unintended or 'none'}. See the load test section."
        )
    return Verdict(
        target,
        measured,
        f"intended limits hit: {limits_hit or 'none'}",
        f.clean,
        why,
    )


def licences(r: Results) -> list[Verdict]:
    """The licence check and openness answer within 200 ms p95 on a depth-8 closure."""
    out = []
    for name in (LICENCE_CHECK_CASE, OPENNESS_CASE):
        case = _case(r, name)
        if case is None:
            continue
        http95, raw95 = case.http.p95, case.raw.p95
        met = http95 < 200
        why = ""
        if not met:
            why = (
                f"p95 {_ms(http95)} over HTTP ({http95 / 200:.1f}x the target), {_ms(raw95)} "
                f"raw; {case.truncated} of {len(case.sizes)} answers hit the walk budget."
            )
        out.append(
            Verdict(
                f"{name}: p95 < 200 ms",
                f"p95 {_ms(http95)} (GraphQL/HTTP), {_ms(raw95)} (raw)",
                f"p50 {_ms(case.http.p50)} / {_ms(case.raw.p50)}",
                met,
                why,
            )
        )
    return out


def all_verdicts(r: Results) -> list[Verdict]:
    return [
        loader_vs_naive(r),
        from_scratch(r),
        *stands_on(r),
        export(r),
        dependents(r),
        *licences(r),
        dependents_counted(r),
        http_overhead(r),
        throughput(r),
        *crawl(r),
        load_test(r),
        memory(r),
    ]
