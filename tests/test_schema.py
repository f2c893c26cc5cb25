from __future__ import annotations

import subprocess
import sys

import pytest
from neo4j import Driver

from schema import constraints, keys
from schema.vocabulary import ENTITY, Label, OpsLabel
from shoulders.settings import Settings


def _constraints(driver: Driver, database: str) -> dict[str, tuple[list[str], list[str]]]:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' RETURN name, labelsOrTypes, properties",
        database_=database,
    )
    return {r["name"]: (r["labelsOrTypes"], r["properties"]) for r in records}


def test_apply_creates_one_key_constraint_per_label(graph: Driver, settings: Settings) -> None:
    found = _constraints(graph, settings.neo4j_database)
    by_label = {tuple(labels): props for labels, props in found.values()}
    for label in [*Label, ENTITY]:
        assert by_label[(str(label),)] == ["key"], label
    assert by_label[(OpsLabel.INGEST_RUN.value,)] == ["run_id"]


def test_fulltext_index_covers_names_and_ids(graph: Driver, settings: Settings) -> None:
    records, _, _ = graph.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, state "
        "WHERE name = $name RETURN *",
        name=constraints.FULLTEXT_INDEX,
        database_=settings.neo4j_database,
    )
    assert len(records) == 1
    assert records[0]["labelsOrTypes"] == [ENTITY]
    assert {"name", "key"} <= set(records[0]["properties"])
    assert records[0]["state"] == "ONLINE"


def test_second_apply_changes_nothing(graph: Driver, settings: Settings) -> None:
    before = constraints.existing_names(graph, settings.neo4j_database)
    assert constraints.apply(graph, settings.neo4j_database) == []
    assert constraints.existing_names(graph, settings.neo4j_database) == before


def test_cli_schema_apply_is_idempotent(graph: Driver) -> None:
    cmd = [sys.executable, "-m", "shoulders.cli", "schema", "apply"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "0 created" in out


def test_uniqueness_is_enforced(graph: Driver, settings: Settings) -> None:
    graph.execute_query(
        "CREATE (:Entity:Model {key: 'hf:model:a/b'})", database_=settings.neo4j_database
    )
    try:
        graph.execute_query(
            "CREATE (:Entity:Model {key: 'hf:model:a/b'})", database_=settings.neo4j_database
        )
    except Exception as exc:
        assert "already exists" in str(exc)
    else:
        raise AssertionError("duplicate key accepted")


def test_keys() -> None:
    assert keys.hf_model("deepseek-ai/DeepSeek-R1") == "hf:model:deepseek-ai/DeepSeek-R1"
    assert keys.arxiv("2412.19437v2") == "arxiv:2412.19437"
    assert keys.arxiv("https://arxiv.org/abs/2501.12948") == "arxiv:2501.12948"
    assert keys.split_arxiv("http://arxiv.org/abs/2501.12948v1") == ("2501.12948", "v1")
    assert keys.github("https://github.com/PyTorch/pytorch.git") == "github:pytorch/pytorch"
    assert keys.pypi("Typing_Extensions") == "pypi:typing-extensions"
    assert keys.parse_seed("hf:deepseek-ai/DeepSeek-R1") == "hf:model:deepseek-ai/DeepSeek-R1"
    assert keys.label_of("pypi:torch") is Label.PACKAGE
    for bad in ("", "a b", "pypi:", "github:onlyowner"):
        try:
            keys.parse_seed(bad)
        except keys.KeyError_:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_tests_refuse_to_wipe_a_database_they_did_not_fill(
    graph: Driver, settings: Settings
) -> None:
    from tests.conftest import SENTINEL, _claim_database

    db = settings.neo4j_database
    graph.execute_query(f"MATCH (s:{SENTINEL}) DELETE s", database_=db)
    graph.execute_query("CREATE (:Entity:Model {key: 'hf:model:someone/else'})", database_=db)
    try:
        with pytest.raises(pytest.exit.Exception, match="refusing to wipe"):
            _claim_database(graph, db)
    finally:
        graph.execute_query(f"MERGE (:{SENTINEL} {{owner: 'shoulders-tests'}})", database_=db)
    records, _, _ = graph.execute_query("MATCH (n:Model) RETURN count(n) AS c", database_=db)
    assert records[0]["c"] == 1  # nothing was wiped
