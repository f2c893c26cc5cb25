"""A load test's result in summary: what a report needs, small enough to keep as JSON.

``python -m bench`` saves these figures in its results.json and renders its page from
them again later, so the report functions take figures, never the raw latencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loadtest.runner import LoadResult, percentile


@dataclass(frozen=True)
class Latency:
    """One query's (or all queries') latencies, client side, in milliseconds."""

    name: str
    requests: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, name: str, seconds: list[float]) -> Latency:
        ms = [s * 1000 for s in seconds]
        return cls(
            name,
            len(ms),
            percentile(ms, 50),
            percentile(ms, 95),
            percentile(ms, 99),
            percentile(ms, 100),
        )


@dataclass(frozen=True)
class LoadFigures:
    clients: int
    seconds: float
    queries: list[Latency]  # by query name
    overall: Latency
    statuses: dict[int, int] = field(default_factory=dict)  # HTTP status -> responses
    expected_errors: dict[str, int] = field(default_factory=dict)  # by code: the mix's limits
    unintended: dict[str, int] = field(default_factory=dict)  # by what went wrong

    @classmethod
    def of(cls, result: LoadResult) -> LoadFigures:
        return cls(
            clients=result.clients,
            seconds=result.seconds,
            queries=[Latency.of(name, v) for name, v in sorted(result.latencies.items())],
            overall=Latency.of("all", result.all_latencies()),
            statuses=dict(sorted(result.statuses.items())),
            expected_errors=dict(sorted(result.expected_errors.items())),
            unintended=dict(sorted(result.unintended.items())),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadFigures:
        """The inverse of ``dataclasses.asdict`` after a JSON round trip (keys are strings)."""
        return cls(
            clients=data["clients"],
            seconds=data["seconds"],
            queries=[Latency(**q) for q in data["queries"]],
            overall=Latency(**data["overall"]),
            statuses={int(s): n for s, n in data["statuses"].items()},
            expected_errors=dict(data["expected_errors"]),
            unintended=dict(data["unintended"]),
        )

    @property
    def requests(self) -> int:
        return self.overall.requests

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def clean(self) -> bool:
        """No 5xx and no error the mix did not ask for."""
        return self.server_errors == 0 and not self.unintended
