"""Where a whole-Hub listing walk stands, kept in Neo4j beside the run lock.

One ``HubListing`` node per walk name: the next page's URL (relative to the Hub
endpoint, so a walk begun against one replay port resumes against another), pages and
models listed so far, and which runs took part. It is written after each page's
records are committed: a run killed in between lists that page again on resume, which
the idempotent loader turns into the same graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from neo4j import Driver

from schema.vocabulary import OpsLabel

WALK = "hf-all"
_LABEL = OpsLabel.HUB_LISTING.value


@dataclass
class Checkpoint:
    name: str
    next_url: str | None  # None: the walk starts at the first page
    pages: int = 0
    models: int = 0
    status: str = "running"  # running | done
    started_at: str | None = None
    runs: list[str] = field(default_factory=list)
    newest: str | None = None  # the latest lastModified listed so far (the refresh's watermark)

    @property
    def resumed(self) -> bool:
        return self.pages > 0 and self.status == "running"


def load(driver: Driver, database: str, name: str = WALK) -> Checkpoint | None:
    records, _, _ = driver.execute_query(
        f"MATCH (c:{_LABEL} {{name: $name}}) RETURN properties(c) AS c",
        name=name,
        database_=database,
    )
    if not records:
        return None
    props = records[0]["c"]
    return Checkpoint(
        name=name,
        next_url=props.get("next_url"),
        pages=int(props.get("pages") or 0),
        models=int(props.get("models") or 0),
        status=str(props.get("status") or "running"),
        started_at=props.get("started_at"),
        runs=list(props.get("runs") or []),
        newest=props.get("newest"),
    )


def save(driver: Driver, database: str, checkpoint: Checkpoint, now: str) -> None:
    driver.execute_query(
        f"MERGE (c:{_LABEL} {{name: $name}}) SET c += $props",
        name=checkpoint.name,
        props={
            "next_url": checkpoint.next_url,
            "pages": checkpoint.pages,
            "models": checkpoint.models,
            "status": checkpoint.status,
            "started_at": checkpoint.started_at,
            "runs": checkpoint.runs,
            "newest": checkpoint.newest,
            "updated_at": now,
        },
        database_=database,
    )


def relative(url: str, endpoint: str) -> str:
    """``{endpoint}/api/models?...`` -> ``/api/models?...``; other URLs stay absolute."""
    base = endpoint.rstrip("/")
    return url[len(base) :] if url.startswith(base + "/") else url
