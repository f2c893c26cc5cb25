"""Time: a withdrawn and a re-declared base, through the real ingest, answered as of then.

Run 1 ingests the bundled recordings: M (Qwen2.5-7B-Instruct) fine-tunes Qwen2.5-7B under
apache-2.0, N (Qwen2.5-1.5B-Instruct) fine-tunes Qwen2.5-1.5B. Run 2 replays a copy in
which M re-declares its base as Qwen2.5-14B under MIT, and N declares no base at all.
The sweep retracts what run 2 no longer says; ``asOf``, ``changes``, ``shoulders diff``
and ``shoulders purge`` are checked against that history.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from ingest.job import IngestRequest, run_ingest
from ingest.purge import PurgeRefused, purge
from ingest.sources.base import utc_now
from service.app import create_app
from service.queries.changes import classify
from service.queries.rows import EdgeRow
from shoulders.cli import app
from shoulders.settings import BUNDLED_RECORDINGS, Settings
from tests.api_server import Served, serve
from tests.conftest import wipe
from tests.support.dump import canonical_dump

M = "hf:model:Qwen/Qwen2.5-7B-Instruct"
N = "hf:model:Qwen/Qwen2.5-1.5B-Instruct"
OLD_BASE = "hf:model:Qwen/Qwen2.5-7B"
NEW_BASE = "hf:model:Qwen/Qwen2.5-14B"
N_BASE = "hf:model:Qwen/Qwen2.5-1.5B"
APACHE = "license:apache-2.0"
MIT = "license:mit"
SEEDS = [M, N]
HF_ONLY = frozenset({"hf"})
runner = CliRunner()


def _edit(copy: Path, repo: str, change: Callable[[dict[str, Any]], None]) -> None:
    """``repo``'s model answer in ``copy``, changed by ``change`` at a new commit."""
    folder = copy / "hf" / "models" / repo
    body = folder / "api_model.json"
    data = json.loads(body.read_text())
    old, data["sha"] = data["sha"], "e" * 40
    for recording in folder.glob("*.yaml"):  # the card is served at the new commit too
        recording.write_text(recording.read_text().replace(old, data["sha"]))
    change(data)
    body.write_text(json.dumps(data))


def _redeclare(data: dict[str, Any]) -> None:
    data["cardData"]["base_model"] = "Qwen/Qwen2.5-14B"
    data["cardData"]["license"] = "mit"
    data["cardData"].pop("license_link", None)
    data["tags"] = [
        t.replace("Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-14B").replace(
            "license:apache-2.0", "license:mit"
        )
        for t in data["tags"]
    ]


def _withdraw(data: dict[str, Any]) -> None:
    data["cardData"].pop("base_model", None)
    data["tags"] = [t for t in data["tags"] if not t.startswith("base_model:")]


def _run(settings: Settings, replay: Path) -> None:
    # A graph of two seeds: its withdrawn share is large, and the guard is not tested here.
    request = IngestRequest(seeds=SEEDS, replay=replay, sources=HF_ONLY, sweep_max_share=0.5)
    report = run_ingest(settings, request)
    assert report.status == "success", (report.failures, report.sweep)


def _later() -> str:
    """A moment strictly after every stamp written so far (stamps are to the second)."""
    time.sleep(1.1)
    moment = utc_now()
    time.sleep(1.1)
    return moment


@dataclass(frozen=True)
class History:
    driver: Driver
    between: str  # after run 1, before run 2
    after: str  # after run 2
    run2: Path


@pytest.fixture(scope="module")
def history(
    driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[History]:
    wipe(driver, settings.neo4j_database)
    copy = tmp_path_factory.mktemp("time") / "recordings"
    shutil.copytree(BUNDLED_RECORDINGS, copy)
    _edit(copy, "Qwen/Qwen2.5-7B-Instruct", _redeclare)
    _edit(copy, "Qwen/Qwen2.5-1.5B-Instruct", _withdraw)
    _run(settings, BUNDLED_RECORDINGS)
    between = _later()
    _run(settings, copy)
    after = _later()
    yield History(driver, between, after, copy)
    wipe(driver, settings.neo4j_database)


@pytest.fixture(scope="module")
def api(history: History, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as served:
        yield served


def _out(drv: Driver, settings: Settings, key: str) -> set[tuple[str, str]]:
    records, _, _ = drv.execute_query(
        "MATCH (:Entity {key: $key})-[r]->(b:Entity) "
        "WHERE type(r) IN ['FINETUNED_FROM', 'LICENSED_UNDER', 'RETRACTED'] "
        "RETURN type(r) + coalesce('/' + r.rel, '') AS t, b.key AS b",
        key=key,
        database_=settings.neo4j_database,
    )
    return {(r["t"], r["b"]) for r in records}


def test_the_live_graph_holds_the_new_base_and_history_the_old(
    history: History, settings: Settings
) -> None:
    assert _out(history.driver, settings, M) == {
        ("FINETUNED_FROM", NEW_BASE),
        ("LICENSED_UNDER", MIT),
        ("RETRACTED/FINETUNED_FROM", OLD_BASE),
        ("RETRACTED/LICENSED_UNDER", APACHE),
    }
    assert _out(history.driver, settings, N) == {
        ("LICENSED_UNDER", APACHE),
        ("RETRACTED/FINETUNED_FROM", N_BASE),
    }
    records, _, _ = history.driver.execute_query(
        "MATCH (:Entity {key: $m})-[h:RETRACTED]->(:Entity {key: $old}) RETURN properties(h) AS h",
        m=M,
        old=OLD_BASE,
        database_=settings.neo4j_database,
    )
    for record in records:
        h = record["h"]
        assert h["rel"] == "FINETUNED_FROM" and "stale_run" not in h
        assert h["first_seen"] < history.between < h["retracted_at"] < history.after
        assert h["source"] == "hf" and h["evidence_field"] and h["retracted_run"]


def test_rerunning_run_2_changes_nothing(history: History, settings: Settings) -> None:
    before = canonical_dump(history.driver, settings.neo4j_database)
    _run(settings, history.run2)
    assert canonical_dump(history.driver, settings.neo4j_database) == before


STANDS_ON = """
query($key: String!, $asOf: DateTime) {
  standsOn(key: $key, maxDepth: 1, asOf: $asOf) {
    nodes { entity { key } via { relation evidence { field firstSeen lastSeen retractedAt } } }
  }
}
"""
DEPENDENTS = """
query($key: String!, $asOf: DateTime) {
  dependents(key: $key, maxDepth: 1, asOf: $asOf) { edges { node { key } relations } }
}
"""
EXPLAIN = """
query($from: String!, $to: String!, $asOf: DateTime) {
  explain(from: $from, to: $to, asOf: $asOf) {
    length chains { hops { relation toKey evidence { retractedAt firstSeen } } }
  }
}
"""


def _upstream(api: Served, key: str, as_of: str | None) -> dict[str, Any]:
    nodes = api.data(STANDS_ON, key=key, asOf=as_of)["standsOn"]["nodes"]
    return {n["entity"]["key"]: n["via"] for n in nodes if n["via"] is not None}


def test_stands_on_as_of_between_the_runs_answers_with_the_old_base(
    api: Served, history: History
) -> None:
    then = _upstream(api, M, history.between)
    assert OLD_BASE in then and APACHE in then
    assert NEW_BASE not in then and MIT not in then
    assert then[OLD_BASE]["relation"] == "FINETUNED_FROM"
    assert all(e["retractedAt"] > history.between for e in then[OLD_BASE]["evidence"])
    now = _upstream(api, M, None)
    assert NEW_BASE in now and MIT in now and OLD_BASE not in now and APACHE not in now
    assert all(e["retractedAt"] is None for e in now[NEW_BASE]["evidence"])
    assert _upstream(api, M, history.after).keys() == now.keys()
    assert N_BASE in _upstream(api, N, history.between)
    assert N_BASE not in _upstream(api, N, history.after)


def test_dependents_and_explain_as_of(api: Served, history: History) -> None:
    def dependents(key: str, as_of: str | None) -> set[str]:
        found = api.data(DEPENDENTS, key=key, asOf=as_of)["dependents"]["edges"]
        return {e["node"]["key"] for e in found}

    assert M in dependents(OLD_BASE, history.between)
    assert M not in dependents(OLD_BASE, history.after)
    assert M not in dependents(OLD_BASE, None)
    assert M in dependents(NEW_BASE, None) and M not in dependents(NEW_BASE, history.between)
    assert N in dependents(N_BASE, history.between) and N not in dependents(N_BASE, None)

    then = api.data(EXPLAIN, **{"from": M, "to": OLD_BASE, "asOf": history.between})["explain"]
    assert then["length"] == 1
    hop = then["chains"][0]["hops"][0]
    assert hop["relation"] == "FINETUNED_FROM" and hop["toKey"] == OLD_BASE
    assert all(e["retractedAt"] for e in hop["evidence"])
    now = api.data(EXPLAIN, **{"from": M, "to": OLD_BASE})["explain"]
    assert now["length"] is None and now["chains"] == []


def test_as_of_in_the_future_or_malformed_is_refused(api: Served, history: History) -> None:
    assert api.error_codes(STANDS_ON, key=M, asOf="2999-01-01T00:00:00Z") == ["BAD_USER_INPUT"]
    assert api.error_codes(STANDS_ON, key=M, asOf="yesterday") != []


CHANGES = """
query($since: DateTime!, $key: String) {
  changes(since: $since, key: $key) {
    truncated
    items {
      kind at
      edge { fromKey relation toKey evidence { source url revision fetchedAt field value } }
      previous { relation toKey evidence { field value retractedAt } }
    }
  }
}
"""


def _changes(api: Served, since: str, key: str | None = None) -> list[dict[str, Any]]:
    found = api.data(CHANGES, since=since, key=key)["changes"]
    assert found["truncated"] is False
    items = found["items"]
    assert isinstance(items, list)
    return items


def _summary(items: list[dict[str, Any]]) -> set[tuple[str | None, ...]]:
    return {
        (
            c["kind"],
            c["edge"]["fromKey"],
            c["previous"]["toKey"] if c["previous"] else None,
            c["edge"]["toKey"],
        )
        for c in items
    }


def test_changes_since_run_1_lists_the_redeclared_base_licence_and_the_withdrawal(
    api: Served, history: History
) -> None:
    items = _changes(api, history.between)
    summary = _summary(items)
    assert ("CHANGED", M, OLD_BASE, NEW_BASE) in summary
    assert ("CHANGED", M, APACHE, MIT) in summary
    assert ("RETRACTED", N, None, N_BASE) in summary
    assert all(c["kind"] != "ADDED" or c["edge"]["fromKey"] not in (M, N) for c in items)
    base = next(c for c in items if c["kind"] == "CHANGED" and c["edge"]["toKey"] == NEW_BASE)
    assert base["edge"]["relation"] == base["previous"]["relation"] == "FINETUNED_FROM"
    assert all(e["source"] == "hf" and e["url"] and e["revision"] for e in base["edge"]["evidence"])
    assert any("Qwen2.5-14B" in (e["value"] or "") for e in base["edge"]["evidence"])
    assert all(e["retractedAt"] for e in base["previous"]["evidence"])
    assert history.between < base["at"] < history.after
    assert _summary(_changes(api, history.between, N)) == {("RETRACTED", N, None, N_BASE)}
    assert _changes(api, history.after) == []


def _diff(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_shoulders_diff_prints_the_same_changes(api: Served, history: History) -> None:
    code, text, _ = _diff("--since", history.between)
    assert code == 0
    assert f"CHANGED {M}: FINETUNED_FROM {OLD_BASE} -> FINETUNED_FROM {NEW_BASE}" in text
    assert f"CHANGED {M}: LICENSED_UNDER {APACHE} -> LICENSED_UNDER {MIT}" in text
    assert f"RETRACTED {N} -[FINETUNED_FROM]-> {N_BASE}" in text
    code, raw, _ = _diff("--since", history.between, "--format", "json")
    data = json.loads(raw)
    assert code == 0 and data["truncated"] is False
    found = {
        (
            c["kind"],
            c["edge"]["from"],
            c["previous"]["to"] if c["previous"] else None,
            c["edge"]["to"],
        )
        for c in data["items"]
    }
    assert found == _summary(_changes(api, history.between))
    code, raw, _ = _diff(
        "--since", history.between, "--key", "hf:Qwen/Qwen2.5-1.5B-Instruct", "-f", "json"
    )
    assert code == 0 and [c["kind"] for c in json.loads(raw)["items"]] == ["RETRACTED"]
    code, text, _ = _diff("--since", history.after)
    assert code == 0 and text.startswith(f"changes since {history.after}: 0")
    assert _diff("--since", "last tuesday")[0] == 2


def test_a_base_declared_again_starts_a_new_lifetime(
    api: Served, history: History, settings: Settings
) -> None:
    _run(settings, BUNDLED_RECORDINGS)  # M goes back to Qwen2.5-7B under apache-2.0
    assert ("FINETUNED_FROM", OLD_BASE) in _out(history.driver, settings, M)
    assert ("RETRACTED/FINETUNED_FROM", NEW_BASE) in _out(history.driver, settings, M)
    records, _, _ = history.driver.execute_query(
        "MATCH (:Entity {key: $m})-[r]->(:Entity {key: $old}) "
        "RETURN type(r) AS t, r.first_seen AS first, r.retracted_at AS gone",
        m=M,
        old=OLD_BASE,
        database_=settings.neo4j_database,
    )
    lives = {(r["t"], r["first"] > history.after) for r in records}
    assert lives == {("FINETUNED_FROM", True), ("RETRACTED", False)}  # two lifetimes
    # The past is unchanged; the new lifetime answers from now on.
    assert OLD_BASE in _upstream(api, M, history.between)
    assert NEW_BASE in _upstream(api, M, history.after)
    assert OLD_BASE in _upstream(api, M, None)
    assert ("CHANGED", M, NEW_BASE, OLD_BASE) in _summary(_changes(api, history.after, M))


def _retracted(history: History, settings: Settings, before: str = "9999") -> int:
    records, _, _ = history.driver.execute_query(
        "MATCH ()-[h:RETRACTED]->() WHERE h.retracted_at < $before RETURN count(h) AS n",
        before=before,
        database_=settings.neo4j_database,
    )
    return int(records[0]["n"])


def test_purge_is_a_dry_run_refuses_recent_dates_and_deletes_with_yes(
    api: Served, history: History, settings: Settings
) -> None:
    total, old = _retracted(history, settings), _retracted(history, settings, history.after)
    assert 3 <= old < total  # run 2's retractions, and the later run's after them
    # Old cutoffs find nothing: every retraction here is seconds old.
    done = runner.invoke(app, ["purge", "--retracted-before", "2020-01-01"])
    assert done.exit_code == 0 and done.stdout.startswith("0 retracted edges")
    refused = runner.invoke(app, ["purge", "--retracted-before", history.after, "--yes"])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    with pytest.raises(PurgeRefused):
        purge(history.driver, settings.neo4j_database, history.after, apply=True)
    dry = runner.invoke(app, ["purge", "--retracted-before", history.after, "--force"])
    assert dry.exit_code == 0 and dry.stdout.startswith(f"{old} retracted edges")
    assert _retracted(history, settings) == total
    wet = runner.invoke(app, ["purge", "--retracted-before", history.after, "--force", "--yes"])
    assert wet.exit_code == 0 and wet.stdout.startswith(f"deleted {old} retracted edges")
    assert _retracted(history, settings) == total - old
    assert _retracted(history, settings, history.after) == 0
    # What was withdrawn before the cutoff is forgotten: as of then, M had no base left.
    assert OLD_BASE not in _upstream(api, M, history.between)
    assert ("FINETUNED_FROM", OLD_BASE) in _out(history.driver, settings, M)  # live: kept


def _edge(start: str, rel: str, end: str, field: str = "cardData") -> tuple[str, EdgeRow]:
    props = {"assertion": f"{start}{rel}{end}{field}", "source": "hf", "evidence_field": field}
    return ("2026-01-02T00:00:00Z", EdgeRow.from_record(start, rel, end, [props]))


def test_only_a_re_pointed_base_or_licence_of_one_entity_is_a_change() -> None:
    added = [
        _edge("m", "ADAPTER_OF", "b"),  # was FINETUNED_FROM a: re-pointed and re-related
        _edge("m", "TRAINED_ON", "d2"),  # datasets are many: added, not changed
        _edge("m", "LICENSED_UNDER", "x", "tags"),  # same licence, other evidence
        _edge("n", "FINETUNED_FROM", "c"),  # another entity's base
    ]
    gone = [
        _edge("m", "FINETUNED_FROM", "a"),
        _edge("m", "TRAINED_ON", "d1"),
        _edge("m", "LICENSED_UNDER", "x", "cardData"),
        _edge("o", "FINETUNED_FROM", "c"),
    ]
    found = {
        (c.kind.value, c.edge.start, c.previous.end if c.previous else None, c.edge.end)
        for c in classify(added, gone)
    }
    assert found == {
        ("CHANGED", "m", "a", "b"),
        ("ADDED", "m", None, "d2"),
        ("RETRACTED", "m", None, "d1"),
        ("ADDED", "m", None, "x"),
        ("RETRACTED", "m", None, "x"),
        ("ADDED", "n", None, "c"),
        ("RETRACTED", "o", None, "c"),
    }
