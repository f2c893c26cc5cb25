"""``shoulders ingest --hf-refresh``: the daily refresh of the whole-Hub graph.

The listing sorted by ``lastModified`` (newest first), page by page, down to the
watermark the last finished walk left (``watermark.py``); only the models changed
since are mapped (the seed crawl's mapper, as in the bootstrap) and written with
``fetched``, so assertions a model no longer makes are marked stale and swept. A model
listed twice (changed again while the refresh walked) is taken once: its newer state is
after the new watermark, so the next refresh reads it. READMEs are read only for the
changed models whose metadata leaves lineage unexplained (the seed crawl's rule,
``reads_readme``), at most ``readme_budget`` of them. The watermark moves only when the
walk finishes; a killed refresh re-does its window, which the idempotent loader makes
harmless.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from ingest.http import HttpClient, HttpError, UpstreamError
from ingest.hub import watermark
from ingest.hub.adapt import BadItem, model_from_item
from ingest.hub.bootstrap import sweep_into
from ingest.hub.listing import REFRESH_QUERY, first_url, modified_at, newest, pages
from ingest.job import replaying
from ingest.loader import Loader
from ingest.records import Provenance, RecordBatch
from ingest.runs import RunReport, begin_run, new_run_id, record_run
from ingest.sources.base import utc_now
from ingest.sources.hf import client as hf_client
from ingest.sources.hf.client import HfClient
from ingest.sources.hf.mapper import extract_claims, map_model
from ingest.sources.hf.payloads import Card, HfModel
from ingest.sources.hf.source import MAX_CARD_CHARS, reads_readme
from schema import keys
from shoulders import db
from shoulders.settings import Settings

log = logging.getLogger("shoulders.hub")

SEED = "hf-refresh"
_MAX_WARNINGS = 100
NO_WATERMARK = (
    "no watermark yet: run `shoulders ingest --hf-all` first (a finished walk sets it), "
    "or give --since DATE"
)


@dataclass(frozen=True)
class RefreshRequest:
    replay: Path | None = None
    since: datetime | None = None  # instead of the stored watermark
    readme_budget: int | None = None  # None: SHOULDERS_HF_REFRESH_README_BUDGET
    sweep_max_share: float = 0.05
    force: bool = False


@dataclass
class RefreshStats:
    """What a refresh cost and found; requests are counted as sent (retries apart)."""

    readme_budget: int
    since: str | None = None  # where this refresh stops
    watermark: str | None = None  # where the next one will stop (None: not moved)
    listing_requests: int = 0
    readme_requests: int = 0
    listed: int = 0  # items read, down to the first one at or before ``since``
    changed: int = 0  # models mapped and written
    duplicates: int = 0  # listed again during the walk, taken once
    readme_skipped: int = 0  # changed, lineage declared: no README needed
    readme_unread: int = 0  # needed, but over the budget
    started: float = field(default_factory=time.monotonic)

    @property
    def requests(self) -> int:
        return self.listing_requests + self.readme_requests

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def requests_per_changed(self) -> float | None:
        return self.requests / self.changed if self.changed else None

    def line(self) -> str:
        return (
            f"{self.changed:,} changed models since {self.since} in "
            f"{self.listing_requests:,} listing pages; READMEs: {self.readme_requests:,} read, "
            f"{self.readme_unread:,} left by the budget of {self.readme_budget:,}"
        )

    def as_dict(self) -> dict[str, Any]:
        rpc = self.requests_per_changed
        return {
            "since": self.since,
            "watermark": self.watermark,
            "listing_requests": self.listing_requests,
            "readme_requests": self.readme_requests,
            "requests": self.requests,
            "listed": self.listed,
            "changed": self.changed,
            "duplicates": self.duplicates,
            "readme_read": self.readme_requests,
            "readme_unread": self.readme_unread,
            "readme_skipped": self.readme_skipped,
            "readme_budget": self.readme_budget,
            "requests_per_changed": round(rpc, 4) if rpc is not None else None,
            "elapsed_s": round(self.elapsed, 2),
        }


@dataclass
class RefreshResult:
    report: RunReport
    stats: RefreshStats
    refused: str | None = None  # why it did not start (no watermark and no --since)


def run_hf_refresh(
    settings: Settings,
    request: RefreshRequest,
    on_progress: Callable[[RefreshStats], None] | None = None,
) -> RefreshResult:
    report = RunReport(
        run_id=new_run_id(),
        started_at=utc_now(),
        seeds=[SEED],
        mode="replay" if request.replay else "live",
    )
    budget = request.readme_budget
    stats = RefreshStats(settings.hf_refresh_readme_budget if budget is None else budget)
    result = RefreshResult(report, stats)
    with replaying(settings, request.replay) as s, db.driver(s) as driver:
        database = s.neo4j_database
        lock = begin_run(driver, database, report, s.lock_stale_after)
        if lock is None:
            return result
        try:
            since = request.since
            if since is None:
                mark = watermark.load(driver, database)
                since = mark.moment if mark else None
            if since is None:
                result.refused = NO_WATERMARK
                report.status = "failed"
                report.warnings.append(NO_WATERMARK)
                return result
            stats.since = watermark.iso(since)
            record_run(driver, database, report)
            policies = {hf_client.SERVICE: hf_client.policy(s)}
            with HttpClient(s, policies) as http:
                try:
                    # Requests go to the served endpoint (the replay server under --replay);
                    # records and card URLs name the public Hub, as the bootstrap's do.
                    walk = _Walk(driver, database, settings, http, result, on_progress)
                    walk.run(since)
                finally:
                    report.http = http.stats.as_dict()
            sweep_into(report, driver, database, request.sweep_max_share, request.force)
            # Finished: the next refresh starts where this one's first page began.
            moved = watermark.latest(stats.since, walk.first_newest)
            if moved is not None:
                saved = watermark.save(
                    driver, database, watermark.parse(moved), report.run_id, utc_now()
                )
                stats.watermark = saved.value
            report.status = "partial" if report.failed else "success"
        except HttpError as exc:
            # The watermark stays: the next refresh re-does this window.
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


class _Walk:
    """One refresh's pass over the listing: pages, the changed models, their READMEs."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        settings: Settings,
        http: HttpClient,
        result: RefreshResult,
        on_progress: Callable[[RefreshStats], None] | None,
    ) -> None:
        self.report, self.stats = result.report, result.stats
        self.loader = Loader(driver, database)
        self.public = settings.hf_endpoint.rstrip("/")
        self.hub = HfClient(settings, http)  # its card URLs name settings' (public) endpoint
        self.on_progress = on_progress
        self.seen: set[str] = set()
        self.first_newest: str | None = None

    def run(self, since: datetime) -> None:
        asked: set[str] = set()
        for page in pages(self.hub.http, first_url(REFRESH_QUERY)):
            asked.add(page.url)
            if page.next_url is not None and page.next_url in asked:
                # A cursor that leads back: stop rather than list the same pages forever.
                raise UpstreamError(f"the listing loops: {page.next_url}", url=page.url)
            self.stats.listing_requests += 1
            self.report.bump(hf_client.SERVICE, "pages")
            if self.stats.listing_requests == 1:
                self.first_newest = newest(page.items)
            changed, reached = self._changed(page.items, since)
            batch, fetched = self._map(changed)
            counts = self.loader.write(batch, fetched, self.report.run_id)
            self.report.nodes_written += counts.nodes_created
            self.report.edges_written += counts.relationships_created
            log.info("refreshed", extra=self.stats.as_dict())
            if self.on_progress is not None:
                self.on_progress(self.stats)
            if reached:
                return

    def _changed(self, items: list[dict[str, Any]], since: datetime) -> tuple[list[Any], bool]:
        """The items changed after ``since``, each id once; True when ``since`` was reached."""
        changed: list[Any] = []
        for item in items:
            self.stats.listed += 1
            moment = modified_at(item.get("lastModified") if isinstance(item, dict) else None)
            if moment is not None and moment <= since:
                return changed, True
            name = str(item.get("id")) if isinstance(item, dict) else "?"
            if name in self.seen:
                self.stats.duplicates += 1
                continue
            self.seen.add(name)
            changed.append(item)
        return changed, False

    def _map(self, items: list[Any]) -> tuple[RecordBatch, list[tuple[str, str]]]:
        batch = RecordBatch()
        fetched: list[tuple[str, str]] = []
        now = utc_now()
        for item in items:
            try:
                model = model_from_item(item)
                key = keys.hf_model(model.id)
                url = f"{self.public}/api/models/{model.id}"
                prov = Provenance(hf_client.SERVICE, url, model.sha, now, self.report.run_id)
                claims = extract_claims(model)
                card = self._card(model, reads_readme("unexplained", claims))
                claims = claims.with_card(model, card)
                batch.extend(map_model(model, claims, {}, prov, self.public).batch)
            except (BadItem, keys.KeyError_, ValueError) as exc:
                name = str(item.get("id")) if isinstance(item, dict) else "?"
                self.report.fail(f"hf:model:{name}", hf_client.SERVICE, str(exc))
                continue
            fetched.append((hf_client.SERVICE, key))
            self.stats.changed += 1
            self.report.fetched += 1
            self.report.bump(hf_client.SERVICE, "changed")
        return batch, fetched

    def _card(self, model: HfModel, needed: bool) -> Card | None:
        """The README when the metadata leaves lineage unexplained and the budget allows."""
        if not needed:
            self.stats.readme_skipped += 1
            return None
        if self.stats.readme_requests >= self.stats.readme_budget:
            self.stats.readme_unread += 1
            self.report.bump(hf_client.SERVICE, "readme_unread")
            return None
        self.stats.readme_requests += 1
        self.report.bump(hf_client.SERVICE, "readme_read")
        try:
            card = self.hub.card(model.id, model.sha)
        except HttpError as exc:  # AccessDenied (gated) included
            # The metadata is still written; the README waits for the model's next change.
            if len(self.report.warnings) < _MAX_WARNINGS:
                self.report.warnings.append(f"{model.id}: README not read ({exc}); metadata only")
            return None
        if card is not None and len(card.text) > MAX_CARD_CHARS:
            card = replace(card, text=card.text[:MAX_CARD_CHARS])
        return card
