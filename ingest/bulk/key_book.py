"""Which keys the import CSV already has a node row for, and which it only named.

The import needs exactly one node row per key: an entity's own row when a record
resolved it, otherwise one ``referenced`` row with the least name any reference gave it
(as the Loader's MERGE keeps it, ``ingest/loader.py`` ``_least_name``). Two books keep
that account:

- ``MemoryKeys``, a set and a dict: the fastest, for one writer. It grows with the graph
  (about 120 bytes per key), a few hundred MiB at 3M models.
- ``DiskKeys``, an SQLite file per writer: for writers in parallel, whose books are
  merged at the end by one query (``unresolved_in``) instead of in a Python process that
  would hold every key. Its memory is SQLite's page cache, bounded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

#: (key, name, search_text) of a key no row resolved: its ``referenced`` node row.
Unresolved = tuple[str, str, str | None]


class KeyBook(Protocol):
    def write(self, key: str) -> bool:
        """Count a node row for ``key``; False when it has one already."""
        ...

    def refer(self, key: str, name: str, search_text: str | None) -> None:
        """A reference to ``key`` giving it ``name``: the least name wins."""
        ...

    def refer_start(self, key: str) -> None:
        """An edge starts at ``key``: named after itself unless a reference named it."""
        ...

    def flush(self) -> None: ...

    def unresolved(self) -> Iterator[Unresolved]:
        """The keys only named, in key order."""
        ...


class MemoryKeys:
    def __init__(self) -> None:
        self._written: set[str] = set()
        self._referenced: dict[str, tuple[str, str | None]] = {}

    def write(self, key: str) -> bool:
        if key in self._written:
            return False
        self._written.add(key)
        self._referenced.pop(key, None)
        return True

    def refer(self, key: str, name: str, search_text: str | None) -> None:
        if key in self._written:
            return
        known = self._referenced.get(key)
        if known is None or name < known[0]:
            self._referenced[key] = (name, search_text)

    def refer_start(self, key: str) -> None:
        if key not in self._written:
            self._referenced.setdefault(key, (key, None))

    def flush(self) -> None:
        pass

    def unresolved(self) -> Iterator[Unresolved]:
        items = sorted(self._referenced.items())
        self._referenced.clear()
        for key, (name, search_text) in items:
            yield key, name, search_text


_SCHEMA = (
    "CREATE TABLE written (key TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE referenced (key TEXT PRIMARY KEY, name TEXT NOT NULL, search TEXT) WITHOUT ROWID",
)
_REFER = (
    "INSERT INTO referenced VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
    "name = excluded.name, search = excluded.search WHERE excluded.name < referenced.name"
)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    # A scratch file for one run: no journal, no fsync; a 64 MiB page cache bounds memory.
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


class DiskKeys:
    """The book in an SQLite file. References are gathered per batch (``flush``), so one
    statement per batch carries them; a written key is one insert, which also says
    whether the key had a row (a dump may repeat a model)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._db = _connect(path)
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._refs: dict[str, tuple[str, str | None]] = {}
        self._starts: set[str] = set()

    def write(self, key: str) -> bool:
        return self._db.execute("INSERT OR IGNORE INTO written VALUES (?)", (key,)).rowcount == 1

    def refer(self, key: str, name: str, search_text: str | None) -> None:
        known = self._refs.get(key)
        if known is None or name < known[0]:
            self._refs[key] = (name, search_text)

    def refer_start(self, key: str) -> None:
        self._starts.add(key)

    def flush(self) -> None:
        self._db.executemany(_REFER, ((k, n, s) for k, (n, s) in self._refs.items()))
        self._db.executemany(
            "INSERT OR IGNORE INTO referenced VALUES (?, ?, NULL)", ((k, k) for k in self._starts)
        )
        self._db.commit()
        self._refs.clear()
        self._starts.clear()

    def unresolved(self) -> Iterator[Unresolved]:
        self.flush()
        yield from self._db.execute(
            "SELECT key, name, search FROM referenced r "
            "WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.key = r.key) ORDER BY key"
        )

    def close(self) -> None:
        self.flush()
        self._db.close()


def unresolved_in(books: Sequence[Path], scratch: Path) -> Iterator[Unresolved]:
    """The keys no book wrote a row for, each with the least name any book gave it, in
    key order: the ``referenced`` rows of writers that ran in parallel."""
    scratch.unlink(missing_ok=True)
    db = _connect(scratch)
    try:
        names = [f"b{i}" for i in range(len(books))]
        for name, path in zip(names, books, strict=True):
            db.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
        # The schema names are b0, b1, ... made here; the paths went in as parameters.
        named = " UNION ALL ".join(
            f"SELECT key, name, search FROM {n}.referenced"  # noqa: S608
            for n in names
        )
        not_written = " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {n}.written w WHERE w.key = r.key)"  # noqa: S608
            for n in names
        )
        yield from db.execute(
            "SELECT key, name, search FROM ("  # noqa: S608
            "  SELECT key, name, search,"
            "         row_number() OVER (PARTITION BY key ORDER BY name, search) AS rank"
            f"  FROM ({named})) r "
            f"WHERE rank = 1 AND {not_written} ORDER BY key"
        )
    finally:
        db.close()
        scratch.unlink(missing_ok=True)
