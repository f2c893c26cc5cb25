"""A bounded load test of the GraphQL API on loopback: ``python -m loadtest``.

N concurrent clients send a fixed mix of queries for M seconds to ``shoulders serve`` and
the run reports latency percentiles per query, status codes and error codes. Errors the
mix asks for on purpose (a limit, an unknown id) are counted apart; anything else -- a
5xx, another error code, a dropped connection -- is an unintended error.

``markdown_section()`` runs it and returns a Markdown section; ``python -m bench`` runs it
against its synthetic graph (``standard_mix`` about that graph's entities) and keeps the
``LoadFigures`` in its results, rendered with this package's ``table`` and ``summary``.
"""

from loadtest.figures import LoadFigures
from loadtest.mix import MIX, Query, standard_mix
from loadtest.report import markdown_section
from loadtest.runner import LoadResult, run_load

__all__ = [
    "MIX",
    "LoadFigures",
    "LoadResult",
    "Query",
    "markdown_section",
    "run_load",
    "standard_mix",
]
