"""``docs/benchmarks.md``: the page a run writes. Generated; never edited by hand."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from bench.load_report import HEADING, load_test_section
from bench.querying import CaseResult
from bench.results import Results
from bench.shape import Kind
from bench.verdicts import NOT_RUN, Verdict, all_verdicts
from service import limits

SECTIONS = (
    "## Summary: the targets",
    "## Reproduce",
    "## The machine",
    "## The synthetic graph",
    "## Bench A: loading",
    "## Bench B: queries",
    HEADING,
    "## Bench C: crawling",
    "## Memory",
    "## Where a target is missed, and why",
    "## Fixes made because of these figures",
    "## How it is measured",
)


def _n(value: float) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:,.0f}"
    )


def _ms(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _verdict(v: Verdict) -> str:
    if v.met is None and v.measured == NOT_RUN:
        return "not run"
    return {True: "**met**", False: "**missed**", None: "reported"}[v.met]


def summary(r: Results, verdicts: list[Verdict]) -> list[str]:
    rows = [[v.target, v.measured, v.baseline, _verdict(v)] for v in verdicts]
    return [SECTIONS[0], "", *_table(["target", "measured", "baseline, same run", ""], rows)]


def reproduce(r: Results) -> list[str]:
    return [
        SECTIONS[1],
        "",
        "From a clean checkout, with the two set-up commands of the README done:",
        "",
        "```bash",
        ".venv/bin/shoulders neo4j start      # or any empty Neo4j 5 that NEO4J_URI points at",
        ".venv/bin/python -m bench            # the full run: 1M entities, writes this page",
        ".venv/bin/python -m bench --quick    # 10k entities, 1-2 minutes (the CI smoke run)",
        ".venv/bin/python -m bench --render artifacts/bench/results.json   # the page again, same figures",
        ".venv/bin/python -m bench --snapshot graph.jsonl.gz --size 100k   # a snapshot for bulk-import",
        ".venv/bin/shoulders bulk-import graph.jsonl.gz                    # into an empty local Neo4j",
        ".venv/bin/python -m loadtest --clients 8 --seconds 60   # alone, on the recordings' graph",
        ".venv/bin/python -m bench.fixed_cost     # a request's fixed cost, split (graphql-profile.md)",
        ".venv/bin/python -m bench.walk_profile   # a standsOn walk's time, split (walk-profile.md)",
        "```",
        "",
        "The benchmark refuses a database that holds a graph it did not make (it deletes and "
        f"reloads many times). The Neo4j of this run: {r.neo4j}; environment as in "
        "docs/configuration.md (`NEO4J_URI`, `NEO4J_PASSWORD`, `SHOULDERS_NEO4J_HEAP`, "
        "`SHOULDERS_NEO4J_PAGECACHE`).",
        "",
        f"This page: `{r.command}`, started {r.started}, took **{r.seconds / 60:.1f} min**"
        f"{' (quick mode: small sizes, figures are a smoke test, not a measurement)' if r.config.quick else ''}.",
        "",
        *requeried(r),
    ]


def requeried(r: Results) -> list[str]:
    if not r.requeried:
        return []
    return [
        f"Bench B and the load test were measured again by `{r.requery_command}` at "
        f"{r.requeried} ({r.requery_seconds / 60:.1f} min), on the graph this run loaded: "
        "their figures are from then, the loading and crawl figures from the run above.",
        "",
    ]


def machine(r: Results) -> list[str]:
    loads = [load for _, load in r.load_average]
    spread = (
        f"{min(loads):.1f} to {max(loads):.1f} (median {statistics.median(loads):.1f})"
        if loads
        else "n/a"
    )
    return [
        SECTIONS[2],
        "",
        f"{r.machine.describe()}. Neo4j 5.26 Community, the API and the benchmark client share "
        "the machine, all on loopback.",
        "",
        f"1-minute load average at the phase boundaries: {spread}. The machine is shared with "
        "other work, so absolute figures move from run to run; every comparison on this page "
        "(Loader vs naive, HTTP vs raw, crawler vs naive) is measured side by side in the same "
        "run, on the same data, and latencies are medians and percentiles over many calls "
        "with their interquartile range.",
        "",
    ]


def graph(r: Results) -> list[str]:
    s = r.shape
    rows = [[kind.name.lower(), f"{s.count(kind):,}"] for kind in Kind]
    types = sorted(r.loading.relationships_by_type.items(), key=lambda kv: -kv[1])
    rel_rows = [[name, f"{count:,}"] for name, count in types]
    return [
        SECTIONS[3],
        "",
        f"`bench/synth.py`, seed {s.seed}: {s.entities:,} entities and "
        f"{r.loading.graph_relationships:,} relationships, streamed as the project's own "
        "records (`NodeRecord`/`EdgeRecord` with `Provenance` and `Evidence`, keys from "
        "`schema.keys`), never held in memory. Every edge carries the provenance the real "
        "mappers write (source, exact URL, revision, fetch time, run, evidence field and "
        "value, method, confidence).",
        "",
        f"- models: {s.bases:,} bases; fine-tunes, adapters, quantizations, merges of 2-4 "
        "parents, distillations (teacher + student base) and derived models. A derived model "
        "picks a base (Zipf law, exponent 1.05) or any earlier model, so chains form and "
        f"the largest base has **{r.queries.top_base_fan_in:,} direct dependents** "
        f"(`{r.queries.top_base}`); the median main line of the queried models is "
        f"{r.queries.median_chain:.0f} hops",
        "- papers cite 20-60 earlier papers (popular ones more); repositories depend on "
        "10-50 packages; packages on up to 8 others and are built from a repository; "
        "licences and organisations are referenced nodes, as a crawl leaves them",
        "",
        *_table(["kind", "entities"], rows),
        *_table(["relationship", "count"], rel_rows),
    ]


def loading(r: Results) -> list[str]:
    a = r.loading
    lines = [SECTIONS[4], ""]
    if a.sample:
        naive = a.sample[0]
        rows = [
            [
                t.name,
                f"{t.records:,}",
                f"{t.transactions:,}",
                f"{t.write_seconds:,.1f} s",
                f"{t.per_second:,.0f}",
                f"{t.per_second / naive.per_second:,.1f}x" if naive.per_second else "n/a",
            ]
            for t in a.sample
        ]
        same = {True: "yes", False: "**no**", None: "not compared (too large to dump)"}[
            a.sample_same_graph
        ]
        lines += [
            f"The same sample ({a.sample_entities:,} entities: one in "
            f"{max(1, r.config.entities // r.config.sample_entities):,} of the stream, with "
            "their edges) through each loader into an emptied database, one after the other. "
            "The naive loader sends the Loader's own statement with one record per "
            f"transaction. Same graph written by naive and Loader (canonical dump): {same}.",
            "",
            *_table(
                ["loader", "records", "transactions", "time in writes", "records/s", "vs naive"],
                rows,
            ),
        ]
    if a.full:
        f = a.full
        lines += [
            f"**The full graph through the Loader** ({f.transactions:,} transactions of "
            f"{r.config.loader_batch} entities): {f.records:,} records in "
            f"{f.wall_seconds / 60:.1f} min wall ({f.write_seconds / 60:.1f} min inside "
            f"`Loader.write`), **{f.per_second:,.0f} records/s**; peak RSS of the loading "
            f"process {_mib(a.full_rss_mib)}. Generation runs on a second thread meanwhile.",
            "",
        ]
        if a.sample and a.sample[0].per_second:
            hours = f.records / a.sample[0].per_second / 3600
            lines += [
                f"The naive loader was not run on the full graph: at its sampled rate it would "
                f"take about **{hours:,.1f} h** (extrapolated, not measured).",
                "",
            ]
    if a.bulk:
        b = a.bulk
        parts = [
            ("records -> CSV (Python, generation included)", b.get("csv_seconds")),
            ("`neo4j-admin database import full`", b.get("import_seconds")),
            ("server start", b.get("start_seconds")),
            ("schema: constraints + full-text index built", b.get("schema_seconds")),
        ]
        total = sum(v for _, v in parts if v)
        rows = [
            [name, f"{v:,.1f} s" if v is not None else "not run (quick mode)"] for name, v in parts
        ]
        rows.append(["**total, from records to a serving graph**", f"**{total / 60:.1f} min**"])
        diff = a.bulk_differences
        check = (
            "not compared in quick mode (the imported graph is not started)"
            if diff is None
            else "the same graph as the Loader's (counts per label and type, and a sample of "
            "entities compared property by property with their edges)"
            if not diff
            else f"**differs** from the Loader's graph: {', '.join(diff[:10])}"
        )
        lines += [
            "**Cold bootstrap through the bulk import** (`shoulders bulk-import`, into a "
            f"scratch Neo4j home beside the running server): {b.get('nodes', 0):,} nodes and "
            f"{b.get('relationships', 0):,} relationships; CSV "
            f"{b.get('csv_bytes', 0) / 2**30:.1f} GiB; peak RSS of the Python side "
            f"{_mib(b.get('peak_rss_mib'))}"
            + (
                f"; store on disk once served, indexes built: {b['store_bytes'] / 2**30:.2f} GiB"
                if b.get("store_bytes")
                else ""
            )
            + f". Result: {check}.",
            "",
            *_table(["step", "time"], rows),
        ]
        if a.full and total:
            lines += [
                f"From records to a serving graph the bulk path takes {total / 60:.1f} min "
                f"against the Loader's {a.full.wall_seconds / 60:.1f} min "
                f"(**{a.full.wall_seconds / total:.1f}x**); on the database side alone "
                f"({b.get('import_seconds', 0) + b.get('start_seconds', 0) + b.get('schema_seconds', 0):,.0f} s "
                f"against {a.full.write_seconds:,.0f} s in `Loader.write`) "
                f"**{a.full.write_seconds / max(1.0, b.get('import_seconds', 0) + b.get('start_seconds', 0) + b.get('schema_seconds', 0)):.1f}x**. "
                "The project offers it as `shoulders bulk-import SNAPSHOT.jsonl` for first loads "
                "of an empty database; crawls keep the Loader (incremental, idempotent, the "
                "server keeps serving).",
                "",
            ]
    return lines


def _case_row(c: CaseResult) -> list[str]:
    ratio = c.http.p50 / c.raw.p50 if c.raw.p50 else math.nan
    size = statistics.median(c.sizes) if c.sizes else math.nan
    kib = statistics.median(c.http_bytes) / 1024 if c.http_bytes else math.nan
    return [
        c.name,
        f"{c.raw.n}",
        f"{_ms(c.raw.p50)} / {_ms(c.raw.p95)} / {_ms(c.raw.p99)} ({_ms(c.raw.iqr)})",
        f"{_ms(c.http.p50)} / {_ms(c.http.p95)} / {_ms(c.http.p99)} ({_ms(c.http.iqr)})",
        f"{ratio:.2f}x",
        f"{_n(size)}{f', {c.truncated} cut' if c.truncated else ''}",
        f"{kib:,.0f}" if not math.isnan(kib) else "n/a",
        c.target or "",
    ]


def queries(r: Results) -> list[str]:
    q = r.queries
    rows = [_case_row(c) for c in q.cases]
    raw = next((ld.per_second for ld in q.loads if ld.path == "raw Cypher"), 0.0)
    load_rows = [
        [
            ld.path,
            f"{ld.clients}",
            f"{ld.seconds:.0f} s",
            f"{ld.completed:,}",
            f"**{ld.per_second:,.1f}**",
            f"{ld.per_second / raw:.0%}" if raw else "n/a",
            f"{_ms(ld.latency.p50)} / {_ms(ld.latency.p95)}",
            f"{ld.errors}",
        ]
        for ld in q.loads
    ]
    return [
        SECTIONS[5],
        "",
        f"On the graph this page describes. Lineage questions are asked about {q.roots} derived "
        "models spread over the whole graph (the same for every variant); each (question, "
        f"entity) pair is timed {r.config.repeats} times per path, raw and HTTP alternating, "
        "after one untimed warm-up call. Raw: the service's query functions "
        "(`service/queries`) with the API's async driver, as the resolvers call them. "
        "GraphQL/HTTP: `shoulders serve` in its own process, the documents in "
        "`bench/querying.py` sent with aiohttp (`bench/api_process.py`), until the JSON is "
        "parsed (orjson). Milliseconds, p50 / p95 / p99 "
        "(interquartile range); size: entities in the answer (standsOn), dependents "
        "(dependents), chains (explain), hits (search).",
        "",
        *_table(
            [
                "query",
                "n",
                "raw Cypher, ms",
                "GraphQL/HTTP, ms",
                "HTTP/raw p50",
                "size",
                "KiB",
                "target",
            ],
            rows,
        ),
        f"Throughput: {r.config.concurrency} clients at once on loopback, a mix of standsOn "
        "(model lineage depth 8, all relations depth 2), explain, search and the dependents of "
        "a base of middling fan-in, for a fixed time per path:",
        "",
        *_table(
            ["path", "clients", "for", "answers", "answers/s", "of raw", "p50 / p95 ms", "errors"],
            load_rows,
        ),
        f"standsOn budgets: {limits.NODE_BUDGET} entities, {limits.EDGE_BUDGET} edges; "
        f"dependents walk budget {limits.DEPENDENTS_BUDGET:,}.",
        "",
    ]


def crawling(r: Results) -> list[str]:
    c = r.crawling
    rows = [
        [
            run.name,
            f"{run.entities:,} + {run.skipped:,}",
            f"{run.requests:,}",
            f"**{run.per_entity:.3f}**",
            " / ".join(
                f"{run.routes.get(k, 0):,}" for k in ("listing", "model", "readme", "dataset")
            ),
            f"{run.seconds:.1f} s",
            _mib(run.peak_rss_mib),
        ]
        for run in c.runs
    ]
    return [
        SECTIONS[7],
        "",
        f"A generated Hub neighbourhood (`bench/hub_fixture.py`): {c.models:,} models and "
        f"{c.datasets:,} datasets as YAML recordings in the documented format, served by the "
        f"replay server; `bench-lab` publishes {c.lab_models:,} of them (its listing: "
        f"{c.pages} page(s) of up to 1000, the Hub's page size), the rest are bases, "
        "community fine-tunes and datasets reached through lineage. Requests are counted by "
        "the replay server. The project's crawl is `run_ingest` as `shoulders ingest` runs it "
        "(HF source; default depth 4, the deep crawl depth 8); the naive crawl asks for every "
        "entity on its own (`/api/models/{id}` and the README per model, `/api/datasets/{id}` "
        "per dataset) over the same entities and limits.",
        "",
        *_table(
            [
                "crawl",
                "entities: fetched + unchanged",
                "requests",
                "per entity",
                "listing / model / README / dataset",
                "time",
                "peak RSS",
            ],
            rows,
        ),
        *_readme_policies(r),
    ]


def _readme_policies(r: Results) -> list[str]:
    """What the org-wide crawl under SHOULDERS_HF_README=unexplained saved and gave up."""
    runs = r.crawling.runs
    default = next((x for x in runs if x.name.startswith("org-wide:")), None)
    other = next((x for x in runs if x.readme_policy != "always"), None)
    if default is None or other is None:
        return []
    held = (
        f" The graph held {other.readme_assertions:,} assertions with README evidence after "
        f"it, {default.readme_assertions:,} after the default's crawl."
        if other.readme_assertions is not None and default.readme_assertions is not None
        else ""
    )
    return [
        f"`--hf-readme {other.readme_policy}` (`SHOULDERS_HF_README`, docs/configuration.md) "
        "reads a model's README only when its metadata declares no base model "
        f"(`cardData.base_model` or a `base_model:` tag): it read "
        f"{other.routes.get('readme', 0):,} READMEs and skipped {other.readme_skipped:,}, "
        f"where the default read {default.routes.get('readme', 0):,}. What it gives up are the "
        "README-only assertions of the models that declare a base: the prose and Base Model "
        "table evidence of their lineage (here a sentence that names the declared base again), "
        "a distill's teacher when the card declares only the student's base, BibTeX papers "
        f"and links to the publisher's code.{held} Every fine-tune, quantization, adapter and "
        "merge this generator writes declares its base, so only the cards of the bases are "
        "read; an organisation whose cards declare none (the DeepSeek-R1 distills, for one) "
        "pays a README per model under either policy.",
        "",
    ]


def memory(r: Results) -> list[str]:
    a, q = r.loading, r.queries
    org = next((run for run in r.crawling.runs if run.name.startswith("org-wide:")), None)
    rows = [
        [
            f"ingest: full load through the Loader ({r.shape.entities:,} entities)",
            _mib(a.full_rss_mib),
        ],
        [
            "ingest: records -> CSV for the bulk import",
            _mib(a.bulk.get("peak_rss_mib") if a.bulk else None),
        ],
        [
            f"ingest: org-wide crawl ({org.covered:,} entities, replay server in-process)"
            if org
            else "ingest: org-wide crawl",
            _mib(org.peak_rss_mib if org else None),
        ],
        ["API (`shoulders serve`) under Bench B, 8 clients included", _mib(q.api_rss_mib)],
        [
            "API (`shoulders serve`) under the load test",
            _mib(r.load_test.api_rss_mib if r.load_test else None),
        ],
        ["benchmark client (driver, HTTP client, the sampled loads)", _mib(r.orchestrator_rss_mib)],
    ]
    return [
        SECTIONS[8],
        "",
        "Peak resident memory (VmHWM from /proc) of each process. Every ingest path streams: "
        "the generator rebuilds each entity from its index, the Loader holds one batch, the CSV "
        "writer keeps only the set of keys it wrote (to add nodes that are only referenced).",
        "",
        *_table(["process", "peak RSS"], rows),
    ]


def misses(verdicts: list[Verdict]) -> list[str]:
    lines = [SECTIONS[9], ""]
    missed = [v for v in verdicts if v.met is False]
    if not missed:
        lines += ["Every target was met in this run.", ""]
    for v in missed:
        lines += [f"- **{v.target}**: {v.why}", ""]
    names = " ".join(v.target for v in missed)
    lineage_met = any(v.met and "model lineage" in v.target for v in verdicts)
    ideas = []
    if "dependents, first page, largest" in names:
        ideas.append(
            "*dependents of the largest base under 100 ms*: the page no longer walks the "
            "fan-in (see the fixes); what is left is reading every direct dependent's key to "
            "order the page. Ordering by Neo4j's element id instead (no property read) "
            "measured 40 ms for the same page, but that order changes from one rebuild of the "
            "graph to the next, so the API keeps the reproducible (distance, key) order. A "
            "short sortable property per entity, or a relationship index on the target's and "
            "the source's keys, would make the top-k an index read; both are schema changes "
            "with a cost on every load, not made yet."
        )
    if "all relations" in names:
        ideas.append(
            "*standsOn over every relation at depth 8*: the answer is no longer cut by the "
            "budget (see the fixes); it is a few hundred entities with full evidence, read by "
            "about ten queries in one read transaction (a level each, the closing level, the "
            "root and the entities). docs/walk-profile.md splits such an answer's time between "
            "Neo4j, the rest of each round trip and the Python around the queries "
            "(`python -m bench.walk_profile`): each part is a sizeable share, so no single "
            "change brings it to a tenth. Smaller defaults for citationDepth/dependencyDepth "
            "(0) would trade content for speed, which this page does not do silently."
            + (" The model-lineage question itself meets the target." if lineage_met else "")
        )
    if "totalCount" in names:
        ideas.append(
            "*dependents with totalCount under 500 ms*: the page is an index read and the "
            "count one pruning expansion inside Neo4j that visits every distinct dependent "
            "within the depth once. A count kept by the loader would have to change on every "
            "edge written anywhere below a base (a transitive count is not a local update), "
            "so it is not kept; a client that needs only the page does not select totalCount."
        )
    if "openness" in names:
        ideas.append(
            "*openness of a depth-8 closure under 200 ms*: the closure walk now reads only the "
            "entities and the edges that reached them, and the entities with their licences in "
            "one statement (see the fixes); what is left is a round trip per level of the walk "
            "(docs/walk-profile.md), the closure's entities read by key, and a verdict per "
            "entity in Python. What would speed the standsOn walk would speed this one."
        )
    if "GraphQL over HTTP" in names:
        ideas.append(
            "*GraphQL over HTTP within 1.5x*: docs/graphql-profile.md profiles a large answer "
            "(plain fields, objects and lists are completed without graphql-core's per-field "
            "machinery now) and splits a request's fixed cost: for the smallest answers that "
            "cost, not the answer, is what passes 1.5x, and most of it is Python that every "
            "request runs once (the client, uvicorn, Starlette, Strawberry's request "
            "handling). A lineage answer as one pre-serialised JSON value (a scalar) would "
            "skip the completion; it gives up field selection, so it is an API decision too."
        )
    if "crawl, org-wide" in names:
        ideas.append(
            "*requests per entity of an org-wide crawl*: `--hf-readme unexplained` skips the "
            "README of every model whose metadata declares a base; what is left is one README "
            "per model that declares none, and `/api/models/{id}` for what the crawl reaches "
            "outside the author. Skipping those READMEs too would leave models like the "
            "DeepSeek-R1 distills with no lineage at all, so no setting does. An incremental "
            "re-crawl already costs the listing and one request per entity outside the author "
            "(the row `org-wide again`)."
        )
    if ideas:
        lines += ["What would meet them, and why it is not done here:", ""]
        lines += [f"- {idea}" for idea in ideas]
        lines.append("")
    return lines


FIXES = [
    SECTIONS[10],
    "",
    "Each in its own commit, with the existing tests passing:",
    "",
    "- **One collected record per API query** (`service/queries`): the async Neo4j driver "
    "spends about 40 µs on every record it receives, and `record.data()` walks every nested "
    "value again, so a `standsOn` level of 2 500 grouped edges took 110-350 ms on the client "
    "while Neo4j had answered in 30 ms, and the 84 000 dependents of the largest base took "
    "2.6 s. Queries that can return many rows now `RETURN collect(...) AS rows` and "
    "`ReadTx.table` reads that one record as it is: the same level costs about 40 ms.",
    "- **No filter clauses that cannot drop an edge** (`EdgeFilter.where`): the method and "
    "confidence clauses are left out when `includeInferred` is true and `minConfidence` is 0 "
    "(the defaults); on a base with 40 000 dependents they cost about 100 ms per walk level.",
    "- **standsOn cuts each level to the budget before reading edge properties**: a level "
    "that steps onto papers expands to tens of thousands of citations of which the budget "
    "keeps a few thousand; the last level of a budget-bound walk went from 355 to 166 ms on "
    "the 10k graph.",
    "- **Each GraphQL document is parsed and validated once** (`service/extensions.py`): "
    "graphql-core validated the same `standsOn` document on every request, 3-5 ms of a "
    "15 ms request; Strawberry's `ValidationCache` and a `ParserCache` that still reports "
    "syntax errors with their code (bounded LRUs of documents, never of data) now hold it, "
    "with the depth and alias limiters' rules built once so the cache can hit. In-process "
    "a small `standsOn` over GraphQL went from 1.6x to 1.4x the raw query.",
    "- **dependents carries element ids in its frontier** past the root: 42 000 keys cost "
    "240 ms of index seeks per level, 42 000 element ids 40 ms; the 84 000 dependents of "
    "the largest base at 1M went from about 1.8 to 1.5 s.",
    "- **No request for what the author listing already gave** (`ingest/crawl.py`, "
    "`ingest/sources/hf/mapper.py`): an org-wide crawl asked `/api/models/{id}` again for "
    "30 of the author's own 91 models (a base queued before the newest-first listing reached "
    "it; a `cardData.base_model` resolved although the Hub's tag names the same canonical "
    "id): 1.45 -> 1.22 requests per entity on the quick neighbourhood.",
    "- **A dependents page no longer walks every dependent** (`service/queries/"
    "dependents.py`): a page of direct dependents is one top-k query by key, and "
    "`totalCount`, `byRelation` and `truncated` are counted only when the query selects one "
    "of them. The first page for the 57 000 direct dependents of the largest base went "
    "from 1.5 s (the whole walk, 84 000 dependents) to the figure in the table above.",
    "- **standsOn follows citations and dependencies for their own depth** "
    "(`citationDepth`, `dependencyDepth`, default 1; `service/queries/walk.py`): over every "
    "relation, 20-60 citations per paper and 10-50 dependencies per repository filled the "
    "2 000-entity budget by depth 3-4, so every default depth-8 answer was a cut (p50 "
    "401 ms over HTTP in the previous full run). A path now takes at most one hop of each, "
    "and never both (a cited paper's code's dependencies are not what a model stood on): "
    "the same depth-8 walks measured p50 45 ms raw, none cut, before this run.",
    "- **A README policy for the HF crawl** (`SHOULDERS_HF_README`, `shoulders ingest "
    "--hf-readme`): `unexplained` reads a model's README only when its metadata declares no "
    "base, the README requests being most of a first org-wide crawl. It changes what the "
    "graph records, so it is a setting and the default stays `always`; Bench C measures "
    "both.",
    "- **`shoulders bulk-import`** (`ingest/bulk/`: `admin_import.py`, "
    "`csv_files.py`, `snapshot.py`): the cold bootstrap through `neo4j-admin database import full`, writing "
    "the Loader's own property maps, offered because it wins by a wide margin on first loads.",
    "- **Plain leaf fields completed inline** (`service/execution.py`, issue #16): graphql-core "
    "completed each of the ~10 000 scalar fields of a large standsOn answer with a path, a "
    "resolve info, Strawberry's resolver wrapper and an enum coercion that loops over the "
    "enum; `FastLeafExecutor` reads a field without a resolver of its own directly and hands "
    "everything else to graphql-core. Completion of the same answers: 553 -> 280 ms under "
    "load, side by side (docs/graphql-profile.md has the profile).",
    "- **orjson for response bodies** (`service/app.py`): a 230 KiB answer encoded in 3.9 ms "
    "where `json.dumps` took 32.5 ms (same run as the profile).",
    "- **Objects and lists completed inline too** (`service/execution.py`): a field without "
    "a resolver whose type is an object, an interface or a list of them, with a plain "
    "selection below, skips graphql-core's `complete_value`, `is_type_of` and per-object "
    "selection as well. For twelve standsOn answers the fields graphql-core completes itself "
    "fell from 114,010 to 12 (the root fields); the default executor takes 3.0x the API's "
    "time where leaves alone gave 2.0x (docs/graphql-profile.md).",
    "- **Each walk level expands only the relations a frontier group may still follow** "
    "(`service/queries/walk.py`): a paper whose citation hop is used up no longer reads its "
    "citations only to drop them in Python. On the 1M graph, requeries of the code before "
    "and after on the same graph measured no raw change for standsOn at depth 8 (p50 76.6 "
    "and 79.0 ms); the HTTP figure fell (153.7 to 132.9 ms) with the inline objects above. "
    "It stays for the frontiers of papers it does not read.",
    "- **Openness reads and builds less** (`service/queries/openness.py`, "
    "`service/types/openness.py`): its closure walk reads an edge's evidence only when the "
    "edge reaches an entity not yet in the answer (one of those is its `via`), skips the "
    "closing level, and reads the closure's entities with their licences in one statement "
    "(three before, the same keys looked up twice); an entity's licences, with every term, "
    "and its `via` edge are built only when a query selects them. On the 1M graph of "
    "2026-12-02, an API server of the code before and one of the code after, answering "
    "the same 40 roots alternately (the same answers, checked field by field): p50 107 -> "
    "79 ms, p95 229 -> 195 ms over HTTP.",
    "- **The API freezes what it holds once started** (`service/app.py`): a full GC "
    "collection during a large answer walked every object of the process (modules, the "
    "schema, the driver); after `gc.freeze()` it walks only what requests made. Openness "
    "over HTTP, two servers side by side the same way: p95 179 -> 124 ms and 187 -> 140 ms "
    "in two runs, p50 unchanged. With both changes the openness row went from p50 86 / "
    "p95 192 ms over HTTP in the full run of 2026-12-02 (the code before) to the figures "
    "in the table above, on the same graph.",
    "- **totalCount in one pruning query** (`service/queries/dependents_count.py`): "
    "`totalCount` and `truncated` need how many distinct entities stand on the root, not "
    "which: a variable-length match with `DISTINCT` on its end node, which Neo4j plans as "
    "a pruning breadth-first expansion (`VarLengthExpand(Pruning,BFS)`, each node once, "
    "stopped one past the budget), replaces the level walk for them (a test checks the plan "
    "for every filter). For the 83,845 dependents of the largest base at 1M the row with "
    "totalCount went from p95 836 ms over HTTP (`python -m bench.at_scale --size 1M` on the "
    "code before, 2026-12-02) to the figure in the table above. `byRelation` keeps the "
    "level walk (past the budget, the ordered walk too), run only when selected: the row "
    "with it is reported beside the target's.",
    "- **Less Python per GraphQL request** (`service/execution.py`, `service/extensions.py`, "
    "`service/types/licence_term.py`): `FastLeafExecutor` turns each plain selection, once "
    "per request, into a completion function over its fields' attributes and coercions, so "
    "an object of a list costs its `getattr` calls and coercions only (lists of scalars and "
    "enums are completed inline too); Strawberry's `ValidationCache` hashed the whole parsed "
    "document on every request, the cache now keys on the text; the limits and the error "
    "policy are one extension instead of four; a licence's terms are built once per process, "
    "not per answer. The GraphQL work of twelve standsOn answers (`python -m bench."
    "graphql_profile`, quick graph, the code before and after side by side, twice each): "
    "p50 13.0 and 12.6 -> 9.5 and 9.5 ms. The full run above measured the code before (85804fe); its "
    "Bench B on the same graph gave standsOn over every relation at depth 8 p50 53 / p95 94 "
    "ms over HTTP, licenseCheck 1.64x its raw time and 8-client throughput 87% of raw, "
    "against the figures in the table above from the code after (02a6f62; throughput moves by "
    "several points from run to run: 69% to 88% in the runs of 2026-12-02).",
    "",
]

METHOD = [
    SECTIONS[11],
    "",
    "- No figure here is asserted by a test; `tests/test_bench_smoke.py` runs the quick mode "
    "and checks that this page has every section, and that its load test saw no 5xx and no "
    "unintended error.",
    "- Loading rates count records (nodes + edges) over the time spent in the loader's "
    "writes; the record generator runs on another thread and its time is not the loader's.",
    "- Each loader starts from an emptied database with the schema applied; a warm-up load "
    "(not measured) runs first so the JVM is warm for every path alike.",
    "- Latencies are wall-clock in the benchmark client: raw includes the driver's decoding "
    "and the service's row building; HTTP includes Strawberry, uvicorn, JSON and the "
    "client's parse. The API process and the benchmark client both freeze the objects they "
    "hold once started (`gc.freeze()`), so neither side's GC walks them again.",
    "- The HTTP client is aiohttp and it parses answers with orjson (from 2026-12-02; httpx "
    "and the stdlib before). On two cores the client's CPU is taken from the API it "
    "measures: httpx spent about 1 ms more of Python per request on loopback "
    "(`python -m bench.fixed_cost` times both; docs/graphql-profile.md).",
    "- Crawl requests are what the replay server answered (GET and HEAD); entities are those "
    "the run accounted for, fetched or found unchanged (the run report's `fetched` + "
    "`skipped_unchanged`).",
    "",
]


def render(r: Results) -> str:
    verdicts = all_verdicts(r)
    title = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python -m bench` (bench/report.py); edit the generator, not this page. -->",
        "",
        f"Shoulders at Hub scale: loading, lineage latency and crawl efficiency, each against a "
        f"baseline measured in the same run, and a load test of the API. Run of {r.started} on "
        f"{r.machine.cores} cores / {r.machine.memory_gib:.0f} GiB, graph of "
        f"{r.shape.entities:,} entities.",
        "",
        "The whole-Hub bootstraps (the listing walk and the Parquet dump, issue 15) are "
        "measured by `python -m bench.hub_bootstrap` on their own page: "
        "[benchmarks-hub.md](benchmarks-hub.md).",
        "",
    ]
    parts = [
        title,
        summary(r, verdicts),
        reproduce(r),
        machine(r),
        graph(r),
        loading(r),
        queries(r),
        load_test_section(r),
        crawling(r),
        memory(r),
        misses(verdicts),
        FIXES,
        METHOD,
    ]
    return "\n".join(line for part in parts for line in part).rstrip() + "\n"


def write(r: Results, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(r), encoding="utf-8")
    return path
