"""A record snapshot: the records of a crawl as JSON lines, for ``shoulders bulk-import``.

One line per record, in the order they were produced::

    {"node": {"key": ..., "label": "Model", "name": ..., "props": {...},
              "provenance": {"source": ..., "url": ..., "revision": ..., "fetched_at": ...,
                             "run_id": ...} | null, "status": "resolved", "reason": null}}
    {"edge": {"rel": "FINETUNED_FROM", "start": ..., "end": ..., "provenance": {...},
              "evidence": {"field": ..., "value": ..., "method": "declared", "confidence": 1.0},
              "detail": null, "end_name": null}}
    {"batch": true}      # optional: the records above form one batch (one entity and its edges)

Reading validates every record through the record types, so a snapshot cannot hold an
edge the schema forbids. Files ending in ``.gz`` are read and written compressed.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, cast

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    NodeStatus,
    Provenance,
    RecordBatch,
)
from schema.vocabulary import Label, Method, Rel

#: Records per batch when a snapshot has no batch markers.
DEFAULT_BATCH = 5000


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return cast(IO[str], gzip.open(path, mode + "t", encoding="utf-8"))
    return path.open(mode, encoding="utf-8")


def _provenance(value: dict[str, Any] | None) -> Provenance | None:
    return None if value is None else Provenance(**value)


def node_line(node: NodeRecord) -> str:
    body = {
        "key": node.key,
        "label": node.label.value,
        "name": node.name,
        "props": dict(node.props),
        "provenance": None if node.provenance is None else asdict(node.provenance),
        "status": node.status.value,
        "reason": node.reason,
    }
    return json.dumps({"node": body}, ensure_ascii=False)


def edge_line(edge: EdgeRecord) -> str:
    e = edge.evidence
    body = {
        "rel": edge.rel.value,
        "start": edge.start,
        "end": edge.end,
        "provenance": asdict(edge.provenance),
        "evidence": {
            "field": e.field,
            "value": e.value,
            "method": e.method.value,
            "confidence": e.confidence,
        },
        "detail": edge.detail,
        "end_name": edge.end_name,
    }
    return json.dumps({"edge": body}, ensure_ascii=False)


def write_snapshot(batches: Iterable[RecordBatch], path: Path) -> int:
    """Write ``batches`` (with batch markers); return the number of records."""
    count = 0
    with _open(path, "w") as out:
        for batch in batches:
            for node in batch.nodes:
                out.write(node_line(node) + "\n")
            for edge in batch.edges:
                out.write(edge_line(edge) + "\n")
            out.write('{"batch": true}\n')
            count += len(batch)
    return count


def parse_line(line: str) -> NodeRecord | EdgeRecord | None:
    """One line -> a record; None for a batch marker. Raises ValueError on a bad line."""
    data = json.loads(line)
    if "node" in data:
        n = data["node"]
        return NodeRecord(
            key=n["key"],
            label=Label(n["label"]),
            name=n["name"],
            props=n.get("props") or {},
            provenance=_provenance(n.get("provenance")),
            status=NodeStatus(n.get("status", NodeStatus.RESOLVED.value)),
            reason=n.get("reason"),
        )
    if "edge" in data:
        e = data["edge"]
        ev = e["evidence"]
        provenance = _provenance(e["provenance"])
        if provenance is None:
            raise ValueError("an edge needs its provenance")
        return EdgeRecord(
            rel=Rel(e["rel"]),
            start=e["start"],
            end=e["end"],
            provenance=provenance,
            evidence=Evidence(
                ev["field"], ev["value"], Method(ev.get("method", "declared")), ev["confidence"]
            ),
            detail=e.get("detail"),
            end_name=e.get("end_name"),
        )
    if data.get("batch") is True:
        return None
    raise ValueError(f"not a record: {line[:80]!r}")


def read_snapshot(paths: Iterable[Path], batch_size: int = DEFAULT_BATCH) -> Iterator[RecordBatch]:
    """Batches as written (markers), or of ``batch_size`` records where there are none."""
    batch = RecordBatch()
    for path in paths:
        with _open(path, "r") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = parse_line(line)
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{path}:{number}: {exc}") from None
                if isinstance(record, NodeRecord):
                    batch.nodes.append(record)
                elif isinstance(record, EdgeRecord):
                    batch.edges.append(record)
                if (record is None and len(batch)) or len(batch) >= batch_size:
                    yield batch
                    batch = RecordBatch()
    if len(batch):
        yield batch
