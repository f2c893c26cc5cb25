"""A bounded load test of the GraphQL API on loopback: ``python -m loadtest``.

N concurrent clients send a fixed mix of queries for M seconds to ``shoulders serve`` and
the run reports latency percentiles per query, status codes and error codes. Errors the
mix asks for on purpose (a limit, an unknown id) are counted apart; anything else -- a
5xx, another error code, a dropped connection -- is an unintended error.

``markdown_section()`` runs it and returns the section docs/benchmarks.md includes.
"""

from loadtest.report import markdown_section
from loadtest.runner import LoadResult, run_load

__all__ = ["LoadResult", "markdown_section", "run_load"]
