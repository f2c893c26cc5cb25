"""``python -m bench.hub_bootstrap --models N``: the two whole-Hub bootstraps, measured.

Listing: a synthetic Hub of N models served by the replay server (its own process) as
the real listing is, in pages of 1,000 chained by ``Link`` with the anonymous limit in
``RateLimit`` headers (500 calls / 300 s); ``shoulders ingest --hf-all`` walks it into
the configured Neo4j (emptied first, as the main benchmark does). Measured: requests per
model, wall time, peak RSS of the ingest process; extrapolated to 3.1M models as the
slower of the walk's own pace and the rate limit.

Dump: a generated Parquet file of N rows in the hub-stats columns; ``shoulders
bulk-import --hf-parquet`` imports it into a scratch Neo4j home beside the running one
and serves it. Measured: file -> serving graph, peak RSS of the Python side.

Daily refresh: after the listing walk, the same Hub with 1% of its models changed;
``shoulders ingest --hf-refresh`` takes them in. Measured: listing and README requests,
requests per changed model, wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.api_process import free_port
from bench.database import reset
from bench.hub_fixture import (
    ANONYMOUS_QUOTA,
    ANONYMOUS_WINDOW,
    changed_models,
    hub_models,
    write_hub_listing,
    write_hub_parquet,
)
from bench.worker import bytes_under
from ingest.bulk.admin_import import scratch_home
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import load_settings

HUB_MODELS = 3_100_000
#: The daily refresh is measured on this share of the models changed.
REFRESH_SHARE = 0.01


def _run(cmd: list[str], env: dict[str, str]) -> tuple[int, str, str, float, float]:
    """Run ``cmd``; return (exit code, stdout, stderr, wall seconds, its peak RSS in MiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        # wait4 reaps the child and hands back its own rusage (ru_maxrss in KiB on Linux).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    return proc.returncode, stdout, stderr, wall, usage.ru_maxrss / 1024


def listing_row(models: int, workdir: Path, bulk: bool = False) -> dict[str, Any]:
    """The listing walk through the Loader, or (``bulk``) into a scratch Neo4j home
    through neo4j-admin import."""
    root = workdir / "listing"
    shutil.rmtree(root, ignore_errors=True)
    fixture = write_hub_listing(root, models)
    reset(load_settings())  # an empty database (the benchmark's marker kept)
    port = free_port()
    replay = subprocess.Popen(
        [sys.executable, "-m", "ingest.replay", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/hf/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        env = {
            **os.environ,
            "HF_ENDPOINT": f"{base}/hf",
            "SHOULDERS_REPORT_DIR": str(workdir / "reports"),
            "SHOULDERS_LOG_FORMAT": "json",
        }
        cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-all"]
        cmd += ["--hf-expected", str(models)]
        with _scratch(workdir, env) if bulk else contextlib.nullcontext(env) as run_env:
            code, stdout, stderr, wall, peak = _run([*cmd, *(["--bulk"] if bulk else [])], run_env)
    finally:
        replay.terminate()
        replay.wait()
    if code != 0:
        raise RuntimeError(f"ingest --hf-all exited {code}: {stderr[-2000:]}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    load_avg = os.getloadavg()[1]  # the last 5 minutes: how shared the cores were
    requests = int(summary["http_requests"])
    listed = max(int(summary["models"]), 1)
    # The walk's pace scales with the pages; the bulk walk's import is measured apart and
    # scaled by the models, an upper bound (its JVM and server starts do not grow).
    import_s = float(summary.get("import_s") or 0.0)
    per_request = (wall - import_s) / max(requests, 1)
    hub_requests = math.ceil(HUB_MODELS * requests / listed)
    rate_bound = max(0, math.ceil(hub_requests / ANONYMOUS_QUOTA) - 1) * ANONYMOUS_WINDOW
    pace_bound = hub_requests * per_request
    hub_import = import_s * HUB_MODELS / listed
    return {
        "models": int(summary["models"]),
        "pages": fixture.pages,
        "requests": requests,
        "requests_per_model": requests / max(int(summary["models"]), 1),
        "rate_limit_waits_s": summary["rate_limit_waits_s"],
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(peak, 1),
        "hub_requests": hub_requests,
        "hub_rate_limit_bound_s": rate_bound,
        "hub_pace_bound_s": round(pace_bound),
        "hub_eta_s": round(max(rate_bound, pace_bound) + hub_import),
        "import_s": round(import_s, 1),
        "hub_import_s": round(hub_import),
        "load_avg_5min": round(load_avg, 1),
    }


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    """The replay server (its own process) on ``root``; yields its base URL."""
    port = free_port()
    replay = subprocess.Popen(
        [sys.executable, "-m", "ingest.replay", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/hf/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        replay.terminate()
        replay.wait()


def _ingest_env(base: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_ENDPOINT": f"{base}/hf",
        "SHOULDERS_REPORT_DIR": str(workdir / "reports"),
        "SHOULDERS_LOG_FORMAT": "json",
    }


def refresh_row(models: int, workdir: Path, share: float = REFRESH_SHARE) -> dict[str, Any]:
    """After ``listing_row``: the same Hub a day later with ``share`` of its models changed
    (``changed_models``: bumped lastModified and sha, re-declared or dropped bases, new
    licences), then ``shoulders ingest --hf-refresh`` with the default README budget."""
    root = workdir / "refresh"
    shutil.rmtree(root, ignore_errors=True)
    write_hub_listing(root, models, changes=changed_models(hub_models(models), share))
    with _serving(root) as base:
        cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-refresh"]
        code, stdout, stderr, wall, peak = _run(cmd, _ingest_env(base, workdir))
    if code != 0:
        raise RuntimeError(f"ingest --hf-refresh exited {code}: {stderr[-2000:]}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    return {
        "models": models,
        "changed": int(summary["changed"]),
        "share": share,
        "listing_requests": int(summary["listing_requests"]),
        "readme_requests": int(summary["readme_read"]),
        "readme_unread": int(summary["readme_unread"]),
        "readme_budget": int(summary["readme_budget"]),
        "requests": int(summary["http_requests"]),
        "requests_per_changed": summary["requests_per_changed"],
        "rate_limit_waits_s": summary["rate_limit_waits_s"],
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(peak, 1),
        "sweep": summary["sweep"],
        "load_avg_5min": round(os.getloadavg()[1], 1),
    }


@contextlib.contextmanager
def _scratch(workdir: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """``env`` pointed at an empty scratch Neo4j home (and state folder); stopped after."""
    settings = load_settings()
    home = scratch_home(LocalNeo4j(settings), workdir / "neo4j-scratch")
    bolt, http = free_port(), free_port()
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": f"bolt://127.0.0.1:{bolt}",
            "neo4j_http_port": http,
        }
    )
    state = workdir / "state"
    shutil.rmtree(state, ignore_errors=True)
    try:
        yield {
            **env,
            "SHOULDERS_HOME": str(state),
            "SHOULDERS_NEO4J_HOME": str(home),
            "NEO4J_URI": scratch.neo4j_uri,
            "NEO4J_HTTP_PORT": str(http),
        }
    finally:
        LocalNeo4j(scratch).stop()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)


_MAPPED = re.compile(
    r"(?P<rows>\d+) rows, (?P<models>\d+) models, (?P<failed>\d+) failed; mapped by "
    r"(?P<workers>\d+) process(?:es)?, peak RSS (?P<rss>\d+) MiB"
)
_IMPORTED = re.compile(r"imported \d+ nodes .* in \d+s \(CSV (?P<csv>\d+)s")


def parquet_row(models: int, workdir: Path) -> dict[str, Any]:
    """``bulk-import --hf-parquet`` of a generated dump into a scratch home; the Python
    side's figures (its processes' peak RSS, the CSV time) are the command's own report."""
    settings = load_settings()
    dump = workdir / "models.parquet"
    if not _dump_holds(dump, models):
        write_hub_parquet(dump, models)
    home = scratch_home(LocalNeo4j(settings), workdir / "neo4j-scratch")
    bolt, http = free_port(), free_port()
    env = {
        **os.environ,
        "SHOULDERS_NEO4J_HOME": str(home),
        "NEO4J_URI": f"bolt://127.0.0.1:{bolt}",
        "NEO4J_HTTP_PORT": str(http),
        "SHOULDERS_NEO4J_START_TIMEOUT": "1800",
    }
    scratch = settings.model_copy(
        update={"neo4j_home": home, "neo4j_uri": env["NEO4J_URI"], "neo4j_http_port": http}
    )
    cmd = [sys.executable, "-m", "shoulders.cli", "bulk-import", "--hf-parquet", str(dump)]
    try:
        code, stdout, stderr, wall, peak = _run(cmd, env)
        store = bytes_under(home / "data")  # served: the store and its indexes, for sizing
    finally:
        LocalNeo4j(scratch).stop()
        shutil.rmtree(home, ignore_errors=True)
    if code != 0:
        raise RuntimeError(f"bulk-import --hf-parquet exited {code}: {stderr[-2000:]}")
    mapped, imported = _MAPPED.search(stdout), _IMPORTED.search(stdout)
    if mapped is None or imported is None:
        raise RuntimeError(f"bulk-import --hf-parquet said something else: {stdout[-2000:]}")
    return {
        "rows": models,
        "file_mib": round(dump.stat().st_size / 2**20, 1),
        "file_to_serving_s": round(wall, 1),
        "peak_rss_mib": float(mapped["rss"]),
        "workers": int(mapped["workers"]),
        "python_side_s": float(imported["csv"]),
        "store_bytes": store,
        "peak_rss_with_children_mib": round(peak, 1),
        "output": stdout.strip().splitlines()[-1],
        "load_avg_5min": round(os.getloadavg()[1], 1),
    }


def _dump_holds(dump: Path, rows: int) -> bool:
    """A dump generated before for the same size is used again (generating 3M rows takes
    minutes and is not what is measured)."""
    import pyarrow.parquet as pq

    try:
        return dump.exists() and pq.ParquetFile(dump).metadata.num_rows == rows
    except (OSError, ValueError):
        return False


_IMPORT_PARTS = re.compile(
    r"import (?P<import>\d+)s, start (?P<start>\d+)s, schema (?P<schema>\d+)s"
)


def _bulk_eta(bulk: dict[str, Any], parquet: dict[str, Any] | None) -> list[str]:
    """The bulk walk's ETA at Hub scale: the slower of limit and pace, plus the import.
    The import is the Parquet row's when that row imported millions of models (the same
    graph shape, measured at that size), else this row's scaled by the models."""
    walk = max(bulk["hub_rate_limit_bound_s"], bulk["hub_pace_bound_s"])
    parts = _IMPORT_PARTS.search(parquet["output"]) if parquet else None
    if parquet and parts and parquet["rows"] >= 1_000_000:
        measured = sum(int(v) for v in parts.groupdict().values())
        hub_import = measured * HUB_MODELS / parquet["rows"]
        basis = (
            f"measured by the Parquet row below on {parquet['rows']:,} models "
            f"({_clock(measured)}: import, start and schema) and scaled to {HUB_MODELS:,}"
        )
    else:
        hub_import = bulk["hub_import_s"]
        basis = "scaled by the models from this row (an upper bound: its fixed costs do not grow)"
    return [
        f"Extrapolated to {HUB_MODELS:,} models: {bulk['hub_requests']:,} requests; the "
        f"anonymous limit alone takes {_clock(bulk['hub_rate_limit_bound_s'])}, the walk's "
        f"own measured pace {_clock(bulk['hub_pace_bound_s'])}; the import, {basis}, "
        f"{_clock(hub_import)}; ETA **{_clock(walk + hub_import)}** (the slower of limit and "
        "pace, plus the import; target: under 40 minutes of rate-limit-bound time).",
    ]


def _refresh_at_hub_scale(row: dict[str, Any]) -> list[str]:
    """The same share of 3.1M models: listing pages of 1,000, READMEs as often as measured."""
    changed = round(HUB_MODELS * row["share"])
    pages = math.ceil(changed / 1000) + 1  # the last page holds the first unchanged model
    wanted = (row["readme_requests"] + row["readme_unread"]) / max(row["changed"], 1)
    readmes = min(row["readme_budget"], math.ceil(changed * wanted))
    windows = max(0, math.ceil((pages + readmes) / ANONYMOUS_QUOTA) - 1) * ANONYMOUS_WINDOW
    return [
        f"At {HUB_MODELS:,} models the same share is {changed:,} changed models: about "
        f"{pages:,} listing requests and {readmes:,} README requests (the budget caps the "
        f"{math.ceil(changed * wanted):,} wanted if changed models lack a declared base as "
        f"often as in this fixture, {wanted:.0%}), at least {_clock(windows)} of waiting under "
        "the anonymous limit if README calls count against the API quota.",
        "",
    ]


def _load_note(row: dict[str, Any]) -> list[str]:
    load = row.get("load_avg_5min")
    if load is None:
        return []
    cores = os.cpu_count() or 1
    return [f"Load average when the row ended: {load:g} on {cores} cores.", ""]


def _clock(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:,.1f} min" if minutes < 120 else f"{minutes / 60:,.1f} h"


def render(results: dict[str, Any], command: str) -> str:
    """docs/benchmarks-hub.md: the rows of issue 15, from one run's figures."""
    lines = [
        "# Benchmarks: the whole Hub",
        "",
        "<!-- Generated by `python -m bench.hub_bootstrap` (bench/hub_bootstrap.py); edit the "
        "generator, not this page. -->",
        "",
        "The two bootstraps of the whole Hub's declared lineage (docs/operations.md), on "
        "synthetic Hubs (bench/hub_fixture.py); each row names its size. Last command: "
        f"`{command}` (`--only listing|listing-bulk|parquet` re-measures one row and keeps "
        "the others' figures; the daily refresh is measured right after the listing).",
        "",
    ]
    listing = results.get("listing")
    if listing:
        lines += [
            "## The listing: `shoulders ingest --hf-all`",
            "",
            "The replay server (its own process) serves the listing in pages of 1,000 chained by "
            '`Link: <...>; rel="next"`, with the anonymous limit in `RateLimit` / '
            "`RateLimit-Policy` headers (500 calls per 300 s); the walk writes through the "
            "batched loader into the local Neo4j. Peak RSS is the ingest process's.",
            "",
            "| models | requests | requests / model (target <= 0.0011) | wall | waits on the "
            "limit | peak RSS |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {listing['models']:,} | {listing['requests']:,} | "
            f"{listing['requests_per_model']:.5f} | {_clock(listing['wall_s'])} | "
            f"{listing['rate_limit_waits_s']:.0f} s | {listing['peak_rss_mib']:,.0f} MiB |",
            "",
            f"Extrapolated to {HUB_MODELS:,} models: {listing['hub_requests']:,} requests; the "
            f"anonymous limit alone takes {_clock(listing['hub_rate_limit_bound_s'])} (every "
            f"window after the first spent waiting), the walk's own measured pace "
            f"{_clock(listing['hub_pace_bound_s'])}; ETA **{_clock(listing['hub_eta_s'])}**, the "
            "slower of the two (target: under 40 minutes of rate-limit-bound time).",
            "",
            *_load_note(listing),
        ]
    refresh = results.get("refresh")
    if refresh:
        lines += [
            f"## The daily refresh, {refresh['share']:.0%} changed: `shoulders ingest "
            "--hf-refresh`",
            "",
            "Right after the listing walk above: the same Hub a day later, with "
            f"{refresh['changed']:,} models changed (bumped `lastModified` and sha; re-declared "
            "or dropped bases, new licences; bench/hub_fixture.py `changed_models`). The refresh "
            "lists by `lastModified` down to the walk's watermark, writes only the changed "
            "models and reads the README of those that declare no base, within the budget "
            f"(`SHOULDERS_HF_REFRESH_README_BUDGET`, {refresh['readme_budget']:,}).",
            "",
            "| changed models | listing requests | README requests (left by the budget) | "
            "requests / changed model | wall | peak RSS |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {refresh['changed']:,} | {refresh['listing_requests']:,} | "
            f"{refresh['readme_requests']:,} ({refresh['readme_unread']:,}) | "
            f"{refresh['requests_per_changed']:.4f} | {_clock(refresh['wall_s'])} | "
            f"{refresh['peak_rss_mib']:,.0f} MiB |",
            "",
            f"Sweep: {refresh['sweep']}.",
            "",
            *_refresh_at_hub_scale(refresh),
            *_load_note(refresh),
        ]
    bulk = results.get("listing-bulk")
    if bulk:
        lines += [
            "## The listing into an empty database: `shoulders ingest --hf-all --bulk`",
            "",
            "The same served listing; each page is spooled, mapped by the same mapper and "
            "written as import CSV while the rate limit paces the requests; at the end one "
            "`neo4j-admin` import, the server start and the schema (a scratch Neo4j home). "
            "Peak RSS is the whole command's, `neo4j-admin`'s JVM (a child) included.",
            "",
            "| models | requests | requests / model (target <= 0.0011) | wall | of which import "
            "+ start + schema | waits on the limit | peak RSS |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {bulk['models']:,} | {bulk['requests']:,} | {bulk['requests_per_model']:.5f} | "
            f"{_clock(bulk['wall_s'])} | {_clock(bulk['import_s'])} | "
            f"{bulk['rate_limit_waits_s']:.0f} s | {bulk['peak_rss_mib']:,.0f} MiB |",
            "",
            *_bulk_eta(bulk, results.get("parquet")),
            "",
            *_load_note(bulk),
        ]
    parquet = results.get("parquet")
    if parquet:
        lines += [
            "## The dump: `shoulders bulk-import --hf-parquet`",
            "",
            "A generated Parquet file in the columns of the hub-stats models table, read in "
            "batches of 5,000 rows and mapped by "
            f"{parquet.get('workers', 1)} process(es) (`SHOULDERS_BULK_WORKERS`, one per core "
            "by default), written as CSV, imported with `neo4j-admin`, then the server starts "
            "and the schema is built. Peak RSS is the Python side's as the command reports "
            "it: the peaks of the reading process and of each mapping process, summed (an "
            "upper bound: they need not coincide); neo4j-admin and the server are JVMs of "
            "their own.",
            "",
            "| rows | file | file -> serving graph (target, 3M rows: < 20 min) | peak RSS "
            "(target < 1 GiB) |",
            "|---:|---:|---:|---:|",
            f"| {parquet['rows']:,} | {parquet['file_mib']:,.1f} MiB | "
            f"{_clock(parquet['file_to_serving_s'])} | {parquet['peak_rss_mib']:,.0f} MiB |",
            "",
            f"Of which the Python side (Parquet -> records -> CSV): "
            f"{_clock(parquet['python_side_s'])}."
            + (
                f" The store served, indexes included: {parquet['store_bytes'] / 2**30:.2f} GiB."
                if parquet.get("store_bytes")
                else ""
            ),
            "",
            f"`{parquet['output']}`",
            "",
            *_load_note(parquet),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hub_bootstrap", description=__doc__)
    parser.add_argument("--models", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("artifacts/bench/hub"))
    parser.add_argument("--only", choices=["listing", "listing-bulk", "parquet"])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks-hub.md"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    # The figures are kept beside the page (docs/benchmarks-hub.json), so --only re-measures
    # one row and the others keep their figures (and sizes), in any checkout.
    out = args.out.with_suffix(".json")
    results: dict[str, Any] = json.loads(out.read_text()) if args.only and out.exists() else {}
    if args.only in (None, "listing"):
        results["listing"] = listing_row(args.models, args.workdir)
        # On the graph the listing walk just left (and its watermark).
        results["refresh"] = refresh_row(args.models, args.workdir)
    if args.only in (None, "listing-bulk"):
        results["listing-bulk"] = listing_row(args.models, args.workdir, bulk=True)
    if args.only in (None, "parquet"):
        results["parquet"] = parquet_row(args.models, args.workdir)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    command = "python -m bench.hub_bootstrap" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    args.out.write_text(render(results, command), encoding="utf-8")
    print(f"wrote {args.out} (figures: {out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
