"""The daily refresh (issue 15): the listing sorted by lastModified, down to the watermark
the last finished walk left; only changed models are mapped and written, READMEs only
where the metadata leaves lineage unexplained, under a budget. Against the replay server
with a generated listing and the same listing a day later."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from neo4j import Driver

from bench.hub_fixture import CHANGED, MODIFIED, changed_models, hub_models, write_hub_listing
from ingest.hub import watermark
from ingest.hub.bootstrap import HubRequest, run_hf_all
from ingest.hub.refresh import NO_WATERMARK, RefreshRequest, run_hf_refresh
from shoulders.settings import Settings
from tests.support.dump import canonical_dump

MODELS, PAGE = 240, 40  # six pages
SHARE = 45 / MODELS  # 45 changed models: the first page and part of the second


@pytest.fixture(scope="module")
def day_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub-day-one")
    write_hub_listing(root, MODELS, page_size=PAGE)
    return root


@pytest.fixture(scope="module")
def day_two(tmp_path_factory: pytest.TempPathFactory, day_one: Path) -> tuple[Path, dict]:
    """The same Hub a day later: 45 models changed (re-declared or dropped bases, new
    licences, all with a later lastModified and a new sha)."""
    root = tmp_path_factory.mktemp("hub-day-two")
    changes = changed_models(hub_models(MODELS), SHARE)
    write_hub_listing(root, MODELS, page_size=PAGE, changes=changes)
    unexplained = sum(1 for c in changes.values() if not c.parents)
    return root, {"changed": len(changes), "unexplained": unexplained, "changes": changes}


def _watermark(driver: Driver, settings: Settings) -> str | None:
    mark = watermark.load(driver, settings.neo4j_database)
    return mark.value if mark else None


def test_a_refresh_without_a_watermark_refuses_and_asks_for_hf_all(
    graph: Driver, settings: Settings, day_one: Path
) -> None:
    result = run_hf_refresh(settings, RefreshRequest(replay=day_one))
    assert result.refused == NO_WATERMARK
    assert result.stats.requests == 0 and result.report.http.get("total", 0) == 0
    done = subprocess.run(
        [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-refresh", "--replay", str(day_one)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "--hf-all" in done.stderr


def test_hf_all_leaves_the_watermark_at_the_latest_change_it_listed(
    graph: Driver, settings: Settings, day_one: Path
) -> None:
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    latest = MODIFIED + timedelta(seconds=MODELS - 1)
    assert _watermark(graph, settings) == watermark.iso(latest)


def test_a_refresh_writes_only_the_changed_models_and_ends_with_a_fresh_bootstraps_graph(
    graph: Driver, settings: Settings, day_one: Path, day_two: tuple[Path, dict]
) -> None:
    db = settings.neo4j_database
    changed_listing, expect = day_two
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    before = canonical_dump(graph, db)

    # Budget 0: no README, so the graph must equal a bootstrap of the changed listing.
    request = RefreshRequest(replay=changed_listing, readme_budget=0, sweep_max_share=0.5)
    result = run_hf_refresh(settings, request)
    stats, report = result.stats, result.report
    assert report.status == "success", report.warnings
    # 45 changed models sit on the first page and the first 5 places of the second;
    # the walk stops at the first unchanged one: two listing requests, nothing per model.
    assert (stats.listing_requests, stats.changed, stats.readme_requests) == (2, 45, 0)
    assert report.http["total"] == 2
    assert stats.listed == 46 and stats.duplicates == 0
    assert stats.readme_unread == expect["unexplained"] > 0
    assert stats.readme_skipped == 45 - expect["unexplained"]
    assert report.swept_edges > 0  # re-declared bases and licences withdrew edges
    assert stats.watermark == watermark.iso(CHANGED + timedelta(seconds=44))
    assert _watermark(graph, settings) == stats.watermark
    refreshed = canonical_dump(graph, db, live=True)
    assert refreshed != before
    history = sorted(set(canonical_dump(graph, db)) - set(refreshed))
    assert history and all('"RETRACTED"' in line for line in history)  # kept, not deleted

    graph.execute_query("MATCH (n) WHERE NOT n:ShouldersTestSentinel DETACH DELETE n", database_=db)
    run_hf_all(settings, HubRequest(replay=changed_listing, expected=MODELS))
    fresh = canonical_dump(graph, db, live=True)
    assert refreshed == fresh, sorted(set(refreshed) ^ set(fresh))[:6]


def test_a_refresh_with_nothing_changed_makes_one_request_and_writes_nothing(
    graph: Driver, settings: Settings, day_one: Path
) -> None:
    db = settings.neo4j_database
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    before, mark = canonical_dump(graph, db), _watermark(graph, settings)
    result = run_hf_refresh(settings, RefreshRequest(replay=day_one))
    stats, report = result.stats, result.report
    assert report.status == "success", report.warnings
    assert (stats.listing_requests, stats.listed, stats.changed) == (1, 1, 0)
    assert report.http["total"] == 1
    assert (report.nodes_written, report.edges_written, report.swept_edges) == (0, 0, 0)
    assert canonical_dump(graph, db) == before
    assert _watermark(graph, settings) == mark


def test_readmes_are_read_only_where_lineage_is_unexplained_and_within_the_budget(
    graph: Driver, settings: Settings, day_one: Path, day_two: tuple[Path, dict]
) -> None:
    db = settings.neo4j_database
    changed_listing, expect = day_two
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    request = RefreshRequest(replay=changed_listing, readme_budget=3, sweep_max_share=0.5)
    result = run_hf_refresh(settings, request)
    stats, report = result.stats, result.report
    assert report.status == "success", report.warnings
    assert (stats.readme_requests, stats.readme_unread) == (3, expect["unexplained"] - 3)
    assert report.http["total"] == stats.listing_requests + 3 == 5
    assert report.per_source["hf"]["readme_read"] == 3
    # The README of a model whose card dropped its base names it in prose: the refresh
    # that read it keeps that lineage, now with the README as its evidence.
    found, _, _ = graph.execute_query(
        "MATCH (m:Model)-[r:FINETUNED_FROM]->(:Model) WHERE r.run_id = $run "
        "RETURN m.key AS key, r.url AS url, r.evidence_field AS field",
        run=report.run_id,
        database_=db,
    )
    readme_edges = [r for r in found if str(r["url"] or "").endswith("/README.md")]
    assert readme_edges, found[:3]
    assert all(r["url"].startswith("https://huggingface.co/") for r in readme_edges)


def test_the_cli_runs_a_refresh_and_reports_its_requests(
    graph: Driver, settings: Settings, day_one: Path, day_two: tuple[Path, dict], tmp_path: Path
) -> None:
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    changed_listing, expect = day_two
    cmd = [sys.executable, "-m", "shoulders.cli", "ingest", "--hf-refresh"]
    cmd += ["--replay", str(changed_listing), "--readme-budget", "1", "--sweep-max-share", "0.5"]
    cmd += ["--report", str(tmp_path / "refresh.json")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert (summary["changed"], summary["listing_requests"], summary["readme_read"]) == (45, 2, 1)
    assert summary["readme_unread"] == expect["unexplained"] - 1
    assert summary["requests_per_changed"] == pytest.approx(3 / 45, abs=1e-4)
    assert (tmp_path / "refresh.json").exists()
    # Since a date: the whole window again, idempotently (every model after MODIFIED).
    again = subprocess.run(
        [*cmd[:-2], "--since", "2025-01-01", "--readme-budget", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["changed"] == MODELS and summary["listing_requests"] == MODELS // PAGE


def _variant(listing: Path, tmp_path: Path, name: str) -> Path:
    import shutil

    copy = tmp_path / name
    shutil.copytree(listing, copy)
    return copy


def test_a_stopped_refresh_keeps_the_watermark_and_a_rerun_takes_a_model_listed_twice_once(
    graph: Driver, settings: Settings, day_one: Path, day_two: tuple[Path, dict], tmp_path: Path
) -> None:
    db = settings.neo4j_database
    changed_listing, _ = day_two
    # The Hub stops answering after the first page: the refresh is partial.
    broken = _variant(changed_listing, tmp_path, "broken")
    page = broken / "hf/listings/modified/page-2.yaml"
    doc = yaml.safe_load(page.read_text())
    doc["responses"] = [{"status": 404, "headers": {}, "body": "gone"}]
    page.write_text(yaml.safe_dump(doc))
    # A model of page 2 changed again while the walk was on page 1: with offset pages, the
    # last model of page 1 is pushed onto page 2 and listed twice.
    shifted = _variant(changed_listing, tmp_path, "shifted")
    folder = shifted / "hf/listings/modified"
    first = json.loads((folder / "page-1.json").read_text())
    second = json.loads((folder / "page-2.json").read_text())
    (folder / "page-2.json").write_text(json.dumps([first[-1], *second]))

    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    mark = _watermark(graph, settings)
    stopped = run_hf_refresh(settings, RefreshRequest(replay=broken, readme_budget=0))
    assert stopped.report.status == "partial" and stopped.stats.changed == PAGE
    assert any("listing stopped" in w for w in stopped.report.warnings)
    assert _watermark(graph, settings) == mark  # not moved: the next refresh re-does it

    request = RefreshRequest(replay=shifted, readme_budget=0, sweep_max_share=0.5)
    again = run_hf_refresh(settings, request)
    assert again.report.status == "success", again.report.warnings
    assert (again.stats.changed, again.stats.duplicates, again.stats.listing_requests) == (45, 1, 2)
    assert _watermark(graph, settings) == watermark.iso(CHANGED + timedelta(seconds=44))
    refreshed = canonical_dump(graph, db, live=True)

    graph.execute_query("MATCH (n) WHERE NOT n:ShouldersTestSentinel DETACH DELETE n", database_=db)
    run_hf_all(settings, HubRequest(replay=changed_listing, expected=MODELS))
    assert refreshed == canonical_dump(graph, db, live=True)


def test_a_listing_whose_cursor_leads_back_stops_the_refresh_instead_of_looping(
    graph: Driver, settings: Settings, day_one: Path, day_two: tuple[Path, dict], tmp_path: Path
) -> None:
    # Without page 2's recording the replay server answers its cursor with page 1 again,
    # whose Link names the same cursor: a loop, as a broken upstream could serve.
    looped = _variant(day_two[0], tmp_path, "looped")
    (looped / "hf/listings/modified/page-2.yaml").unlink()
    run_hf_all(settings, HubRequest(replay=day_one, expected=MODELS))
    mark = _watermark(graph, settings)
    result = run_hf_refresh(settings, RefreshRequest(replay=looped, readme_budget=0))
    assert result.report.status == "partial"
    assert any("the listing loops" in w for w in result.report.warnings)
    assert result.stats.listing_requests == 1 and result.report.http["total"] == 2
    assert _watermark(graph, settings) == mark
