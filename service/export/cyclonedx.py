"""CycloneDX ML-BOM (JSON, 1.6 or 1.7) of one model and everything upstream of it.

CycloneDX's model classes have no ``modelCard`` yet, so the document is built as plain
JSON here and validated against the official schemas in the tests. The mapping:

* the model is ``metadata.component`` (``machine-learning-model`` with a ``modelCard``);
  the models it stands on are its ``pedigree.ancestors``, recursively, each carrying the
  relation (``shoulders:relation`` = finetune, adapter, quantized, merge, distilled ...).
  An ancestor reached along two paths (a merge, two distillations) is written in full
  once, with its ``bom-ref``; other occurrences repeat its name and purl only.
* datasets are ``data`` components, packages ``library`` components with package URLs;
  papers and repositories are ``externalReferences`` of the component that reaches them;
  organisations are suppliers; licences SPDX ids, or names when SPDX has none.
* ``dependencies`` mirror the edges between components, through papers and repositories
  (a model's code names torch: the model depends on torch).
* each assertion's provenance travels as ``shoulders:assertion:N:*`` properties of the
  component it starts from; 1.7 also writes ``citations`` pointing at the fields each
  assertion supports, attributed to the source (a ``service``) and made by the ingest
  run (a ``formulation`` workflow).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from schema.vocabulary import MODEL_LINEAGE, Label, Rel
from service.export import common
from service.export.source import ExportSource
from service.queries.rows import EdgeRow, EntityRow

Json = dict[str, Any]
NS = "shoulders"
SCHEMA_URL = "http://cyclonedx.org/schema/bom-{version}.schema.json"
SOURCE_NAMES = {
    "hf": "Hugging Face Hub API",
    "arxiv": "arXiv API",
    "s2": "Semantic Scholar API",
    "github": "GitHub API",
    "pypi": "PyPI JSON API",
}


def _prop(name: str, value: object) -> Json:
    return {"name": f"{NS}:{name}", "value": str(value)}


class _Builder:
    def __init__(self, src: ExportSource, version: str) -> None:
        self.src = src
        self.version = version
        self.graph = common.Graph(src.entities, src.edges)
        self.entities = self.graph.entities
        self.out = self.graph.out
        self.written: set[str] = set()  # components written in full (with their bom-ref)
        # id() of a JSON object -> the edges it renders; JSON pointers are read at the end.
        self.marks: dict[int, list[EdgeRow]] = {}
        self.keep: list[Json] = []  # keeps marked objects alive so their id() stays theirs

    def mark(self, obj: Json, *edges: EdgeRow) -> Json:
        self.marks.setdefault(id(obj), []).extend(edges)
        self.keep.append(obj)
        return obj

    # --- components ----------------------------------------------------------------
    def component(self, entity: EntityRow, relation: EdgeRow | None = None) -> Json:
        full = entity.key not in self.written
        self.written.add(entity.key)
        group, name = common.group_and_name(entity)
        kind = {
            Label.MODEL: "machine-learning-model",
            Label.DATASET: "data",
            Label.PACKAGE: "library",
        }[entity.label]
        c: Json = {"type": kind}
        if full:
            c["bom-ref"] = entity.key
        if group:
            c["group"] = group
        c["name"] = name
        version = self.version_of(entity)
        if version:
            c["version"] = version
        purl = common.purl(entity, version if entity.label is Label.PACKAGE else None)
        if purl:
            c["purl"] = purl
        props = [_prop("key", entity.key)]
        if relation is not None:
            props.append(
                _prop("relation", common.RELATION_WORD.get(relation.rel, relation.rel.value))
            )
            props.append(_prop("relation:method", relation.method.value))
        if not full:
            c["properties"] = props
            return self.mark(c, relation) if relation is not None else c
        description = entity.text("summary") or entity.text("description")
        if description:
            c["description"] = description
        self.add_party(c, entity)
        self.add_licences(c, entity)
        refs = self.external_refs(entity)
        if refs:
            c["externalReferences"] = refs
        if entity.label is Label.DATASET:
            c["data"] = [{"type": "dataset", "name": common.hub_id(entity)}]
        if entity.label is Label.MODEL:
            card = self.model_card(entity)
            if card:
                c["modelCard"] = card
            ancestors = [
                self.component(self.entities[e.end], e)
                for e in self.out.get(entity.key, [])
                if e.rel in MODEL_LINEAGE
            ]
            if ancestors:
                c["pedigree"] = {"ancestors": ancestors}
        for name_, value in (
            ("status", entity.text("status")),
            ("source", entity.text("source")),
            ("source:url", entity.text("url")),
            ("source:revision", entity.text("revision")),
            ("source:fetched_at", entity.text("fetched_at")),
            ("source:run", entity.text("fetched_run")),
        ):
            if value:
                props.append(_prop(name_, value))
        if self.version == "1.6":  # 1.7 says it with citations
            props += self.assertion_props(entity.key)
        c["properties"] = props
        return self.mark(c, relation) if relation is not None else c

    def version_of(self, entity: EntityRow) -> str | None:
        if entity.label is Label.PACKAGE:
            pins = common.pinned_version(self.graph.into.get(entity.key, []))
            return pins or entity.text("version")
        return common.revision(entity)

    def add_party(self, c: Json, entity: EntityRow) -> None:
        for edge in self.out.get(entity.key, []):
            if edge.rel is Rel.PUBLISHED_BY:
                org = self.entities[edge.end]
                supplier: Json = {"name": org.name}
                url = common.page(org)
                if url:
                    supplier["url"] = [url]
                c["supplier"] = self.mark(supplier, edge)
                c["publisher"] = org.name
                return

    def add_licences(self, c: Json, entity: EntityRow) -> None:
        licences = []
        for edge in self.out.get(entity.key, []):
            if edge.rel is not Rel.LICENSED_UNDER:
                continue
            licence = self.entities[edge.end]
            spdx = common.licence_spdx(licence)
            body: Json = {"id": spdx} if spdx else {"name": common.licence_word(licence)}
            body["acknowledgement"] = "declared"
            licences.append(self.mark({"license": body}, edge))
        if licences:
            c["licenses"] = licences

    def external_refs(self, entity: EntityRow) -> list[Json]:
        refs: list[Json] = []
        own = common.page(entity)
        if own:
            refs.append({"type": "website", "url": own})
        for path, target in self.graph.reach(entity.key):
            if target.label not in (Label.PAPER, Label.REPOSITORY):
                continue
            url = common.page(target)
            if not url:
                continue
            if target.label is Label.REPOSITORY:
                kind = "vcs"
            else:
                kind = "citation" if self.version == "1.7" else "documentation"
            how = common.path_text(path)
            title = target.text("title") or target.name
            refs.append(
                self.mark({"type": kind, "url": url, "comment": f"{how}: {title}"}, path[-1])
            )
        return refs

    def model_card(self, entity: EntityRow) -> Json:
        params: Json = {}
        task = entity.text("pipeline_tag")
        if task:
            params["task"] = task
        family = entity.text("model_type")
        if family:
            params["architectureFamily"] = family
        architectures = entity.get("architectures")
        if isinstance(architectures, list) and architectures:
            params["modelArchitecture"] = str(architectures[0])
        datasets = [
            self.mark({"ref": e.end}, e)
            for e in self.out.get(entity.key, [])
            if e.rel is Rel.TRAINED_ON
        ]
        if datasets:
            params["datasets"] = datasets
        return {"modelParameters": params} if params else {}

    def assertion_props(self, key: str) -> list[Json]:
        """Every assertion made about ``key``'s own edges (and those of the papers and
        repositories it reaches), as numbered ``shoulders:assertion:N:*`` properties."""
        props: list[Json] = []
        n = 0
        edges = list(self.out.get(key, []))
        edges += [p[-1] for p, _ in self.graph.reach(key) if len(p) > 1]
        for edge in edges:
            for a in edge.assertions:
                n += 1
                head = f"assertion:{n}"
                props.append(_prop(head, f"{edge.start} {edge.rel.value} {edge.end}"))
                for field, value in (
                    ("source", a.source),
                    ("url", a.url),
                    ("revision", a.revision),
                    ("fetched_at", a.fetched_at),
                    ("run", a.run_id),
                    ("method", a.method.value),
                    ("confidence", f"{a.confidence:g}"),
                    ("evidence_field", a.field),
                    ("evidence_value", a.value),
                    ("detail", a.detail),
                ):
                    if value:
                        props.append(_prop(f"{head}:{field}", value))
        return props

    # --- the document ----------------------------------------------------------------
    def dependencies(self) -> tuple[list[Json], dict[tuple[str, str, str], list[str]]]:
        """One entry per component written in full; the pointers each edge supports."""
        deps: list[Json] = []
        pointers: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for key in sorted(self.written):
            targets = {k: v for k, v in self.graph.depends_on(key).items() if k in self.written}
            entry: Json = {"ref": key}
            if targets:
                entry["dependsOn"] = sorted(targets)
                for j, ref in enumerate(entry["dependsOn"]):
                    for e in targets[ref]:
                        pointers[e.id].append(f"/dependencies/{len(deps)}/dependsOn/{j}")
            deps.append(entry)
        return deps, pointers

    def build(self) -> Json:
        root = self.src.root
        main = self.component(root)
        others = [
            self.component(n.entity)
            for n in self.src.lineage.nodes
            if n.entity.label in (Label.DATASET, Label.PACKAGE) and n.entity.key not in self.written
        ]
        # Models written in full inside the pedigree; the rest as plain components.
        others += [
            self.component(n.entity)
            for n in self.src.lineage.nodes
            if n.entity.label is Label.MODEL and n.entity.key not in self.written
        ]
        deps, dep_pointers = self.dependencies()
        meta_props = [
            _prop("root", root.key),
            _prop("depth", self.src.lineage.max_depth),
            _prop("truncated", str(self.src.lineage.truncation is not None).lower()),
        ]
        bom: Json = {
            "$schema": SCHEMA_URL.format(version=self.version),
            "bomFormat": "CycloneDX",
            "specVersion": self.version,
            "serialNumber": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, self.src.etag)),
            "version": 1,
            "metadata": {
                "timestamp": self.src.timestamp,
                "tools": {"components": [{"type": "application", "name": "shoulders"}]},
                "component": main,
                "properties": meta_props,
            },
            "components": others,
            "dependencies": deps,
        }
        if self.src.lineage.truncation is not None:
            bom["compositions"] = [{"aggregate": "incomplete", "assemblies": [root.key]}]
        if self.version == "1.7":
            self.add_citations(bom, dep_pointers)
        return bom

    def add_citations(self, bom: Json, dep_pointers: dict[tuple[str, str, str], list[str]]) -> None:
        pointers: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for path, obj in _walk(bom, ""):
            for edge in self.marks.get(id(obj), []):
                pointers[edge.id].append(path)
        for edge_id, found in dep_pointers.items():
            pointers[edge_id].extend(found)
        sources = sorted({a.source for e in self.src.edges for a in e.assertions if a.source})
        runs = sorted({a.run_id for e in self.src.edges for a in e.assertions if a.run_id})
        citations = []
        for edge in self.src.edges:
            where = sorted(set(pointers.get(edge.id, [])))
            if not where:
                continue
            for a in edge.assertions:
                citation: Json = {
                    "bom-ref": f"assertion:{a.assertion}",
                    "pointers": where,
                    "timestamp": a.fetched_at or self.src.timestamp,
                }
                if a.source:
                    citation["attributedTo"] = f"source:{a.source}"
                if a.run_id:
                    citation["process"] = f"run:{a.run_id}"
                if "attributedTo" not in citation and "process" not in citation:
                    continue
                single = EdgeRow(edge.start, edge.rel, edge.end, (a,))
                citation["note"] = common.evidence_text(single)
                citations.append(citation)
        bom["services"] = [
            {"bom-ref": f"source:{s}", "name": SOURCE_NAMES.get(s, s), "group": "shoulders-sources"}
            for s in sources
        ]
        bom["formulation"] = (
            [
                {
                    "bom-ref": "shoulders-ingest",
                    "workflows": [self.workflow(run) for run in runs],
                }
            ]
            if runs
            else []
        )
        if not bom["formulation"]:
            del bom["formulation"]
        bom["citations"] = citations

    def workflow(self, run_id: str) -> Json:
        run = self.src.runs.get(run_id, {})
        w: Json = {
            "bom-ref": f"run:{run_id}",
            "uid": run_id,
            "name": f"shoulders ingest {run_id}",
            "taskTypes": ["copy"],
        }
        if run.get("started_at"):
            w["timeStart"] = str(run["started_at"])
        if run.get("finished_at"):
            w["timeEnd"] = str(run["finished_at"])
        props = [_prop(k, run[k]) for k in ("mode", "status") if run.get(k)]
        if props:
            w["properties"] = props
        return w


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every JSON object in the document with its JSON pointer (RFC 6901)."""
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            yield from _walk(v, f"{path}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, f"{path}/{i}")


def to_cyclonedx(src: ExportSource, version: str = "1.6") -> Json:
    if version not in ("1.6", "1.7"):
        raise ValueError(f"unsupported CycloneDX version {version!r}")
    return _Builder(src, version).build()
