"""The bulk walk's resumable state on disk: each listed page, gzipped, and the cursor.

The bulk walk writes nothing to Neo4j until its end (``neo4j-admin import`` replaces the
whole database), so its checkpoint cannot live there as the loader walk's does. Each page
is saved before the cursor moves past it, both by write-then-rename: a killed walk
resumes at the page after the last one saved, and maps the saved pages again locally,
without asking the Hub twice. A file lock keeps two walks out of one spool.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_CURSOR = "cursor.json"
_LOCK = ".lock"


class SpoolBusy(Exception):
    """Another bulk walk holds this spool."""


@dataclass
class Cursor:
    next_url: str | None  # relative to the Hub endpoint; None: the first page
    pages: int = 0
    models: int = 0
    runs: list[str] = field(default_factory=list)


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _page(self, number: int) -> Path:
        return self.folder / f"page-{number:06d}.json.gz"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / _LOCK).open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SpoolBusy(f"another bulk walk uses {self.folder}") from None
            yield

    def cursor(self) -> Cursor | None:
        path = self.folder / _CURSOR
        if not path.is_file():
            return None
        return Cursor(**json.loads(path.read_text()))

    def save(self, cursor: Cursor, items: list[dict[str, Any]]) -> None:
        """Keep page ``cursor.pages`` (already counted), then move the cursor past it."""
        _write(self._page(cursor.pages), gzip.compress(json.dumps(items).encode()))
        _write(self.folder / _CURSOR, json.dumps(asdict(cursor)).encode())

    def saved_pages(self, cursor: Cursor) -> Iterator[list[dict[str, Any]]]:
        """The items of pages 1..``cursor.pages``, in order."""
        for number in range(1, cursor.pages + 1):
            items = json.loads(gzip.decompress(self._page(number).read_bytes()))
            assert isinstance(items, list)
            yield items

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
