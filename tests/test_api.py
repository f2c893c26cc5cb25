"""The GraphQL API over HTTP against a real Neo4j holding the DeepSeek test graph."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport
from neo4j import Driver

from ingest.loader import Loader
from ingest.records import EdgeRecord, Evidence, NodeRecord, Provenance, RecordBatch
from schema import keys
from schema.vocabulary import Label, Method, Rel
from service.app import create_app
from shoulders.settings import Settings
from tests import api_graph as g
from tests.api_server import Served, serve

LINEAGE = """
query($key: String!, $depth: Int! = 10, $inferred: Boolean! = true, $min: Float! = 0,
      $relations: [Relation!], $kinds: [Kind!], $maxNodes: Int, $maxEdges: Int) {
  standsOn(key: $key, maxDepth: $depth, includeInferred: $inferred, minConfidence: $min,
           relations: $relations, kinds: $kinds, maxNodes: $maxNodes, maxEdges: $maxEdges) {
    root { key }
    truncated
    truncation { reason atDepth omittedNodes omittedEdges omittedFrontier nodeBudget edgeBudget }
    nodes { distance entity { key kind name } via { fromKey relation toKey } }
    edges {
      fromKey relation toKey method confidence
      evidence { source url revision fetchedAt method confidence field value detail }
    }
  }
}
"""


@pytest.fixture(scope="module")
def api(driver: Driver, settings: Settings) -> Iterator[Served]:
    with serve(create_app(settings)) as served:
        yield served


@pytest.fixture
def deepseek(graph: Driver, settings: Settings) -> Driver:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    return graph


def _lineage(api: Served, key: str, **variables: Any) -> dict[str, Any]:
    result = api.data(LINEAGE, key=key, **variables)["standsOn"]
    assert isinstance(result, dict)
    return result


def _nodes(lineage: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["entity"]["key"]: n for n in lineage["nodes"]}


def _edges(lineage: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(e["fromKey"], e["relation"], e["toKey"]): e for e in lineage["edges"]}


# --- standsOn -------------------------------------------------------------------------------
def test_stands_on_the_distill_reaches_its_bases_paper_and_pytorch(
    api: Served, deepseek: Driver
) -> None:
    lineage = _lineage(api, "hf:deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    nodes, edges = _nodes(lineage), _edges(lineage)
    assert lineage["root"]["key"] == g.DISTILL_70B and not lineage["truncated"]
    assert nodes[g.DISTILL_70B]["distance"] == 0 and nodes[g.DISTILL_70B]["via"] is None

    base = edges[(g.DISTILL_70B, "FINETUNED_FROM", g.LLAMA_33_70B)]
    assert base["method"] == "INFERRED" and base["confidence"] == pytest.approx(0.8)
    [evidence] = base["evidence"]
    assert evidence["field"] == "README.md#base-model-table"
    assert evidence["value"] == g.BASE_MODEL_SNIPPET
    assert evidence["source"] == "hf" and evidence["url"].startswith("https://huggingface.co/")

    teacher = nodes[g.R1]
    assert teacher["distance"] == 1 and teacher["via"]["relation"] == "DISTILLED_FROM"
    assert nodes[g.R1_PAPER]["distance"] == 2
    assert nodes[g.TORCH]["distance"] == 4 and nodes[g.PYTORCH]["distance"] == 5
    depends = edges[(g.V3_REPO, "DEPENDS_ON", g.TORCH)]
    assert depends["evidence"][0]["detail"] == "==2.4.1"
    # Every edge joins two nodes of the answer; the withdrawn assertion is not shown.
    assert all(a in nodes and b in nodes for a, _, b in edges)
    assert (g.DISTILL_70B, "MENTIONS_PAPER", g.V3_PAPER) not in edges
    assert [n["distance"] for n in lineage["nodes"]] == sorted(
        n["distance"] for n in lineage["nodes"]
    )


def test_declared_only_drops_the_inferred_base_and_invents_nothing(
    api: Served, deepseek: Driver
) -> None:
    full = _lineage(api, g.DISTILL_70B)
    declared = _lineage(api, g.DISTILL_70B, inferred=False)
    nodes = set(_nodes(declared))
    assert g.LLAMA_33_70B not in nodes
    assert nodes < set(_nodes(full))
    assert nodes == {
        g.DISTILL_70B,
        g.R1,
        g.V3_BASE,
        g.R1_PAPER,
        g.V3_PAPER,
        g.MIT,
        g.DEEPSEEK_ORG,
    }  # the code chain hangs on an inferred link (HAS_CODE), so it goes too
    for edge in declared["edges"]:
        assert edge["method"] == "DECLARED"
        assert {e["method"] for e in edge["evidence"]} == {"DECLARED"}
        assert (edge["fromKey"], edge["relation"], edge["toKey"]) in _edges(full)


def test_parallel_assertions_are_one_edge_with_their_evidence(
    api: Served, deepseek: Driver
) -> None:
    edges = _edges(_lineage(api, g.DISTILL_70B, depth=1))
    teacher = edges[(g.DISTILL_70B, "DISTILLED_FROM", g.R1)]
    assert teacher["method"] == "DECLARED" and teacher["confidence"] == 1.0
    assert sorted(e["field"] for e in teacher["evidence"]) == [
        "README.md#distillation",
        "cardData.base_model",
    ]
    assert {e["method"] for e in teacher["evidence"]} == {"DECLARED", "INFERRED"}
    assert sum(1 for k in edges if k[1] == "DISTILLED_FROM") == 1
    # The direct-edge field groups the same way.
    data = api.data(
        'query { model(id: "deepseek-ai/DeepSeek-R1-Distill-Llama-70B") { '
        "upstream(relations: [DISTILLED_FROM]) { relation evidence { field } to { key } } } }"
    )
    [edge] = data["model"]["upstream"]
    assert edge["to"]["key"] == g.R1 and len(edge["evidence"]) == 2


def test_relation_kind_and_confidence_filters(api: Served, deepseek: Driver) -> None:
    models = _lineage(api, g.DISTILL_70B, relations=["FINETUNED_FROM", "DISTILLED_FROM"])
    assert set(_nodes(models)) == {g.DISTILL_70B, g.R1, g.V3_BASE, g.LLAMA_33_70B}
    papers_only = _lineage(api, g.R1, kinds=["PAPER"])
    assert set(_nodes(papers_only)) == {g.R1, g.R1_PAPER, g.V3_PAPER}
    confident = _lineage(api, g.DISTILL_70B, min=0.85)
    assert g.LLAMA_33_70B not in _nodes(confident) and g.PYTORCH in _nodes(confident)


def test_budget_sets_truncated_and_says_what_was_cut(api: Served, deepseek: Driver) -> None:
    cut = _lineage(api, g.DISTILL_70B, maxNodes=3)
    assert cut["truncated"] is True
    t = cut["truncation"]
    assert t["reason"] == "nodes" and t["atDepth"] == 2 and t["nodeBudget"] == 3
    assert t["omittedNodes"] >= 1 and len(cut["nodes"]) == 3
    by_edges = _lineage(api, g.DISTILL_70B, maxEdges=1)
    assert by_edges["truncated"] and by_edges["truncation"]["reason"] == "edges"
    assert len(by_edges["edges"]) == 1
    assert not _lineage(api, g.DISTILL_70B)["truncated"]


FAN_OUT_QUERY = """query($key: String!, $cites: Int! = 1, $deps: Int! = 1) {
  standsOn(key: $key, maxDepth: 10, citationDepth: $cites, dependencyDepth: $deps) {
    nodes { distance entity { key } } } }"""


def _chain_graph(driver: Driver, database: str) -> dict[str, str]:
    """A model whose paper starts a citation chain and whose code starts a dependency chain."""
    k = {
        "model": keys.hf_model("lab/chain-model"),
        "repo": keys.github("lab/chain-code"),
        **{f"paper{i}": keys.arxiv(f"2401.0000{i}") for i in range(4)},
        **{f"pkg{i}": keys.pypi(f"chain-pkg-{i}") for i in range(3)},
        "pkg_repo": keys.github("lab/chain-pkg-1"),
    }
    kinds = {"model": Label.MODEL, "repo": Label.REPOSITORY, "pkg_repo": Label.REPOSITORY}
    prov = Provenance(
        "hf", "https://huggingface.co/api/models/lab/chain-model", None, g.FETCHED, g.RUN
    )
    nodes = [
        NodeRecord(
            key,
            kinds.get(name, Label.PAPER if name.startswith("paper") else Label.PACKAGE),
            name,
            {},
            prov,
        )
        for name, key in k.items()
    ]
    chain = [
        ("model", Rel.DESCRIBED_BY, "paper0"),
        *((f"paper{i}", Rel.CITES, f"paper{i + 1}") for i in range(3)),
        ("model", Rel.HAS_CODE, "repo"),
        ("repo", Rel.DEPENDS_ON, "pkg0"),
        ("pkg0", Rel.DEPENDS_ON, "pkg1"),  # a second hop: a transitive dependency
        ("pkg0", Rel.BUILT_FROM, "pkg_repo"),  # not a fan-out relation
        ("pkg_repo", Rel.DEPENDS_ON, "pkg2"),  # a second DEPENDS_ON hop on this path
    ]
    edges = [
        EdgeRecord(rel, k[a], k[b], prov, Evidence("test", f"{a}->{b}", Method.DECLARED, 1.0))
        for a, rel, b in chain
    ]
    Loader(driver, database).write(RecordBatch(nodes, edges))
    return k


def test_citations_and_dependencies_are_followed_for_their_own_depth(
    api: Served, graph: Driver, settings: Settings
) -> None:
    k = _chain_graph(graph, settings.neo4j_database)

    def reached(**variables: int) -> set[str]:
        found = api.data(FAN_OUT_QUERY, key=k["model"], **variables)["standsOn"]["nodes"]
        names = {v: n for n, v in k.items()}
        return {names[n["entity"]["key"]] for n in found}

    assert reached() == {"model", "paper0", "paper1", "repo", "pkg0", "pkg_repo"}
    assert reached(cites=0, deps=0) == {"model", "paper0", "repo"}
    assert reached(cites=3, deps=2) == set(k)
    codes = api.error_codes(FAN_OUT_QUERY, key=k["model"], cites=-1)
    assert codes == ["BAD_USER_INPUT"]
    assert api.error_codes(FAN_OUT_QUERY, key=k["model"], deps=11) == ["LIMIT_EXCEEDED"]


# --- dependents ----------------------------------------------------------------------------
DEPENDENTS = """
query($key: String!, $first: Int!, $after: String, $depth: Int! = 3, $relations: [Relation!]) {
  dependents(key: $key, first: $first, after: $after, maxDepth: $depth, relations: $relations) {
    totalCount truncated
    byRelation { relation count }
    pageInfo { hasNextPage endCursor }
    edges { cursor distance relations node { key } through { key }
            edges { relation evidence { source field } } }
  }
}
"""


def test_dependents_of_llama_lists_the_distill_and_the_instruct(
    api: Served, deepseek: Driver
) -> None:
    result = api.data(DEPENDENTS, key="hf:meta-llama/Llama-3.1-8B", first=10)["dependents"]
    assert result["totalCount"] == 2 and not result["pageInfo"]["hasNextPage"]
    assert result["byRelation"] == [{"relation": "FINETUNED_FROM", "count": 2}]
    found = {e["node"]["key"]: e for e in result["edges"]}
    assert set(found) == {g.DISTILL_8B, g.LLAMA_31_8B_INSTRUCT}
    for item in found.values():
        assert item["distance"] == 1 and item["relations"] == ["FINETUNED_FROM"]
        assert item["through"]["key"] == g.LLAMA_31_8B
        [edge] = item["edges"]
        assert edge["relation"] == "FINETUNED_FROM" and edge["evidence"][0]["source"] == "hf"


def test_dependents_pages_return_every_item_exactly_once(api: Served, deepseek: Driver) -> None:
    seen: list[str] = []
    order: list[tuple[int, str]] = []
    after: str | None = None
    pages = 0
    while True:
        page = api.data(DEPENDENTS, key="pypi:torch", first=7, after=after, depth=5)["dependents"]
        total, counts = page["totalCount"], page["byRelation"]
        seen += [e["node"]["key"] for e in page["edges"]]
        order += [(e["distance"], e["node"]["key"]) for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == total
    assert order == sorted(order) and pages == -(-total // 7)
    expected = {*g.FAN_OUT, g.V3_REPO, g.V3_BASE, g.R1, g.DISTILL_70B, g.DISTILL_8B}
    assert set(seen) == expected
    assert {c["relation"]: c["count"] for c in counts} == {
        "DEPENDS_ON": 26,
        "HAS_CODE": 1,
        "FINETUNED_FROM": 1,
        "DISTILLED_FROM": 2,
    }
    direct = api.data(DEPENDENTS, key="pypi:torch", first=100, depth=1)["dependents"]
    assert direct["totalCount"] == 26
    only_code = api.data(DEPENDENTS, key=g.V3_REPO, first=5, relations=["HAS_CODE"])
    assert [e["node"]["key"] for e in only_code["dependents"]["edges"]] == [g.V3_BASE]


def test_a_page_of_direct_dependents_is_one_query_and_counts_only_when_asked(
    api: Served, deepseek: Driver
) -> None:
    page = 'query($after: String) { dependents(key: "pypi:torch", first: 5, after: $after) '
    items = "edges { node { key } } pageInfo { hasNextPage endCursor } }"
    before = api.queries
    first = api.data(page + "{ " + items + " }")["dependents"]
    # The page itself: one query for five of torch's 26 direct dependents (the node keys
    # come with it; ``node`` loads the five entities in one more).
    assert api.queries - before == 2 and first["pageInfo"]["hasNextPage"]
    before = api.queries
    second = api.data(page + "{ totalCount " + items + " }", after=first["pageInfo"]["endCursor"])[
        "dependents"
    ]
    # Within the default depth 3: the 26 direct ones, V3-Base through the V3 repository,
    # R1 through V3-Base (the distills are at distance 4).
    assert api.queries - before > 2 and second["totalCount"] == 28
    keys = [e["node"]["key"] for e in first["edges"] + second["edges"]]
    assert len(set(keys)) == 10


def test_a_forged_cursor_is_bad_user_input(api: Served, deepseek: Driver) -> None:
    for cursor in ("not-a-cursor", "WyJzZWFyY2giLDFd", "W10"):
        codes = api.error_codes(DEPENDENTS, key="pypi:torch", first=5, after=cursor)
        assert codes == ["BAD_USER_INPUT"], cursor


# --- explain ---------------------------------------------------------------------------------
EXPLAIN = """
query($from: String!, $to: String!, $inferred: Boolean! = true) {
  explain(from: $from, to: $to, includeInferred: $inferred) {
    from { key } to { key } length truncated
    chains { length hops { fromKey relation toKey method
      evidence { source url fetchedAt field value } from { key } to { name } } }
  }
}
"""


def test_explain_chain_from_a_distill_to_pytorch_has_evidence_on_every_hop(
    api: Served, deepseek: Driver
) -> None:
    result = api.data(EXPLAIN, **{"from": g.DISTILL_70B, "to": "github:PyTorch/PyTorch"})
    explanation = result["explain"]
    assert explanation["length"] == 5 and explanation["to"]["key"] == g.PYTORCH
    [chain] = explanation["chains"]
    hops = chain["hops"]
    assert [h["relation"] for h in hops] == [
        "DISTILLED_FROM",
        "FINETUNED_FROM",
        "HAS_CODE",
        "DEPENDS_ON",
        "BUILT_FROM",
    ]
    assert hops[0]["fromKey"] == g.DISTILL_70B and hops[-1]["toKey"] == g.PYTORCH
    for a, b in itertools.pairwise(hops):
        assert a["toKey"] == b["fromKey"]
    for hop in hops:
        assert hop["evidence"], hop
        for e in hop["evidence"]:
            assert e["source"] and e["url"] and e["fetchedAt"] and e["field"] and e["value"]
    none = api.data(EXPLAIN, **{"from": g.DISTILL_70B, "to": g.PYTORCH, "inferred": False})
    assert none["explain"]["chains"] == [] and none["explain"]["length"] is None


# --- search and lookups -------------------------------------------------------------------------
SEARCH = """
query($text: String!, $kinds: [Kind!], $first: Int! = 10, $after: String) {
  search(text: $text, kinds: $kinds, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { score cursor node { key kind name } }
  }
}
"""


def test_search_ranks_the_exact_name_first(api: Served, deepseek: Driver) -> None:
    result = api.data(SEARCH, text="DeepSeek-R1")["search"]
    keys = [e["node"]["key"] for e in result["edges"]]
    assert keys[0] == g.R1
    assert {g.DISTILL_70B, g.DISTILL_8B} <= set(keys)
    scores = [e["score"] for e in result["edges"]]
    assert scores == sorted(scores, reverse=True)
    papers = api.data(SEARCH, text="deepseek", kinds=["PAPER"])["search"]
    assert {e["node"]["kind"] for e in papers["edges"]} == {"PAPER"}
    assert {e["node"]["key"] for e in papers["edges"]} == {g.R1_PAPER, g.V3_PAPER}
    first = api.data(SEARCH, text="deepseek", first=2)["search"]
    rest = api.data(SEARCH, text="deepseek", first=100, after=first["pageInfo"]["endCursor"])
    all_keys = [e["node"]["key"] for e in first["edges"] + rest["search"]["edges"]]
    assert len(all_keys) == len(set(all_keys)) == first["totalCount"]


def test_lookups_accept_every_id_form(api: Served, deepseek: Driver) -> None:
    data = api.data(
        """query {
          model(id: "deepseek-ai/DeepSeek-R1") { key name license status hubId lastSeen
            revision architectures url }
          paper(arxivId: "2501.12948v1") { key title arxivId version }
          repository(fullName: "https://github.com/PyTorch/PyTorch") { key fullName status }
          package(ecosystem: "pypi", name: "Torch") { key packageName version }
          entity(key: "hf:deepseek-ai/DeepSeek-R1") { __typename key kind }
          license: entity(key: "license:mit") { __typename kind }
        }"""
    )
    assert data["model"]["key"] == g.R1 and data["model"]["license"] == "mit"
    assert data["model"]["status"] == "RESOLVED" and data["model"]["lastSeen"] == g.FETCHED
    assert data["model"]["architectures"] == ["DeepseekV3ForCausalLM"]
    assert data["paper"] == {
        "key": g.R1_PAPER,
        "title": "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        "arxivId": "2501.12948",
        "version": "v1",
    }
    assert data["repository"]["fullName"] == "pytorch/pytorch"
    assert data["repository"]["status"] == "REFERENCED"
    assert data["package"]["key"] == g.TORCH and data["package"]["version"] == "2.4.1"
    assert data["entity"] == {"__typename": "Model", "key": g.R1, "kind": "MODEL"}
    assert data["license"] == {"__typename": "License", "kind": "LICENSE"}


def test_unknown_ids_are_not_found_and_malformed_ids_bad_input(
    api: Served, deepseek: Driver
) -> None:
    assert api.error_codes('{ model(id: "nobody/nothing") { key } }') == ["NOT_FOUND"]
    assert api.error_codes('{ standsOn(key: "hf:nobody/nothing") { truncated } }') == ["NOT_FOUND"]
    assert api.error_codes('{ dependents(key: "pypi:nothing-here") { totalCount } }') == [
        "NOT_FOUND"
    ]
    body = api.post('{ model(id: "nobody/nothing") { key } }')
    assert body["data"] == {"model": None}
    assert "hf:model:nobody/nothing" in body["errors"][0]["message"]
    assert api.error_codes('{ entity(key: "bogus:thing") { key } }') == ["BAD_USER_INPUT"]
    assert api.error_codes('{ paper(arxivId: "not an id") { key } }') == ["BAD_USER_INPUT"]
    assert api.error_codes('{ package(ecosystem: "npm", name: "x") { key } }') == ["BAD_USER_INPUT"]
    assert api.error_codes("{ model { key } }") == ["GRAPHQL_VALIDATION_FAILED"]
    assert api.error_codes("{ model(") == ["GRAPHQL_PARSE_FAILED"]


# --- no N+1 ---------------------------------------------------------------------------------
def test_each_level_of_nesting_costs_one_round_trip(api: Served, deepseek: Driver) -> None:
    query = """query {
      a: model(id: "deepseek-ai/DeepSeek-R1-Distill-Llama-70B") { ...up }
      b: model(id: "deepseek-ai/DeepSeek-R1-Distill-Llama-8B") { ...up }
    }
    fragment up on Model {
      upstream { to { key upstream { to { key upstream { from { key } to { key } } } } } }
    }"""
    before = api.queries
    data = api.data(query)
    assert data["a"]["upstream"] and data["b"]["upstream"]
    # 1 lookup for both roots, then per level: 1 for the edges + 1 for the entities at
    # their ends, whatever the number of entities on the level.
    assert api.queries - before == 1 + 3 * 2


# --- runs, health, metrics, a real client -----------------------------------------------------
def test_ingest_runs_newest_first(api: Served, graph: Driver, settings: Settings) -> None:
    for run_id, started in (("r1", "2025-01-01T00:00:00Z"), ("r2", "2025-01-02T00:00:00Z")):
        graph.execute_query(
            "CREATE (:IngestRun {run_id: $id, status: 'partial', started_at: $s, mode: 'replay', "
            "seeds: ['hf:deepseek-ai/DeepSeek-R1'], fetched: 3, failed: 1, "
            "failures: ['hf:model:x/y: 404 not found']})",
            id=run_id,
            s=started,
            database_=settings.neo4j_database,
        )
    runs = api.data("{ ingestRuns(first: 5) { runId status fetched failed failures seeds } }")
    assert [r["runId"] for r in runs["ingestRuns"]] == ["r2", "r1"]
    assert runs["ingestRuns"][0]["failures"] == ["hf:model:x/y: 404 not found"]
    assert api.error_codes("{ ingestRuns(first: 1000) { runId } }") == ["LIMIT_EXCEEDED"]


def test_healthz_and_metrics(api: Served, driver: Driver) -> None:
    health = api.http.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.headers["x-request-id"]
    api.post("{ ingestRuns(first: 1) { runId } }")
    text = api.http.get("/metrics").text
    assert 'shoulders_http_requests_total{method="POST",path="/graphql",status="200"}' in text
    assert "shoulders_http_request_duration_seconds_bucket" in text
    assert "shoulders_neo4j_queries_total" in text


def test_the_started_app_freezes_what_it_holds_for_the_gc(
    driver: Driver, settings: Settings
) -> None:
    # Frozen objects are never walked by a full collection again: shorter GC pauses
    # during large answers (service/app.py).
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with serve(create_app(settings)) as served:
        assert served.http.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > 10_000  # modules, the schema, the driver
    gc.unfreeze()


def test_a_standard_graphql_client_works(api: Served, deepseek: Driver) -> None:
    transport = HTTPXTransport(url=api.url + "/graphql")
    with Client(transport=transport, fetch_schema_from_transport=False) as session:
        result = session.execute(
            GraphQLRequest(
                "query($id: String!) { model(id: $id) { key upstream { relation } } }",
                variable_values={"id": "deepseek-ai/DeepSeek-R1"},
            )
        )
    assert result["model"]["key"] == g.R1
    assert {e["relation"] for e in result["model"]["upstream"]} == {
        "FINETUNED_FROM",
        "DESCRIBED_BY",
        "LICENSED_UNDER",
        "PUBLISHED_BY",
    }
