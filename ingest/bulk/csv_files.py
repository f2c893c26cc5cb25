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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.files = ImportFiles()
        self._node_files: dict[tuple[str, tuple[tuple[str, str], ...], bool], IO[str]] = {}
        self._edge_files: dict[bool, IO[str]] = {}
        self._written: set[str] = set()  # keys with a node row
        self._referenced: dict[str, tuple[str, str | None]] = {}  # key -> (name, search_text)

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
        self._written.add(key)
        self._referenced.pop(key, None)
        self.files.node_rows += 1

    def _refer(self, key: str, name: str, search_text: str | None) -> None:
        """A key only named so far: as the Loader does, the least of the names given wins
        (``ingest/loader.py`` ``_least_name``), with the search text that came with it."""
        if key in self._written:
            return
        known = self._referenced.get(key)
        if known is None or name < known[0]:
            self._referenced[key] = (name, search_text)

    def _add_node(self, node: NodeRecord) -> None:
        row = node_row(node)
        search_text = row["props"]["search_text"]
        if node.status is NodeStatus.REFERENCED:
            self._refer(node.key, node.name, search_text)
            return
        if node.key in self._written:
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
            if edge.start not in self._written:
                self._referenced.setdefault(edge.start, (edge.start, None))
            self._refer(edge.end, row["end_name"], row["end_search"])
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

    def add_all(self, batches: Iterable[RecordBatch]) -> ImportFiles:
        for batch in batches:
            self.add(batch)
        return self.close()

    def close(self) -> ImportFiles:
        """Write a ``referenced`` node for every key no entity row resolved; close the files."""
        for key, (name, search_text) in sorted(self._referenced.items()):
            self._node(key, {"name": name, "status": "referenced", "search_text": search_text})
        self._referenced.clear()
        self._close_files()
        return self.files

    # --- parts written in parallel --------------------------------------------------------
    def close_part(self) -> CsvPart:
        """Close the files without the ``referenced`` rows: another part may resolve those
        keys. ``absorb`` the parts into one snapshot, whose ``close`` writes them once."""
        self._close_files()
        return CsvPart(self.files, self._written, self._referenced)

    def absorb(self, part: CsvPart) -> None:
        """Take in a closed part's files, its resolved keys and the keys it only named."""
        for kind in ("nodes", "relationships", "multiline"):
            getattr(self.files, kind).extend(getattr(part.files, kind))
        self.files.node_rows += part.files.node_rows
        self.files.relationship_rows += part.files.relationship_rows
        for key in part.written:
            self._written.add(key)
            self._referenced.pop(key, None)
        for key, (name, search_text) in part.referenced.items():
            self._refer(key, name, search_text)  # the least name wins, in any order

    def _close_files(self) -> None:
        for handle in [*self._node_files.values(), *self._edge_files.values()]:
            handle.close()


@dataclass
class CsvPart:
    """What one of several writers leaves: its files, the keys it wrote a node row for,
    and the keys it only named (with the least name given)."""

    files: ImportFiles
    written: set[str]
    referenced: dict[str, tuple[str, str | None]]
