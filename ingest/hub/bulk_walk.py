"""``shoulders ingest --hf-all --bulk``: the listing walk into an empty database through
``neo4j-admin import`` instead of the Loader.

The loader walk commits each page with MERGEs, about 330 models/s on 2 cores: 2.5 h for
the whole Hub, five times the anonymous rate limit's 30 min. Into an empty database the
MERGEs buy nothing, so this walk maps each page with the same mapper straight into the
bulk path's CSV files (``ingest/bulk``), while the rate limit paces the requests, and
imports once at the end: the same graph as the loader walk's (tests/test_hub_bootstrap.py).

Resumable: pages and the cursor are spooled on disk (``spool.py``); a killed walk maps
the spooled pages again and lists on from the cursor. The database is checked for
entities before the first request and again before the import, which replaces it.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from neo4j.exceptions import DriverError, Neo4jError

from ingest.bulk.admin_import import BulkImportError, holds_entities, run_import
from ingest.bulk.csv_files import CsvSnapshot
from ingest.http import HttpClient, HttpError
from ingest.hub import checkpoint, watermark
from ingest.hub.bootstrap import HubRequest, HubResult, map_page, new_result
from ingest.hub.listing import Page, first_url, newest, pages
from ingest.hub.prefetch import ahead
from ingest.hub.progress import Progress
from ingest.hub.spool import Cursor, Spool, SpoolBusy
from ingest.job import replaying
from ingest.runs import record_run
from ingest.sources.base import utc_now
from ingest.sources.hf import client as hf_client
from schema import constraints
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j, Neo4jServerError
from shoulders.settings import Settings

log = logging.getLogger("shoulders.hub")


def spool_folder(settings: Settings) -> Path:
    return settings.home / "hf-all-spool"


def run_hf_all_bulk(
    settings: Settings,
    request: HubRequest,
    on_progress: Callable[[Progress], None] | None = None,
) -> HubResult:
    result = new_result(request)
    report = result.report
    server = LocalNeo4j(settings)
    spool = Spool(spool_folder(settings))
    try:
        with spool.locked():
            if not request.force and holds_entities(server):
                raise BulkImportError("the database holds entities; --force replaces it")
            with tempfile.TemporaryDirectory(prefix="shoulders-hf-all-") as tmp:
                csv = CsvSnapshot(Path(tmp))
                if _walk(settings, request, spool, csv, result, on_progress):
                    _import(server, csv, request, result)
                    spool.clear()
    except SpoolBusy as exc:
        report.status = "busy"
        report.warnings.append(str(exc))
    except HttpError as exc:
        report.status = "partial"  # the spool holds every page listed; re-run to resume
        report.warnings.append(f"listing stopped: {exc}")
    except (BulkImportError, Neo4jServerError, DriverError, Neo4jError, OSError) as exc:
        report.status = "failed"
        report.warnings.append(str(exc))
    report.finished_at = utc_now()
    return result


def _walk(
    settings: Settings,
    request: HubRequest,
    spool: Spool,
    csv: CsvSnapshot,
    result: HubResult,
    on_progress: Callable[[Progress], None] | None,
) -> bool:
    """Map the spooled pages, then list on; True when the listing's last page is in."""
    report, progress = result.report, result.progress
    public = settings.hf_endpoint.rstrip("/")  # records name the Hub, even under --replay
    cursor = spool.cursor() or Cursor(None)
    result.resumed_at_page = cursor.pages
    latest: str | None = None  # the newest lastModified listed: the refresh's watermark
    for number, items in enumerate(spool.saved_pages(cursor), start=1):
        batch, _ = map_page(Page(f"spool:{number}", items, None), public, report)
        csv.add(batch)
        latest = watermark.latest(latest, newest(items))
    progress.pages, progress.models = cursor.pages, cursor.models
    cursor.runs = [*cursor.runs, report.run_id]
    if cursor.pages and cursor.next_url is None:
        result.walk = vars(cursor) | {"status": "done", "newest": latest}
        return True  # the walk was done; the import is what failed
    with (
        replaying(settings, request.replay) as s,
        HttpClient(s, {hf_client.SERVICE: hf_client.policy(s)}) as http,
    ):
        endpoint = s.hf_endpoint.rstrip("/")
        try:
            for page in ahead(pages(http, cursor.next_url or first_url())):
                cursor.pages += 1
                cursor.models += len(page.items)
                cursor.next_url = (
                    checkpoint.relative(page.next_url, endpoint) if page.next_url else None
                )
                spool.save(cursor, page.items)
                batch, _ = map_page(page, public, report)
                csv.add(batch)
                latest = watermark.latest(latest, newest(page.items))
                report.bump(hf_client.SERVICE, "pages")
                limit = http.rate_limits.get(hf_client.SERVICE)
                if limit is not None and limit.quota:
                    progress.quota, progress.window = limit.quota, limit.window
                progress.page(len(page.items), http.stats.total)
                log.info("listed", extra=progress.as_dict())
                if on_progress is not None:
                    on_progress(progress)
                stop = request.max_pages is not None and progress.run_pages >= request.max_pages
                if page.next_url and stop:
                    report.status = "partial"
                    report.warnings.append(
                        f"stopped after {progress.run_pages} pages (--max-pages)"
                    )
                    result.walk = vars(cursor) | {"status": "running"}
                    return False
        finally:
            report.http = http.stats.as_dict()
    result.walk = vars(cursor) | {"status": "done", "newest": latest}
    return True


def _import(server: LocalNeo4j, csv: CsvSnapshot, request: HubRequest, result: HubResult) -> None:
    """Import the CSV (the database must still hold no entities), start, schema, records."""
    report = result.report
    began = time.perf_counter()
    files = csv.close()
    if not request.force and holds_entities(server):
        raise BulkImportError("the database gained entities during the walk; --force replaces it")
    server.stop()
    nodes, relationships = run_import(server, files, server.settings.neo4j_database)
    server.start()
    database = server.settings.neo4j_database
    with db.driver(server.settings) as driver:
        constraints.apply(driver, database)
        report.nodes_written, report.edges_written = nodes, relationships
        report.status = "partial" if report.failed else "success"
        report.finished_at = utc_now()
        record_run(driver, database, report)
        walked = result.walk
        point = checkpoint.Checkpoint(
            checkpoint.WALK,
            None,
            pages=int(walked.get("pages", 0)),
            models=int(walked.get("models", 0)),
            status="done",
            started_at=report.started_at,
            runs=list(walked.get("runs", [])),
        )
        checkpoint.save(driver, database, point, utc_now())
        if walked.get("newest"):
            # As after a walk through the loader, but from this run's start: a resumed walk's
            # first start is not kept in the spool.
            moment = watermark.parse(str(walked["newest"]))
            moment = min(moment, watermark.parse(report.started_at))
            watermark.save(driver, database, moment, report.run_id, utc_now())
    # From the last page to a serving graph: what the walk's pace does not include.
    result.walk["import_s"] = round(time.perf_counter() - began, 1)
