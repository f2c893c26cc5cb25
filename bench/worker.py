"""The measured processes: ``python -m bench.worker <task> ...`` prints one JSON line.

Each ingest path runs in a process of its own so its peak resident memory (VmHWM) is
its own: the full load through the Loader, the CSV side of the bulk import, and the
crawls. The orchestrator (``bench.run``) starts them and reads the last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, get_args

from bench.api_process import free_port
from bench.crawling import naive_crawl, project_crawl
from bench.fingerprint import fingerprint, sample_keys
from bench.loading import load_batched
from bench.memory import peak_rss_mib
from bench.shape import Shape
from bench.synth import Synth
from ingest.bulk.admin_import import run_import, scratch_home, write_csv
from schema import constraints
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j
from shoulders.settings import HfReadme, load_settings


def load(args: argparse.Namespace) -> dict[str, Any]:
    settings = load_settings()
    synth = Synth(Shape.of(args.entities, args.seed))
    with db.driver(settings) as driver:
        timing = load_batched(
            driver, settings.neo4j_database, synth.batches(args.batch), f"Loader, {args.batch}/tx"
        )
    return {**asdict(timing), "peak_rss_mib": peak_rss_mib()}


def bulk(args: argparse.Namespace) -> dict[str, Any]:
    """CSV, import into a scratch home beside the running server, then (optionally) serve it."""
    settings = load_settings()
    home = scratch_home(LocalNeo4j(settings), Path(args.home))
    scratch = settings.model_copy(
        update={
            "neo4j_home": home,
            "neo4j_uri": f"bolt://127.0.0.1:{free_port()}",
            "neo4j_http_port": free_port(),
            "neo4j_heap": args.heap,
            "neo4j_pagecache": args.pagecache,
        }
    )
    server = LocalNeo4j(scratch)
    synth = Synth(Shape.of(args.entities, args.seed))
    csv_dir = Path(args.csv)
    shutil.rmtree(csv_dir, ignore_errors=True)
    out: dict[str, Any] = {}
    try:
        began = time.perf_counter()
        files = write_csv(synth.batches(args.batch), csv_dir)
        out["csv_seconds"] = time.perf_counter() - began
        out["csv_bytes"] = sum(p.stat().st_size for p in [*files.nodes, *files.relationships])
        out["peak_rss_mib"] = peak_rss_mib()  # the Python side; neo4j-admin is a JVM of its own
        began = time.perf_counter()
        out["nodes"], out["relationships"] = run_import(server, files, scratch.neo4j_database)
        out["import_seconds"] = time.perf_counter() - began
        shutil.rmtree(csv_dir, ignore_errors=True)
        if args.serve:
            began = time.perf_counter()
            server.start()
            out["start_seconds"] = time.perf_counter() - began
            began = time.perf_counter()
            with db.driver(scratch) as driver:
                constraints.apply(driver, scratch.neo4j_database)
                out["schema_seconds"] = time.perf_counter() - began
                print_fingerprint = fingerprint(driver, scratch.neo4j_database, sample_keys(synth))
            Path(args.fingerprint).write_text(json.dumps(print_fingerprint, default=str))
            # The sizing docs (docs/operations.md) scale this: store and indexes on disk.
            out["store_bytes"] = bytes_under(Path(home) / "data")
    finally:
        server.stop()
        shutil.rmtree(csv_dir, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    return out


def bytes_under(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):  # the running server may rotate a file meanwhile
            total += path.stat().st_size if path.is_file() else 0
    return total


def crawl(args: argparse.Namespace) -> dict[str, Any]:
    settings = load_settings()
    recordings = Path(args.recordings)
    if args.naive:
        result = naive_crawl(settings, recordings, args.name, args.seed, args.depth)
    else:
        result = project_crawl(
            settings,
            recordings,
            Path(args.workdir),
            args.name,
            authors=args.author,
            seeds=args.seed,
            depth=args.depth,
            hf_readme=args.hf_readme,
        )
    result.peak_rss_mib = peak_rss_mib()
    return result.as_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    tasks = parser.add_subparsers(dest="task", required=True)
    p = tasks.add_parser("load")
    p.add_argument("--entities", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=500)
    p = tasks.add_parser("bulk")
    p.add_argument("--entities", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--home", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--heap", default="1g")
    p.add_argument("--pagecache", default="1g")
    p.add_argument("--serve", action="store_true")
    p.add_argument("--fingerprint", default="")
    p = tasks.add_parser("crawl")
    p.add_argument("--recordings", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--author", action="append", default=[])
    p.add_argument("--seed", action="append", default=[])
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--naive", action="store_true")
    p.add_argument("--hf-readme", choices=get_args(HfReadme), default="always")
    args = parser.parse_args(argv)
    task = {"load": load, "bulk": bulk, "crawl": crawl}[args.task]
    result = task(args)
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
