"""The fast leaf executor (service/execution.py) answers exactly as graphql-core's own does.

The API's schema runs with ``FastLeafExecutor``; here the same documents go through a
schema built with Strawberry's default executor too, against the real Neo4j, and the
answers (data and errors) must be equal. A small schema of its own checks the cases the
fast path hands back to graphql-core: a null in a non-null field, a value the scalar
refuses, an unknown enum value.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import strawberry
from neo4j import Driver

from service.context import make_context
from service.execution import FastLeafExecutor
from service.extensions import schema_extensions
from service.queries.reader import Reader
from service.schema import Query, ShouldersSchema
from service.types.convert import ENTITY_TYPES, to_entity
from shoulders.db import async_driver
from shoulders.settings import Settings
from tests import api_graph as g

EVERYTHING = """
query($key: String!) {
  standsOn(key: $key, maxDepth: 10) {
    root { key kind name url source sourceUrl revision license lastSeen lastRun status }
    maxDepth truncated truncation { reason atDepth }
    nodes {
      distance
      entity {
        __typename key kind name url status unresolvedReason properties
        ... on Model { hubId author pipelineTag architectures aliases downloads likes gated }
        ... on Paper { arxivId title authors published version doi }
        ... on Repository { fullName stars }
      }
      via { fromKey relation toKey method confidence from { key } to { key } }
    }
    edges {
      fromKey relation toKey method confidence
      evidence { assertion source url revision fetchedAt runId method confidence field value
                 detail }
    }
  }
  dependents(key: "pypi:torch", first: 5) {
    totalCount truncated byRelation { relation count }
    edges { cursor distance relations node { key name } }
    pageInfo { hasNextPage endCursor }
  }
  explain(from: $key, to: "pypi:torch") {
    length truncated chains { hops { fromKey relation toKey method evidence { source } } }
  }
  a: entity(key: $key) { key ... on Model { downloads likes createdAt lastModified } }
  missing: entity(key: "hf:model:nobody/nothing") { key }
}
"""


def _schemas() -> dict[str, ShouldersSchema]:
    def build(**executor: Any) -> ShouldersSchema:
        return ShouldersSchema(
            query=Query, types=list(ENTITY_TYPES), extensions=schema_extensions(), **executor
        )

    return {"graphql-core": build(), "fast": build(execution_context_class=FastLeafExecutor)}


def _answers(settings: Settings, document: str, **variables: Any) -> dict[str, Any]:
    async def ask() -> dict[str, Any]:
        driver = async_driver(settings)
        try:
            reader = Reader(driver, settings.neo4j_database)
            out = {}
            for name, schema in _schemas().items():
                result = await schema.execute(
                    document,
                    variable_values=variables,
                    context_value=make_context(reader, "t", to_entity),
                )
                errors = [(e.message, e.path) for e in result.errors or []]
                out[name] = {"data": result.data, "errors": errors}
            return out
        finally:
            await driver.close()

    return asyncio.run(ask())


def test_the_fast_executor_answers_as_graphql_core_on_the_api(
    graph: Driver, settings: Settings
) -> None:
    g.write_deepseek_graph(graph, settings.neo4j_database)
    answers = _answers(settings, EVERYTHING, key=g.DISTILL_70B)
    fast, reference = answers["fast"], answers["graphql-core"]
    assert reference["data"]["standsOn"]["nodes"], "the document must reach the graph"
    assert [m for m, _ in reference["errors"]] == ["no entity with key 'hf:model:nobody/nothing'"]
    assert fast == reference
    # Field order is part of the answer too (clients and snapshots read it).
    assert list(fast["data"]["standsOn"]["edges"][0]) == list(
        reference["data"]["standsOn"]["edges"][0]
    )


# --- the cases the fast path must hand back -------------------------------------------------
@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str
    label: str | None
    count: int
    ratio: float
    colour: Colour
    flag: bool


@strawberry.type
class ItemQuery:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            Item(name="ok", label=None, count=1, ratio=2, colour=Colour.RED, flag=True),
            Item(name=None, label="x", count=1, ratio=0.5, colour=Colour.BLUE, flag=False),  # type: ignore[arg-type]
            Item(name="big", label="x", count=2**40, ratio=0.5, colour=Colour.RED, flag=True),
            Item(name="nan", label="x", count=1, ratio=float("nan"), colour=Colour.RED, flag=True),
            Item(name="enum", label="x", count=1, ratio=1.0, colour="green", flag=True),  # type: ignore[arg-type]
            Item(name="str", label=7, count="3", ratio=1.0, colour=Colour.RED, flag=1),  # type: ignore[arg-type]
        ]


def test_the_fast_executor_leaves_every_odd_value_to_graphql_core() -> None:
    document = "{ items { name label count ratio colour flag } }"

    def run(**executor: Any) -> tuple[Any, list[tuple[str, Any]]]:
        schema = strawberry.Schema(query=ItemQuery, **executor)
        result = asyncio.run(schema.execute(document))
        return result.data, [(e.message, e.path) for e in result.errors or []]

    fast = run(execution_context_class=FastLeafExecutor)
    reference = run()
    assert fast == reference
    data, errors = reference
    assert data["items"][0] == {
        "name": "ok", "label": None, "count": 1, "ratio": 2.0, "colour": "RED", "flag": True,
    }  # fmt: skip
    assert data["items"][1] is None and data["items"][2] is None  # null in non-null; 2**40
    assert {tuple(path) for _, path in errors} >= {("items", 1, "name"), ("items", 2, "count")}


# --- plain objects and lists below a resolver: completed inline, or handed back whole -------
@strawberry.interface
class Shape:
    name: str


@strawberry.type
class Square(Shape):
    side: int


@strawberry.type
class Circle(Shape):
    radius: float


@strawberry.type
class Box:
    items: list[Item | None]
    shapes: list[Shape] | None
    first: Item
    tags: list[str] | None = strawberry.field(default_factory=list)
    colours: list[Colour | None] = strawberry.field(default_factory=list)


@strawberry.type
class SubItem(Item):
    """Not exactly ``Item``'s class: the quick path must leave it to graphql-core."""


@strawberry.type
class BoxQuery:
    @strawberry.field
    def boxes(self) -> list[Box]:
        ok = Item(name="ok", label=None, count=1, ratio=2, colour=Colour.RED, flag=True)
        odd = Item(name=None, label="x", count=1, ratio=0.5, colour=Colour.BLUE, flag=False)  # type: ignore[arg-type]
        sub = SubItem(name="sub", label="x", count=3, ratio=1.0, colour=Colour.RED, flag=True)
        shapes: list[Shape] = [Square(name="s", side=2), Circle(name="c", radius=1.5)]
        return [
            Box(items=[ok, None], shapes=shapes, first=ok, tags=["a"], colours=[Colour.RED, None]),
            Box(items=[ok, odd], shapes=shapes, first=ok, tags=["a", None]),  # type: ignore[list-item]
            Box(items=[sub], shapes=[], first=sub, colours=["green"]),  # type: ignore[list-item]
            Box(items=[ok], shapes=[Square(name="x", side=2.5)], first=ok, tags=("b",)),  # type: ignore[arg-type]
        ]


def test_the_fast_executor_completes_plain_objects_as_graphql_core_does() -> None:
    document = """{ boxes {
      __typename
      items { __typename name count colour }
      shapes { __typename name ... on Square { side } ... on Circle { radius } }
      first { name flag ratio }
      tags colours
    } }"""

    def run(**executor: Any) -> tuple[Any, list[tuple[str, Any]]]:
        schema = strawberry.Schema(query=BoxQuery, types=[Square, Circle], **executor)
        result = asyncio.run(schema.execute(document))
        return result.data, [(e.message, e.path) for e in result.errors or []]

    fast = run(execution_context_class=FastLeafExecutor)
    reference = run()
    assert fast == reference
    data, errors = reference
    assert data["boxes"][0] == {
        "__typename": "Box",
        "items": [{"__typename": "Item", "name": "ok", "count": 1, "colour": "RED"}, None],
        "shapes": [
            {"__typename": "Square", "name": "s", "side": 2},
            {"__typename": "Circle", "name": "c", "radius": 1.5},
        ],
        "first": {"name": "ok", "flag": True, "ratio": 2.0},
        "tags": ["a"],
        "colours": ["RED", None],
    }
    assert data["boxes"][1]["items"] == [
        {"__typename": "Item", "name": "ok", "count": 1, "colour": "RED"},
        None,
    ]
    assert data["boxes"][2]["items"] == [
        {"__typename": "Item", "name": "sub", "count": 3, "colour": "RED"}
    ]
    assert ("boxes", 1, "items", 1, "name") in {tuple(path) for _, path in errors}
    assert ("boxes", 3, "shapes", 0, "side") in {tuple(path) for _, path in errors}
    # Lists of leaves: a null in a list of non-null items, a value the enum does not know.
    assert ("boxes", 1, "tags", 1) in {tuple(path) for _, path in errors}
    assert ("boxes", 2, "colours", 0) in {tuple(path) for _, path in errors}
    assert data["boxes"][1]["tags"] is None and data["boxes"][2]["colours"] == [None]
    assert data["boxes"][3]["tags"] == ["b"]
