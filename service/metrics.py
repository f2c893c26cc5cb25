"""Prometheus metrics, one registry per app (so tests can run several apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

# Label values are limited to the app's own paths, so a scan cannot blow up cardinality.
KNOWN_PATHS = frozenset(
    {"/graphql", "/healthz", "/metrics", "/browser/guide.html", "/browser/shoulders.grass"}
)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "shoulders_http_requests",
            "HTTP requests by path, method and status.",
            ["path", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "shoulders_http_request_duration_seconds",
            "HTTP request latency by path.",
            ["path"],
            registry=self.registry,
        )
        self.cypher = Counter(
            "shoulders_neo4j_queries",
            "Cypher queries sent to Neo4j.",
            registry=self.registry,
        )

    def observe(self, path: str, method: str, status: int, seconds: float) -> None:
        if path in KNOWN_PATHS:
            label = path
        else:  # one label for every export, whatever the key
            label = "/export" if path.startswith("/export/") else "other"
        self.requests.labels(label, method, str(status)).inc()
        self.latency.labels(label).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
