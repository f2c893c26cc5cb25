"""Records -> the CSV files ``neo4j-admin database import full`` reads, streamed.

The properties are the ones the Loader writes (the same row builders), so a graph
imported in bulk and one loaded batch by batch hold the same nodes, relationships and
properties: ``docs/benchmarks.md`` compares the two. What the Loader does with MERGE
the import has to do by construction:

- each key gets one node row: resolved (or unresolved) entities as they come, and at
  the end a ``referenced`` row for every key that only an edge or a reference named;
- an assertion is one relationship: repeats within a batch are dropped, and a snapshot
  names each fetched entity once (``--skip-duplicate-nodes`` keeps the first if not).

Node rows are grouped by their property columns (one file per label and column set),
since the import needs a fixed header per file. Memory: the keys seen, not the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ingest.bulk.key_book import KeyBook, MemoryKeys, Unresolved, unresolved_in
from ingest.loader import edge_row, node_row  # the rows the Loader writes, so both paths agree
from ingest.records import NodeRecord, NodeStatus, RecordBatch
from schema.keys import label_of
from schema.vocabulary import ENTITY

#: Between the elements of an array value (``--array-delimiter``): a control character
#: no name, id or URL contains, where ``;`` appears in project URLs.
ARRAY_DELIMITER = "\x1f"
EDGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("assertion", "string"),
    ("source", "string"),
    ("url", "string"),
    ("revision", "string"),
    ("fetched_at", "string"),
    ("first_seen", "string"),
    ("last_seen", "string"),
    ("run_id", "string"),
    ("method", "string"),
    ("confidence", "double"),
    ("evidence_field", "string"),
    ("evidence_value", "string"),
    ("detail", "string"),
)


class SnapshotError(ValueError):
    """A record cannot be written as import CSV."""


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        inner = {_type(v) for v in value} or {"string"}
        if len(inner) > 1:
            raise SnapshotError(f"mixed array {value!r}")
        return inner.pop() + "[]"
    return "string"


def _cell(value: Any) -> str:
    # Unquoted empty means "no property"; a quoted "" is an empty string.
    if type(value) is str:  # most cells: first, and without the isinstance chain
        return '"' + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        parts = [str(v) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise SnapshotError(f"array element holds the array delimiter: {value!r}")
        return _quote(ARRAY_DELIMITER.join(parts))
    return _quote(str(value))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _multiline(line: str) -> bool:
    return "\n" in line or "\r" in line


@dataclass
class ImportFiles:
    """What ``neo4j-admin`` is given: node and relationship files, and which are multiline."""

    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    multiline: list[Path] = field(default_factory=list)
    node_rows: int = 0
    relationship_rows: int = 0


class CsvSnapshot:
    """Write batches with ``add``; ``close`` writes the referenced nodes and says what exists."""

    def __init__(self, folder: Path, keys: KeyBook | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.files = ImportFiles()
        self._node_files: dict[tuple[str, tuple[tuple[str, str], ...], bool], IO[str]] = {}
        self._edge_files: dict[bool, IO[str]] = {}
        self.keys: KeyBook = keys if keys is not None else MemoryKeys()

    # --- nodes ------------------------------------------------------------------------
    def _node_file(self, labels: str, columns: tuple[tuple[str, str], ...], multi: bool) -> IO[str]:
        group = (labels, columns, multi)
        handle = self._node_files.get(group)
        if handle is None:
            header = ["key:ID", ":LABEL", *(f"{name}:{kind}" for name, kind in columns)]
            name = f"nodes-{len(self._node_files):03d}.csv"
            handle = self._open(name, header, self.files.nodes, multi)
            self._node_files[group] = handle
        return handle

    def _open(self, name: str, header: list[str], kind: list[Path], multi: bool) -> IO[str]:
        """A new CSV file with its header, listed under ``kind`` (and as multi-line)."""
        path = self.folder / name
        handle = path.open("w", encoding="utf-8", newline="")
        handle.write(",".join(header) + "\n")
        kind.append(path)
        if multi:
            self.files.multiline.append(path)
        return handle

    def _node(self, key: str, props: Mapping[str, Any]) -> None:
        labels = f"{label_of(key).value}{ARRAY_DELIMITER}{ENTITY}"  # :LABEL splits on it too
        kept = sorted((k, v) for k, v in props.items() if v is not None and k != "key")
        columns = tuple((k, _type(v)) for k, v in kept)
        line = ",".join([_quote(key), labels, *(_cell(v) for _, v in kept)])
        self._node_file(labels, columns, _multiline(line)).write(line + "\n")
        self.files.node_rows += 1

    def _add_node(self, node: NodeRecord) -> None:
        row = node_row(node)
        search_text = row["props"]["search_text"]
        if node.status is NodeStatus.REFERENCED:
            self.keys.refer(node.key, node.name, search_text)
            return
        if not self.keys.write(node.key):
            return  # a snapshot names each entity once; the first row stands
        if node.status is NodeStatus.UNRESOLVED:
            props = {
                "name": node.name,
                "search_text": search_text,
                "status": "unresolved",
                "unresolved_reason": node.reason,
            }
        else:
            props = {**row["props"], "status": "resolved"}
        self._node(node.key, props)

    # --- relationships ------------------------------------------------------------------
    def _edge_file(self, multi: bool) -> IO[str]:
        handle = self._edge_files.get(multi)
        if handle is None:
            header = [":START_ID", ":END_ID", ":TYPE", *(f"{n}:{t}" for n, t in EDGE_COLUMNS)]
            name = f"relationships{'-multiline' if multi else ''}.csv"
            handle = self._open(name, header, self.files.relationships, multi)
            self._edge_files[multi] = handle
        return handle

    def add(self, batch: RecordBatch) -> None:
        for node in batch.nodes:
            self._add_node(node)
        seen: set[str] = set()
        for edge in batch.edges:
            row = edge_row(edge)
            if row["assertion"] in seen:
                continue  # the Loader MERGEs on the assertion id: a repeat is one relationship
            seen.add(row["assertion"])
            self.keys.refer_start(edge.start)
            self.keys.refer(edge.end, row["end_name"], row["end_search"])
            # An import creates every edge: it is first seen when it was fetched.
            props = {
                **row["props"],
                "assertion": row["assertion"],
                "first_seen": row["props"]["fetched_at"],
            }
            cells = [_quote(edge.start), _quote(edge.end), edge.rel.value]
            cells.extend(_cell(props.get(name)) for name, _ in EDGE_COLUMNS)
            line = ",".join(cells)
            self._edge_file(_multiline(line)).write(line + "\n")
            self.files.relationship_rows += 1
        self.keys.flush()

    def add_all(self, batches: Iterable[RecordBatch]) -> ImportFiles:
        for batch in batches:
            self.add(batch)
        return self.close()

    def close(self) -> ImportFiles:
        """Write a ``referenced`` node for every key no entity row resolved; close the files."""
        self.keys.flush()
        self._referenced_rows(self.keys.unresolved())
        self.close_files()
        return self.files

    def _referenced_rows(self, rows: Iterable[Unresolved]) -> None:
        for key, name, search_text in rows:
            self._node(key, {"name": name, "status": "referenced", "search_text": search_text})

    def close_files(self) -> None:
        """Close the files, without the ``referenced`` rows (a part of a parallel write)."""
        for handle in [*self._node_files.values(), *self._edge_files.values()]:
            handle.close()


def merge_parts(parts: Sequence[ImportFiles], books: Sequence[Path], folder: Path) -> ImportFiles:
    """The files of writers that ran in parallel (each with a ``DiskKeys`` book and no
    ``referenced`` rows of its own), and one more file: the ``referenced`` rows of the keys
    no writer resolved, each once."""
    merged = CsvSnapshot(folder)
    merged._referenced_rows(unresolved_in(books, folder / "merge.sqlite"))
    merged.close_files()
    files = merged.files
    for part in parts:
        files.nodes.extend(part.nodes)
        files.relationships.extend(part.relationships)
        files.multiline.extend(part.multiline)
        files.node_rows += part.node_rows
        files.relationship_rows += part.relationship_rows
    return files
