"""Benchmarks at Hub scale: loading, lineage queries and crawling, each against a baseline.

Run ``.venv/bin/python -m bench`` from the repository root (``--quick`` for small
sizes); it writes ``docs/benchmarks.md``. Nothing here asserts on speed: the figures
are printed and written down, and the tests only check that every section is there.
"""
