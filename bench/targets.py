"""Which entities Bench B asks about: fixed by the seed, so every run asks the same."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

from bench.draw import Draws
from bench.shape import WORDS
from bench.synth import Synth
from schema.vocabulary import ENTITY

_KIND = 91


@dataclass(frozen=True)
class Targets:
    roots: list[str]  # derived models, spread over the whole range
    root_ids: list[str]  # the same models' Hub ids, for lookups by id
    explain_pairs: list[tuple[str, str]]  # (model, the root of its main line)
    top_base: str  # the base with the largest fan-in
    top_base_fan_in: int  # its direct dependents (relationships in)
    mid_base: str  # a base of middling fan-in, for the concurrent mix
    search_texts: list[str]
    chain_lengths: list[int]  # of the roots' main lines


def choose(synth: Synth, driver: Driver, database: str, count: int) -> Targets:
    shape = synth.shape
    derived = shape.models - shape.bases
    picks = sorted({shape.bases + Draws(shape.seed, _KIND, k).below(derived) for k in range(count)})
    roots = [synth.model_key(i) for i in picks]
    root_ids = [synth.models.repo_id(i) for i in picks]
    pairs: list[tuple[str, str]] = []
    lengths: list[int] = []
    for i in picks:
        chain = synth.models.main_line(i)
        lengths.append(len(chain) - 1)
        pairs.append((synth.model_key(chain[0]), synth.model_key(chain[-1])))
    bases = [synth.model_key(i) for i in range(min(shape.bases, 20))]
    records, _, _ = driver.execute_query(
        f"UNWIND $keys AS k MATCH (b:{ENTITY} {{key: k}}) "
        "RETURN k AS key, COUNT { (b)<--() } AS fan_in ORDER BY fan_in DESC, key",
        keys=bases,
        database_=database,
    )
    ranked = [(r["key"], int(r["fan_in"])) for r in records]
    middle = ranked[len(ranked) // 2][0] if ranked else bases[0]
    texts = []
    for k in range(count):
        d = Draws(shape.seed, _KIND + 1, k)
        variant = d.pick(("instruct", "gguf", "lora", "merge", "chat", "awq"))
        texts.append(f"{d.pick(WORDS)} {d.pick(('7B', '8B', '14B', '70B'))} {variant}")
    top, fan_in = ranked[0] if ranked else (bases[0], 0)
    return Targets(roots, root_ids, pairs, top, fan_in, middle, texts, lengths)
