"""The DeepSeek neighbourhood's facts (corpus LINEAGE.md §1, §2, §4), checked on every run.

These are the facts the extraction was first built against; a rule that gains breadth must
not lose one of them. They are ingested from the bundled recordings (``ingest/recordings``).
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

SEEDS = (
    "hf:model:deepseek-ai/DeepSeek-R1",
    "hf:model:deepseek-ai/DeepSeek-R1-Zero",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    "hf:model:deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
    "hf:model:deepseek-ai/DeepSeek-V3",
    "hf:model:deepseek-ai/DeepSeek-V3.2-Exp",
    "hf:model:Qwen/Qwen2.5-7B-Instruct",
    "hf:model:Qwen/Qwen2.5-1.5B-Instruct",
    "hf:model:Qwen/Qwen2.5-3B-Instruct",
    "hf:model:meta-llama/Llama-3.1-8B-Instruct",
    "hf:model:meta-llama/Meta-Llama-3-8B",
)

_D = "hf:model:deepseek-ai/"
#: (model, relationship, end): each must be in the graph.
FACTS: tuple[tuple[str, str, str], ...] = (
    (_D + "DeepSeek-R1-Distill-Llama-8B", "FINETUNED_FROM", "hf:model:meta-llama/Llama-3.1-8B"),
    (
        _D + "DeepSeek-R1-Distill-Llama-70B",
        "FINETUNED_FROM",
        "hf:model:meta-llama/Llama-3.3-70B-Instruct",
    ),
    (_D + "DeepSeek-R1-Distill-Qwen-7B", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-Math-7B"),
    (_D + "DeepSeek-R1-Distill-Qwen-32B", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-32B"),
    *(
        (_D + d, "DISTILLED_FROM", _D + "DeepSeek-R1")
        for d in (
            "DeepSeek-R1-Distill-Llama-8B",
            "DeepSeek-R1-Distill-Llama-70B",
            "DeepSeek-R1-Distill-Qwen-7B",
            "DeepSeek-R1-Distill-Qwen-32B",
        )
    ),
    (_D + "DeepSeek-R1", "FINETUNED_FROM", _D + "DeepSeek-V3-Base"),
    (_D + "DeepSeek-R1-Zero", "FINETUNED_FROM", _D + "DeepSeek-V3-Base"),
    (_D + "DeepSeek-V3.2-Exp", "FINETUNED_FROM", _D + "DeepSeek-V3.2-Exp-Base"),
    (
        "hf:model:meta-llama/Llama-3.1-8B-Instruct",
        "FINETUNED_FROM",
        "hf:model:meta-llama/Llama-3.1-8B",
    ),
    ("hf:model:Qwen/Qwen2.5-7B-Instruct", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-7B"),
    ("hf:model:Qwen/Qwen2.5-1.5B-Instruct", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-1.5B"),
    ("hf:model:Qwen/Qwen2.5-3B-Instruct", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-3B"),
    (_D + "DeepSeek-R1-Distill-Llama-8B", "DESCRIBED_BY", "arxiv:2501.12948"),
    (_D + "DeepSeek-R1", "DESCRIBED_BY", "arxiv:2501.12948"),
    (_D + "DeepSeek-V3", "DESCRIBED_BY", "arxiv:2412.19437"),
    ("hf:model:meta-llama/Llama-3.1-8B-Instruct", "MENTIONS_PAPER", "arxiv:2204.05149"),
    (_D + "DeepSeek-R1-Distill-Llama-8B", "LICENSED_UNDER", "license:mit"),
    ("hf:model:meta-llama/Llama-3.1-8B-Instruct", "LICENSED_UNDER", "license:llama3.1"),
    ("hf:model:Qwen/Qwen2.5-3B-Instruct", "LICENSED_UNDER", "license:qwen-research"),
)
#: (model, relationship, end): each must be absent (LINEAGE.md's negative facts).
ABSENT: tuple[tuple[str, str, str], ...] = (
    (_D + "DeepSeek-R1-Distill-Qwen-7B", "FINETUNED_FROM", "hf:model:Qwen/Qwen2.5-7B"),
    (_D + "DeepSeek-R1-Distill-Llama-8B", "FINETUNED_FROM", _D + "DeepSeek-R1"),
    ("hf:model:meta-llama/Llama-3.1-8B-Instruct", "DESCRIBED_BY", "arxiv:2204.05149"),
    ("hf:model:Qwen/Qwen2.5-7B-Instruct", "DESCRIBED_BY", "arxiv:2407.10671"),
)


@dataclass(frozen=True)
class DeepSeekResult:
    present: list[tuple[str, str, str]]
    missing: list[tuple[str, str, str]]
    wrongly_present: list[tuple[str, str, str]]

    @property
    def share(self) -> float:
        # a negative fact present counts as a miss too
        total = len(self.present) + len(self.missing) + len(self.wrongly_present)
        return len(self.present) / total if total else 1.0

    @property
    def perfect(self) -> bool:
        return not self.missing and not self.wrongly_present


def check(driver: Driver, database: str) -> DeepSeekResult:
    records, _, _ = driver.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE a.key IN $keys "
        "AND coalesce(r.confidence, 1.0) >= 0.5 AND type(r) <> 'RETRACTED' "
        "RETURN a.key AS a, type(r) AS t, b.key AS b",
        keys=sorted({f[0] for f in FACTS + ABSENT}),
        database_=database,
    )
    have = {(r["a"], r["t"], r["b"]) for r in records}
    return DeepSeekResult(
        present=[f for f in FACTS if f in have],
        missing=[f for f in FACTS if f not in have],
        wrongly_present=[f for f in ABSENT if f in have],
    )
