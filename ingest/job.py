"""One ingest run, start to finish: lock, crawl, sweep, report.

This is what ``shoulders ingest`` and the main job call. Item failures make a run
*partial*; only configuration, authentication or database failures make it *fail*.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from neo4j.exceptions import (
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from ingest.crawl import Crawler, Limits
from ingest.http import HttpClient
from ingest.replay.public import PublicUrls, public_prefixes
from ingest.runs import RunReport, begin_run, new_run_id, record_run
from ingest.sources.base import Source, utc_now
from ingest.sources.registry import SOURCES, build_sources
from ingest.sweep import sweep
from schema import keys
from shoulders import db
from shoulders.settings import Settings, env_names

log = logging.getLogger("ingest")


@dataclass(frozen=True)
class IngestRequest:
    seeds: Sequence[str] = ()
    hf_authors: Sequence[str] = ()
    limits: Limits = field(default_factory=Limits)
    replay: Path | None = None
    sweep_max_share: float = 0.05
    force: bool = False
    sources: frozenset[str] | None = None  # None: all registered sources


@contextlib.contextmanager
def replaying(
    settings: Settings, folder: Path | None, unanswered: list[Callable[[], list[str]]] | None = None
) -> Iterator[Settings]:
    """Serve a recording folder on loopback and point every source at it.

    ``unanswered`` receives a function that lists the requests no recording answered.
    """
    if folder is None:
        yield settings
        return
    from ingest.replay.server import ReplayServer

    by_env = {env: name for name, env in env_names().items()}
    with ReplayServer(folder, log_misses=unanswered is None) as server:
        updates = {by_env[env]: url for env, url in server.endpoints().items() if env in by_env}
        if unanswered is not None:
            unanswered.append(
                lambda: sorted(
                    {
                        f"no recording for {r.method} {r.path}"
                        + (f"?{urlencode(r.query, doseq=True)}" if r.query else "")
                        + f" (service {r.service})"
                        for r in server.stats.unmatched()
                    }
                )
            )
        yield settings.model_copy(update=updates)


def run_ingest(
    settings: Settings,
    request: IngestRequest,
    on_progress: Callable[[RunReport, int], None] | None = None,
) -> RunReport:
    report = RunReport(
        run_id=new_run_id(),
        started_at=utc_now(),
        seeds=[*request.seeds, *(keys.hf_author(a) for a in request.hf_authors)],
        mode="replay" if request.replay else "live",
    )
    unanswered: list[Callable[[], list[str]]] = []
    with replaying(settings, request.replay, unanswered) as s, db.driver(s) as driver:
        database = s.neo4j_database
        lock = begin_run(driver, database, report, s.lock_stale_after)
        if lock is None:
            return report
        gone = False
        try:
            record_run(driver, database, report)
            sources = build_sources(s, set(request.sources) if request.sources else None)
            report.warnings.extend(missing_additions(sources))
            policies = {src.name: src.policy() for src in sources}
            with HttpClient(s, policies, cache_path=s.report_dir / "http-cache.sqlite") as http:
                crawler = Crawler(
                    driver=driver,
                    database=database,
                    settings=s,
                    http=http,
                    sources=sources,
                    report=report,
                    limits=request.limits,
                    lock=lock,
                    on_progress=on_progress,
                    public_urls=PublicUrls(public_prefixes(settings, s))
                    if request.replay
                    else None,
                )
                crawler.run([*request.seeds, *(keys.hf_author(a) for a in request.hf_authors)])
                report.http = http.stats.as_dict()
            # Under --replay, every request the recordings did not answer, as a warning.
            for listing in unanswered:
                report.warnings += listing()
            # Per source: what was fetched, skipped, failed, and the HF READMEs read or skipped.
            log.info(
                "crawled",
                extra={"per_source": report.per_source, "http_requests": report.http.get("total")},
            )
            result = sweep(driver, database, max_share=request.sweep_max_share, force=request.force)
            report.swept_edges = result.retracted
            report.sweep = result.describe(request.sweep_max_share)
            if result.refused:
                report.warnings.append(report.sweep)
            report.status = "partial" if report.failed or result.refused else "success"
        except (DriverError, Neo4jError) as exc:
            report.status = "failed"
            report.warnings.append(f"database: {exc}")
            gone = isinstance(exc, ServiceUnavailable | SessionExpired)
        finally:
            report.finished_at = utc_now()
            # With the database gone, these would each wait out the driver's 30 s of retries
            # and fail; the next run takes the lock over (this pid is gone by then).
            if not gone:
                with contextlib.suppress(Neo4jError, ServiceUnavailable, SessionExpired):
                    record_run(driver, database, report)
                    lock.release()
    return report


def missing_additions(enabled: Sequence[Source]) -> list[str]:
    """Registered sources left out of this run that would have added to what runs."""
    running = {s.name for s in enabled}
    owned = tuple(p for s in enabled for p in s.prefixes)
    return [
        f"the {name} source is not enabled: {' '.join(kind.adds_to)} entities get nothing from it"
        for name, kind in SOURCES.items()
        if name not in running and kind.adds_to and any(p.startswith(kind.adds_to) for p in owned)
    ]
