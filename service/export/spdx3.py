"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, of one model and its lineage.

Models are ``ai_AIPackage``, datasets ``dataset_DatasetPackage``, libraries
``software_Package`` (each with its package URL); organisations are the suppliers;
papers and repositories are external references of the package that reaches them (as
in the CycloneDX export). Relationships mirror the edges: ``descendantOf`` for every
model-to-model edge (the comment names the relation: finetune, distilled ...),
``trainedOn``, ``dependsOn`` (through the code, too) and ``hasDeclaredLicense``. Each
relationship's comment carries its provenance: source, URL, revision, evidence.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

from schema.vocabulary import MODEL_LINEAGE, Label, Rel
from service.export import common
from service.export.source import ExportSource
from service.queries.rows import EdgeRow, EntityRow

Json = dict[str, Any]
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CREATION = "_:creationinfo"
PROFILES = ["core", "software", "ai", "dataset", "simpleLicensing"]


def _datetime(value: str) -> str:
    """SPDX's DateTime: ``YYYY-MM-DDThh:mm:ssZ``, UTC, no fraction."""
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})", value)
    return f"{m.group(1)}T{m.group(2)}Z" if m else "1970-01-01T00:00:00Z"


class _Builder:
    def __init__(self, src: ExportSource) -> None:
        self.src = src
        self.graph = common.Graph(src.entities, src.edges)
        self.ns = f"urn:shoulders:spdx:{uuid.uuid5(uuid.NAMESPACE_URL, src.etag)}#"
        self.elements: list[Json] = []
        self.licences: dict[str, str] = {}  # licence key -> its LicenseExpression id

    def id(self, key: str) -> str:
        return self.ns + quote(key, safe=":/@.-_~")

    def add(self, element: Json) -> Json:
        element.setdefault("creationInfo", CREATION)
        self.elements.append(element)
        return element

    # --- elements -----------------------------------------------------------------
    def package(self, entity: EntityRow) -> Json:
        kind = {
            Label.MODEL: "ai_AIPackage",
            Label.DATASET: "dataset_DatasetPackage",
            Label.PACKAGE: "software_Package",
        }[entity.label]
        p: Json = {"type": kind, "spdxId": self.id(entity.key), "name": common.hub_id(entity)}
        if entity.label is Label.PACKAGE:
            version = common.pinned_version(self.graph.into.get(entity.key, []))
            version = version or entity.text("version")
        else:
            version = common.revision(entity)
        if version:
            p["software_packageVersion"] = version
        purl = common.purl(entity, version if entity.label is Label.PACKAGE else None)
        if purl:
            p["software_packageUrl"] = purl
        page = common.page(entity)
        if page:
            p["software_downloadLocation"] = page
            p["software_homePage"] = page
        p["software_primaryPurpose"] = {
            Label.MODEL: "model",
            Label.DATASET: "data",
            Label.PACKAGE: "library",
        }[entity.label]
        if entity.label is Label.DATASET:
            p["dataset_datasetType"] = ["noAssertion"]
        if entity.label is Label.MODEL:
            kinds = [
                str(v)
                for v in [entity.get("model_type"), *(entity.get("architectures") or [])]
                if v
            ]
            if kinds:
                p["ai_typeOfModel"] = kinds
            task = entity.text("pipeline_tag")
            if task:
                p["ai_informationAboutApplication"] = f"Hugging Face pipeline tag: {task}"
        summary = entity.text("summary") or entity.text("description")
        if summary:
            p["summary"] = summary
        suppliers = [self.id(e.end) for e in self.graph.edges_from(entity.key, Rel.PUBLISHED_BY)]
        if suppliers:
            p["suppliedBy"] = suppliers[0]
        refs = self.external_refs(entity)
        if refs:
            p["externalRef"] = refs
        p["comment"] = f"Shoulders key {entity.key}" + (
            f"; read from {entity.text('url')} at {entity.text('fetched_at')}"
            if entity.text("url")
            else ""
        )
        return self.add(p)

    def external_refs(self, entity: EntityRow) -> list[Json]:
        refs = []
        for path, target in self.graph.reach(entity.key):
            url = common.page(target)
            if target.label not in (Label.PAPER, Label.REPOSITORY) or not url:
                continue
            refs.append(
                {
                    "type": "ExternalRef",
                    "externalRefType": "vcs"
                    if target.label is Label.REPOSITORY
                    else "documentation",
                    "locator": [url],
                    "comment": f"{common.path_text(path)}: {target.text('title') or target.name}",
                }
            )
        return refs

    def organisation(self, entity: EntityRow) -> None:
        org: Json = {"type": "Organization", "spdxId": self.id(entity.key), "name": entity.name}
        page = common.page(entity)
        if page:
            org["externalRef"] = [
                {"type": "ExternalRef", "externalRefType": "altWebPage", "locator": [page]}
            ]
        self.add(org)

    def licence(self, entity: EntityRow) -> str:
        if entity.key not in self.licences:
            spdx = common.licence_spdx(entity)
            word = common.licence_word(entity)
            expression = spdx or common.licence_ref(word)
            element: Json = {
                "type": "simplelicensing_LicenseExpression",
                "spdxId": self.id(entity.key),
                "simplelicensing_licenseExpression": expression,
            }
            if not spdx:
                element["comment"] = f"Not on the SPDX licence list: {word!r} as declared"
            self.add(element)
            self.licences[entity.key] = element["spdxId"]
        return self.licences[entity.key]

    def relationship(
        self, start: str, kind: str, ends: list[str], edges: list[EdgeRow], note: str = ""
    ) -> None:
        ident = f"{start}|{kind}|{','.join(ends)}"
        comment = "\n".join(filter(None, [note, *(common.evidence_text(e) for e in edges)]))
        rel: Json = {
            "type": "Relationship",
            "spdxId": self.ns + "rel-" + uuid.uuid5(uuid.NAMESPACE_URL, ident).hex[:16],
            "from": self.id(start),
            "relationshipType": kind,
            "to": [self.id(e) if not e.startswith(self.ns) else e for e in ends],
        }
        if comment:
            rel["comment"] = comment
        self.add(rel)

    # --- the document ---------------------------------------------------------------
    def build(self) -> Json:
        nodes = [n.entity for n in self.src.lineage.nodes]
        for entity in nodes:
            if entity.label is Label.ORGANIZATION:
                self.organisation(entity)
        for entity in nodes:
            if self.graph.is_component(entity.key):
                self.package(entity)
        for entity in nodes:
            if not self.graph.is_component(entity.key):
                continue
            key = entity.key
            for e in self.graph.edges_from(key, *MODEL_LINEAGE):
                word = common.RELATION_WORD.get(e.rel, e.rel.value)
                self.relationship(key, "descendantOf", [e.end], [e], f"relation: {word}")
            for e in self.graph.edges_from(key, Rel.LICENSED_UNDER):
                self.relationship(
                    key, "hasDeclaredLicense", [self.licence(self.graph.entities[e.end])], [e]
                )
            for target, path in sorted(self.graph.depends_on(key).items()):
                if path[0].rel in MODEL_LINEAGE:
                    continue
                if path[-1].rel is Rel.TRAINED_ON:
                    self.relationship(key, "trainedOn", [target], path)
                else:
                    how = common.path_text(path)
                    self.relationship(key, "dependsOn", [target], path, f"through: {how}")
        created = common_created(self.src)
        agent: Json = {
            "type": "Organization",
            "spdxId": self.ns + "shoulders",
            "name": "Shoulders",
            "creationInfo": CREATION,
        }
        tool: Json = {
            "type": "Tool",
            "spdxId": self.ns + "shoulders-tool",
            "name": "shoulders export",
            "creationInfo": CREATION,
        }
        document: Json = {
            "type": "SpdxDocument",
            "spdxId": self.ns + "document",
            "creationInfo": CREATION,
            "name": f"Lineage of {self.src.root.key}",
            "profileConformance": PROFILES,
            "rootElement": [self.id(self.src.root.key)],
            "element": [e["spdxId"] for e in self.elements],
            "comment": (
                f"Everything {self.src.root.key} stands on, {self.src.lineage.max_depth} "
                "levels up, as the Shoulders graph knows it"
                + (" (truncated by the walk's budget)" if self.src.lineage.truncation else "")
            ),
        }
        info: Json = {
            "type": "CreationInfo",
            "@id": CREATION,
            "specVersion": "3.0.1",
            "created": created,
            "createdBy": [agent["spdxId"]],
            "createdUsing": [tool["spdxId"]],
        }
        return {"@context": CONTEXT, "@graph": [info, agent, tool, document, *self.elements]}


def common_created(src: ExportSource) -> str:
    return _datetime(src.timestamp)


def to_spdx3(src: ExportSource) -> Json:
    return _Builder(src).build()
