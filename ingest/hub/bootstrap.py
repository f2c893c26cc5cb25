"""``shoulders ingest --hf-all``: the listing bootstrap, start to finish.

Lock (the same one as every ingest), then page after page: map each listed model with
the seed crawl's mapper, write the page through the batched loader (one transaction
per page), then move the checkpoint. A killed run leaves the lock to be taken over and
the checkpoint at the last page it committed; the next ``--hf-all`` resumes there. The
walk ends with the guarded sweep, like any ingest run.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from ingest.http import HttpClient, HttpError
from ingest.hub import checkpoint, watermark
from ingest.hub.adapt import BadItem, model_from_item, records
from ingest.hub.listing import Page, first_url, newest, pages
from ingest.hub.progress import Progress
from ingest.job import replaying
from ingest.loader import Loader
from ingest.records import Provenance, RecordBatch
from ingest.runs import RunReport, begin_run, new_run_id, record_run
from ingest.sources.base import utc_now
from ingest.sources.hf import client as hf_client
from ingest.sweep import sweep
from schema import keys
from shoulders import db
from shoulders.settings import Settings

log = logging.getLogger("shoulders.hub")

#: Models on the Hub (2026), the default for the ETA.
EXPECTED_MODELS = 3_100_000
SEED = "hf-all"


@dataclass(frozen=True)
class HubRequest:
    replay: Path | None = None
    expected: int = EXPECTED_MODELS
    max_pages: int | None = None  # stop (resumably) after this many pages: tests, trials
    sweep_max_share: float = 0.05
    force: bool = False
    bulk: bool = False  # into an empty database through neo4j-admin import (bulk_walk.py)


@dataclass
class HubResult:
    report: RunReport
    progress: Progress
    resumed_at_page: int = 0
    walk: dict[str, Any] = field(default_factory=dict)


def new_result(request: HubRequest) -> HubResult:
    """A whole-Hub walk's report and progress, before anything is asked."""
    report = RunReport(
        run_id=new_run_id(),
        started_at=utc_now(),
        seeds=[SEED],
        mode="replay" if request.replay else "live",
    )
    return HubResult(report, Progress(request.expected))


def sweep_into(
    report: RunReport, driver: Driver, database: str, max_share: float, force: bool
) -> None:
    """The guarded sweep at the end of a walk, its outcome written into ``report``."""
    swept = sweep(driver, database, max_share=max_share, force=force)
    report.swept_edges = swept.retracted
    report.sweep = swept.describe(max_share)
    if swept.refused:
        report.warnings.append(report.sweep)


def run_hf_all(
    settings: Settings,
    request: HubRequest,
    on_progress: Callable[[Progress], None] | None = None,
) -> HubResult:
    result = new_result(request)
    report = result.report
    with replaying(settings, request.replay) as s, db.driver(s) as driver:
        database = s.neo4j_database
        lock = begin_run(driver, database, report, s.lock_stale_after)
        if lock is None:
            return result
        try:
            record_run(driver, database, report)
            policies = {hf_client.SERVICE: hf_client.policy(s)}
            with HttpClient(s, policies) as http:
                try:
                    # Records name the public Hub even under --replay (the replay server stands in).
                    public = settings.hf_endpoint.rstrip("/")
                    finished = _walk(
                        driver, database, s, http, request, result, on_progress, public
                    )
                finally:
                    report.http = http.stats.as_dict()
            if finished:
                sweep_into(report, driver, database, request.sweep_max_share, request.force)
            report.status = "partial" if report.failed or not finished else "success"
        except HttpError as exc:
            # The Hub stopped answering: the checkpoint holds the last page; re-run to resume.
            report.status = "partial"
            report.warnings.append(f"listing stopped: {exc}")
        except (DriverError, Neo4jError) as exc:
            report.status = "failed"
            report.warnings.append(f"database: {exc}")
        finally:
            report.finished_at = utc_now()
            with contextlib.suppress(Neo4jError, DriverError):
                record_run(driver, database, report)
                lock.release()
    return result


def _walk(
    driver: Driver,
    database: str,
    settings: Settings,
    http: HttpClient,
    request: HubRequest,
    result: HubResult,
    on_progress: Callable[[Progress], None] | None,
    public: str,
) -> bool:
    """List pages until the last (True) or ``max_pages`` (False: resumable).

    ``public`` is the Hub address the records name, which the served endpoint stands for.
    """
    report, progress = result.report, result.progress
    endpoint = settings.hf_endpoint.rstrip("/")
    point = checkpoint.load(driver, database)
    if point is None or point.status != "running":
        point = checkpoint.Checkpoint(checkpoint.WALK, None, started_at=report.started_at)
    result.resumed_at_page = point.pages
    progress.pages, progress.models = point.pages, point.models
    point.runs = [*point.runs, report.run_id]
    checkpoint.save(driver, database, point, utc_now())
    loader = Loader(driver, database)
    for page in pages(http, point.next_url or first_url()):
        batch, fetched = map_page(page, public, report)
        counts = loader.write(batch, fetched, report.run_id)
        report.nodes_written += counts.nodes_created
        report.edges_written += counts.relationships_created
        point.pages += 1
        point.models += len(page.items)
        point.newest = watermark.latest(point.newest, newest(page.items))
        point.next_url = checkpoint.relative(page.next_url, endpoint) if page.next_url else None
        point.status = "running" if page.next_url else "done"
        checkpoint.save(driver, database, point, utc_now())
        report.bump(hf_client.SERVICE, "pages")
        limit = http.rate_limits.get(hf_client.SERVICE)
        if limit is not None and limit.quota:
            progress.quota, progress.window = limit.quota, limit.window
        progress.page(len(page.items), http.stats.total)
        log.info("listed", extra=progress.as_dict())
        if on_progress is not None:
            on_progress(progress)
        stop = request.max_pages is not None and progress.run_pages >= request.max_pages
        if point.status == "running" and stop:
            report.warnings.append(f"stopped after {progress.run_pages} pages (--max-pages)")
            result.walk = dict(vars(point))
            return False
    result.walk = dict(vars(point))
    _set_watermark(driver, database, point, report.run_id)
    return True


def _set_watermark(
    driver: Driver, database: str, point: checkpoint.Checkpoint, run_id: str
) -> None:
    """Where the first daily refresh stops: the latest change listed, but no later than
    the walk's start (a model listed early and changed during the walk is newer than that)."""
    if point.newest is None:
        return
    moment = watermark.parse(point.newest)
    if point.started_at:
        moment = min(moment, watermark.parse(point.started_at))
    watermark.save(driver, database, moment, run_id, utc_now())


def map_page(
    page: Page, endpoint: str, report: RunReport
) -> tuple[RecordBatch, list[tuple[str, str]]]:
    """One page -> its records, and the (source, key) of each model re-asserted in full."""
    batch = RecordBatch()
    fetched: list[tuple[str, str]] = []
    now = utc_now()
    for item in page.items:
        try:
            model = model_from_item(item)
            key = keys.hf_model(model.id)
            # The model's own API URL: where the same metadata is served, and a short,
            # stable value on millions of nodes (the page URL changes with its cursor).
            prov = _provenance(endpoint, model.id, model.sha, now, report.run_id)
            batch.extend(records(model, prov, endpoint))
        except (BadItem, keys.KeyError_, ValueError) as exc:
            name = str(item.get("id")) if isinstance(item, dict) else "?"
            report.fail(f"hf:model:{name}", hf_client.SERVICE, str(exc))
            continue
        fetched.append((hf_client.SERVICE, key))
        report.fetched += 1
        report.bump(hf_client.SERVICE, "listed")
    return batch, fetched


def _provenance(endpoint: str, repo_id: str, sha: str | None, now: str, run_id: str) -> Provenance:
    return Provenance(hf_client.SERVICE, f"{endpoint}/api/models/{repo_id}", sha, now, run_id)
