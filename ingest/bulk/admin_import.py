"""``shoulders bulk-import``: the first load of a large snapshot through ``neo4j-admin``.

The Loader writes batched MERGEs into a running server, which is what a crawl needs
(idempotent, incremental, one transaction per batch). A first load of millions of
records does not need MERGE: ``neo4j-admin database import full`` writes the store
files directly, with the server stopped, about ten times faster than the Loader at 1M
entities (docs/benchmarks.md). The graph is the same: the CSV rows carry the Loader's
own property maps (``csv_files``). After the import the server starts and the schema is
applied, which builds the uniqueness constraints and the full-text index.

Only into an empty database, or over one with ``--force``: the import replaces the
whole ``neo4j`` database, it never merges into what is there.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.bulk.csv_files import ARRAY_DELIMITER, CsvSnapshot, ImportFiles
from ingest.records import RecordBatch
from schema import constraints
from schema.vocabulary import ENTITY
from shoulders import db
from shoulders.neo4j_server import LocalNeo4j

_DONE = re.compile(
    r"IMPORT DONE in (?P<time>[^.]+)\.\s*Imported:\s*(?P<nodes>\d+) nodes\s*(?P<rels>\d+) relationships",
    re.S,
)


class BulkImportError(Exception):
    """The import could not run or did not finish."""


@dataclass(frozen=True)
class ImportResult:
    nodes: int
    relationships: int
    csv_seconds: float  # records -> CSV files
    import_seconds: float  # neo4j-admin, JVM start included
    start_seconds: float = 0.0  # server start after the import
    schema_seconds: float = 0.0  # constraints and indexes built over the imported graph

    @property
    def total_seconds(self) -> float:
        return self.csv_seconds + self.import_seconds + self.start_seconds + self.schema_seconds


def write_csv(batches: Iterable[RecordBatch], folder: Path) -> ImportFiles:
    return CsvSnapshot(folder).add_all(batches)


def admin_args(files: ImportFiles, database: str, report: Path) -> list[str]:
    """The ``neo4j-admin`` arguments for ``files`` (checked against ``import full --help``)."""
    args = ["database", "import", "full", database]
    args += [f"--nodes={path}" for path in files.nodes]
    args += [f"--relationships={path}" for path in files.relationships]
    args += [
        "--overwrite-destination=true",
        "--skip-duplicate-nodes=true",
        f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        f"--report-file={report}",
    ]
    if files.multiline:
        # Only the files that hold a newline pay for multiline parsing.
        args += ["--multiline-fields-format=v2"]
        args += [f"--multiline-fields={','.join(str(p) for p in files.multiline)}"]
    return args


def run_import(server: LocalNeo4j, files: ImportFiles, database: str) -> tuple[int, int]:
    """Run the import into ``server``'s home (stopped); return (nodes, relationships)."""
    if server.pid() is not None:
        raise BulkImportError("stop Neo4j first: the import writes the store files directly")
    server.write_config()
    report = files.nodes[0].parent / "import.report" if files.nodes else Path("import.report")
    done = server.admin(*admin_args(files, database, report))
    output = done.stdout + done.stderr
    found = _DONE.search(output)
    if done.returncode != 0 or found is None:
        tail = "\n".join(output.strip().splitlines()[-30:])
        raise BulkImportError(f"neo4j-admin import failed (exit {done.returncode}):\n{tail}")
    return int(found.group("nodes")), int(found.group("rels"))


def bootstrap(
    server: LocalNeo4j,
    write: Callable[[Path], ImportFiles],
    workdir: Path,
    *,
    start: bool = True,
) -> ImportResult:
    """CSV (``write`` fills ``workdir``) -> import -> (start, schema)."""
    began = time.perf_counter()
    files = write(workdir)
    csv_done = time.perf_counter()
    nodes, relationships = run_import(server, files, server.settings.neo4j_database)
    imported = time.perf_counter()
    if not start:
        return ImportResult(nodes, relationships, csv_done - began, imported - csv_done)
    server.start()
    started = time.perf_counter()
    with db.driver(server.settings) as driver:
        constraints.apply(driver, server.settings.neo4j_database)
    return ImportResult(
        nodes,
        relationships,
        csv_done - began,
        imported - csv_done,
        started - imported,
        time.perf_counter() - started,
    )


def holds_entities(server: LocalNeo4j) -> bool:
    if server.pid() is None:
        # Stopped: any store files of the database count as "holds something".
        store = server.home / "data" / "databases" / server.settings.neo4j_database
        return store.is_dir() and any(store.iterdir())
    with db.driver(server.settings) as driver:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{ENTITY}) RETURN count(n) > 0 AS any",
            database_=server.settings.neo4j_database,
        )
    return bool(records[0]["any"])


def scratch_home(source: LocalNeo4j, home: Path) -> Path:
    """A fresh Neo4j home that shares ``source``'s jars (for an import beside a running server)."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / "lib").symlink_to(source.lib, target_is_directory=True)
    return home
