"""The page's load-test section, drawn with loadtest's own table and summary."""

from __future__ import annotations

from bench.results import Results
from loadtest.report import MIX_IN_WORDS, summary, table

HEADING = "## Load test"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def load_test_section(r: Results) -> list[str]:
    lt = r.load_test
    if lt is None:
        return [
            HEADING,
            "",
            "The load test was not part of this run: its figures predate the load-test phase. "
            "`python -m bench` runs it after Bench B; `python -m loadtest` runs it on its own "
            "over the recordings' DeepSeek graph.",
            "",
        ]
    f = lt.figures
    unintended = ", ".join(f"{what} ({n})" for what, n in f.unintended.items())
    verdict = (
        "**met**"
        if f.clean
        else f"**missed**: {f.server_errors} 5xx; unintended errors: {unintended or 'none'}"
    )
    return [
        HEADING,
        "",
        f"`loadtest` (the code of `python -m loadtest`) on the graph the full load wrote: "
        f"**{f.clients} concurrent clients for {f.seconds:g} s** against `shoulders serve` "
        "(one uvicorn worker, its own process, started for this phase) on loopback, with "
        f"{r.machine.cores} cores shared by the clients, the API and Neo4j. Each client sends "
        f"loadtest's mix in turn, from its own place in it: {MIX_IN_WORDS}. The mix asks "
        f"about the {lt.roots} derived models Bench B asks about: `standsOn`, the lookup "
        "and the over-limit request about each model, `explain` from it to the root of its "
        f"main line, `search` with Bench B's texts, and `dependents` of `{lt.dependents_of}` "
        "(a base of middling fan-in; Bench B times the largest).",
        "",
        "The two failing requests are the intended limits: `LIMIT_EXCEEDED` and `NOT_FOUND`, "
        "counted as intended only on the request that asks for them. A 5xx, any other error "
        "code, a body that is not JSON or a dropped connection is an unintended error. "
        "Latency per request, client side, in milliseconds (nearest-rank percentiles).",
        "",
        table(f),
        "",
        summary(f) + ".",
        "",
        f"Zero 5xx and no unintended errors: {verdict}. Peak RSS of the API through the "
        f"load test: {_mib(lt.api_rss_mib)}.",
        "",
    ]
