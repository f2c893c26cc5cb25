"""Bench C: HTTP requests per ingested entity, the project's crawl against a naive one.

Both crawl the generated neighbourhood (``hub_fixture``) through the replay server,
which counts every request it answers; that count, not the crawler's own, is the
figure. The project's crawl is ``run_ingest`` exactly as ``shoulders ingest`` runs it
(HF source only: the neighbourhood has no papers or code), under either README policy
(``SHOULDERS_HF_README``). The naive crawl asks for every entity on its own --
``GET /api/models/{id}`` plus its README per model, ``GET /api/datasets/{id}`` per
dataset -- over the same entities and depth limits.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.crawl import Item, Limits
from ingest.http import HttpClient, HttpError
from ingest.job import IngestRequest, run_ingest
from ingest.records import Provenance
from ingest.replay.server import ReplayServer
from ingest.replay.stats import RecordedRequest
from ingest.sources.hf import client as hf_client
from ingest.sources.hf.mapper import extract_claims, map_dataset, map_model
from schema import keys
from schema.vocabulary import ENTITY, RETRACTED
from shoulders import db
from shoulders.settings import HfReadme, Settings, env_names


@dataclass
class CrawlResult:
    name: str
    requests: int
    entities: int  # fetched from the source (each counted once)
    nodes_written: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    routes: dict[str, int] = field(default_factory=dict)  # listing | model | readme | dataset
    peak_rss_mib: float | None = None
    readme_policy: str = "always"  # SHOULDERS_HF_README of the project's crawl
    readme_skipped: int = 0  # READMEs the policy did not read (the run report's count)
    readme_assertions: int | None = None  # edges with README evidence in the graph after it

    @property
    def covered(self) -> int:
        """Entities the run accounted for: fetched, or found unchanged."""
        return self.entities + self.skipped

    @property
    def per_entity(self) -> float:
        return self.requests / self.covered if self.covered else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


def route(request: RecordedRequest) -> str:
    path = request.path.removeprefix("/hf")
    if path == "/api/models":
        return "listing"
    if path.startswith("/api/models/"):
        return "model"
    if path.startswith("/api/datasets/"):
        return "dataset"
    if "/resolve/" in path:
        return "readme"
    return "other"


def _pointed(
    settings: Settings, server: ReplayServer, workdir: Path, hf_readme: HfReadme = "always"
) -> Settings:
    by_env = {env: name for name, env in env_names().items()}
    updates: dict[str, Any] = {
        by_env[env]: url for env, url in server.endpoints().items() if env in by_env
    }
    updates["report_dir"] = workdir
    updates["hf_readme"] = hf_readme
    return settings.model_copy(update=updates)


def readme_assertions(settings: Settings) -> int:
    """Edges whose evidence is in a README: what the ``unexplained`` policy may give up."""
    with db.driver(settings) as driver:
        records, _, _ = driver.execute_query(
            f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) "
            f"WHERE r.evidence_field STARTS WITH 'README' AND type(r) <> '{RETRACTED}' "
            "RETURN count(r) AS n",
            database_=settings.neo4j_database,
        )
    return int(records[0]["n"])


def project_crawl(
    settings: Settings,
    recordings: Path,
    workdir: Path,
    name: str,
    *,
    authors: Iterable[str] = (),
    seeds: Iterable[str] = (),
    depth: int = 4,
    hf_readme: HfReadme = "always",
) -> CrawlResult:
    """One ``shoulders ingest`` run against the recordings; the replay server counts."""
    with ReplayServer(recordings) as server:
        pointed = _pointed(settings, server, workdir, hf_readme)
        request = IngestRequest(
            seeds=[keys.parse_seed(s) for s in seeds],
            hf_authors=list(authors),
            limits=Limits(depth=depth),
            sources=frozenset({"hf"}),
        )
        began = time.perf_counter()
        report = run_ingest(pointed, request)
        seconds = time.perf_counter() - began
        requests = server.stats.requests
    if report.status not in ("success", "partial"):
        raise RuntimeError(f"crawl {name} ended {report.status}: {report.warnings[:3]}")
    return CrawlResult(
        name=name,
        requests=len(requests),
        entities=report.fetched,
        nodes_written=report.nodes_written,
        skipped=report.skipped_unchanged,
        failed=report.failed,
        seconds=seconds,
        routes=dict(Counter(route(r) for r in requests)),
        readme_policy=hf_readme,
        readme_skipped=report.per_source.get("hf", {}).get("readme_skipped", 0),
        readme_assertions=readme_assertions(settings),
    )


def naive_crawl(
    settings: Settings, recordings: Path, name: str, seeds: Iterable[str], depth: int = 4
) -> CrawlResult:
    """Every entity by its own requests, breadth-first upstream under the same limits."""
    limits = Limits(depth=depth)
    with ReplayServer(recordings) as server:
        pointed = _pointed(settings, server, Path("."))
        policy = hf_client.policy(pointed)
        began = time.perf_counter()
        fetched = failed = 0
        with HttpClient(pointed, {policy.name: policy}) as http:
            client = hf_client.HfClient(pointed, http)
            level = [Item(keys.parse_seed(s)) for s in seeds]
            seen = {item.key for item in level}
            while level:
                following: list[Item] = []
                for item in level:
                    try:
                        follows = _fetch_one(client, item.key)
                    except HttpError:
                        failed += 1
                        continue
                    fetched += 1
                    for follow in follows:
                        child = item.step(follow)
                        if follow.key in seen or not child.within(limits):
                            continue
                        if not follow.key.startswith(("hf:model:", "hf:dataset:")):
                            continue  # only the HF source, as in the project's crawl
                        seen.add(follow.key)
                        following.append(child)
                level = following
        seconds = time.perf_counter() - began
        requests = server.stats.requests
    return CrawlResult(
        name=name,
        requests=len(requests),
        entities=fetched,
        failed=failed,
        seconds=seconds,
        routes=dict(Counter(route(r) for r in requests)),
    )


def _fetch_one(client: hf_client.HfClient, key: str) -> list[Any]:
    repo_id = keys.parse(key).id
    prov = Provenance("hf", key, None, "2025-06-01T00:00:00Z", "naive")
    if key.startswith("hf:dataset:"):
        return map_dataset(client.dataset(repo_id), prov, client.endpoint).follow
    model = client.model(repo_id)
    card = client.card(model.id, model.sha)
    return map_model(model, extract_claims(model, card), {}, prov, client.endpoint).follow
