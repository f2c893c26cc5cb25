"""``python -m loadtest [--clients N] [--seconds M] [--url URL] [--markdown]``; exits 1 on any
5xx or unintended error."""

from __future__ import annotations

import argparse
import sys

from loadtest.figures import LoadFigures
from loadtest.report import markdown_section, summary, table
from loadtest.runner import run_load
from loadtest.server import ensure_graph, served
from shoulders.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (1-256)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration (at most 600)")
    parser.add_argument("--url", help="a running API on loopback (default: start one)")
    parser.add_argument("--markdown", action="store_true", help="print the docs section")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_section(args.clients, args.seconds, args.url))
        return 0
    ensure_graph(load_settings())
    if args.url:
        result = run_load(args.url, args.clients, args.seconds)
    else:
        with served() as url:
            result = run_load(url, args.clients, args.seconds)
    figures = LoadFigures.of(result)
    print(table(figures))
    print(summary(figures))
    return 1 if result.server_errors or result.unintended else 0


if __name__ == "__main__":
    sys.exit(main())
