"""``python -m bench [--quick]``: run every benchmark and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from bench import results_io
from bench.config import BenchConfig
from bench.database import NotOurDatabase
from bench.report import write
from bench.run import requery, run
from bench.shape import SIZES, Shape
from bench.synth import Synth
from ingest.bulk.snapshot import write_snapshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: the CI smoke run")
    parser.add_argument(
        "--size", choices=sorted(SIZES), help="entities in the graph (default 1M; quick: 10k)"
    )
    parser.add_argument("--out", type=Path, help="the page to write (default docs/benchmarks.md)")
    parser.add_argument("--workdir", type=Path, help="scratch space (default artifacts/bench)")
    parser.add_argument(
        "--snapshot",
        type=Path,
        help="only write the synthetic graph of --size as a record snapshot (JSON lines, .gz "
        "to compress) for `shoulders bulk-import`, and exit",
    )
    parser.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS_JSON",
        help="only write the page again from a run's recorded figures (its results.json)",
    )
    parser.add_argument(
        "--requery",
        type=Path,
        metavar="RESULTS_JSON",
        help="only measure Bench B and the load test again, on the graph the run of "
        "RESULTS_JSON left loaded, and write the page with the new query figures",
    )
    args = parser.parse_args(argv)
    command = "python -m bench" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    if args.requery:
        try:
            results = requery(results_io.load(args.requery), command)
        except NotOurDatabase as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        path = write(results, args.out or results.config.out)
        print(f"wrote {path} (raw figures: {results_io.save(results, args.requery)})")
        return 0
    if args.render:
        recorded = results_io.load(args.render)
        print(f"wrote {write(recorded, args.out or recorded.config.out)} from {args.render}")
        return 0
    if args.snapshot:
        shape = Shape.of(SIZES[args.size or ("10k" if args.quick else "1M")])
        count = write_snapshot(Synth(shape).batches(500), args.snapshot)
        print(f"wrote {count:,} records of {shape.entities:,} entities to {args.snapshot}")
        return 0
    config = BenchConfig.quick_run() if args.quick else BenchConfig.full()
    if args.size:
        config = BenchConfig(**{**asdict(config), "entities": SIZES[args.size]})
    config = config.with_paths(args.workdir, args.out)
    try:
        results = run(config, command)
    except NotOurDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write(results, config.out)
    raw = results_io.save(results, config.workdir / "results.json")
    print(f"wrote {path} (raw figures: {raw})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
