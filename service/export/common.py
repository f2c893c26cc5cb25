"""What every format needs to say about an entity: its name parts, its package URL, its
licence as an SPDX id or a name, its page, and the words for a relation."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cyclonedx.spdx import fixup_id
from packageurl import PackageURL

from schema import keys
from schema.vocabulary import MODEL_LINEAGE, Label, Rel
from service.queries.rows import EdgeRow, EntityRow

#: Our relation -> the word a model card or a BOM uses for it.
RELATION_WORD: dict[Rel, str] = {
    Rel.FINETUNED_FROM: "finetune",
    Rel.ADAPTER_OF: "adapter",
    Rel.QUANTIZED_FROM: "quantized",
    Rel.MERGED_FROM: "merge",
    Rel.DERIVED_FROM: "derived",
    Rel.DISTILLED_FROM: "distilled",
}

_SHA = re.compile(r"^[0-9a-f]{40}$")


def hub_id(entity: EntityRow) -> str:
    """``org/name`` for Hub entities, the part after the prefix for the others."""
    key = entity.key
    for prefix in ("hf:model:", "hf:dataset:", "hf:org:"):
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key.split(":", 1)[1]


def group_and_name(entity: EntityRow) -> tuple[str | None, str]:
    if entity.label in (Label.MODEL, Label.DATASET):
        org, _, name = hub_id(entity).rpartition("/")
        return (org or None), name
    if entity.label is Label.PACKAGE:
        return None, entity.name
    return None, entity.name


def revision(entity: EntityRow) -> str | None:
    """The source revision the entity was read at: a commit sha, a version."""
    value = entity.text("revision")
    return value or None


def purl(entity: EntityRow, version: str | None = None) -> str | None:
    """``pkg:huggingface/<org>/<name>@<sha>`` for models, ``pkg:pypi/<name>@<v>`` for packages."""
    if entity.label is Label.MODEL:
        org, name = group_and_name(entity)
        sha = revision(entity)
        return PackageURL(
            "huggingface", org, name, sha.lower() if sha and _SHA.match(sha.lower()) else None
        ).to_string()
    if entity.label is Label.PACKAGE and entity.key.startswith("pypi:"):
        return PackageURL("pypi", None, entity.key.removeprefix("pypi:"), version).to_string()
    if entity.label is Label.REPOSITORY and entity.key.startswith("github:"):
        owner, _, name = entity.key.removeprefix("github:").partition("/")
        return PackageURL("github", owner, name).to_string()
    return None


def page(entity: EntityRow) -> str | None:
    """The entity's human page on its source."""
    key = entity.key
    # Built from the key, not the stored ``page``: a replayed crawl stores the replay
    # server's address there.
    if entity.label is Label.MODEL:
        return f"https://huggingface.co/{hub_id(entity)}"
    if entity.label is Label.DATASET:
        return f"https://huggingface.co/datasets/{hub_id(entity)}"
    if entity.label is Label.ORGANIZATION and key.startswith("hf:org:"):
        return f"https://huggingface.co/{hub_id(entity)}"
    if key.startswith("arxiv:"):
        return f"https://arxiv.org/abs/{key.removeprefix('arxiv:')}"
    if key.startswith("doi:"):
        return f"https://doi.org/{key.removeprefix('doi:')}"
    if key.startswith("s2:"):
        return f"https://www.semanticscholar.org/paper/{key.removeprefix('s2:')}"
    if key.startswith("github:"):
        html = entity.text("html_url") or ""
        return html if html.startswith("https://github.com/") else f"https://github.com/{key[7:]}"
    if key.startswith("pypi:"):
        return f"https://pypi.org/project/{key.removeprefix('pypi:')}/"
    return None


def spdx_id(licence: str) -> str | None:
    """The SPDX licence id for a Hub or PyPI licence word (``mit`` -> ``MIT``), if it is one."""
    return fixup_id(licence.strip())


def licence_word(licence: EntityRow) -> str:
    """The licence as its source declared it (``mit``, ``llama3.3``), not its display name."""
    return licence.text("given_id") or keys.parse(licence.key).id


def licence_spdx(licence: EntityRow) -> str | None:
    """The SPDX id of a License node, if SPDX lists it (``LicenseRef-`` ids are not)."""
    known = licence.text("licence_id")
    if known and not known.startswith("LicenseRef-"):
        return known
    return spdx_id(licence_word(licence))


def licence_ref(licence: str) -> str:
    """An SPDX ``LicenseRef-`` for a licence SPDX does not list (``llama3.3``)."""
    return "LicenseRef-" + (
        re.sub(r"[^A-Za-z0-9.\-]+", "-", licence.strip()).strip("-") or "unknown"
    )


def pinned_version(edges: list[EdgeRow]) -> str | None:
    """The one version ``==X`` specs pin across the edges into a package, if they agree."""
    pins = set()
    for edge in edges:
        for a in edge.assertions:
            m = re.match(r"^\s*===?\s*([A-Za-z0-9.+!\-]+)\s*(;|$)", a.detail or "")
            if m:
                pins.add(m.group(1))
    return pins.pop() if len(pins) == 1 else None


def evidence_text(edge: EdgeRow) -> str:
    """One line per assertion: who said it, where, and the words."""
    lines = []
    for a in edge.assertions:
        parts = [f"{edge.rel.value} from {a.source}", f"{a.method.value} ({a.confidence:g})"]
        if a.field:
            parts.append(f"field {a.field}")
        if a.value:
            parts.append(f"value {a.value!r}")
        if a.url:
            parts.append(f"at {a.url}" + (f" revision {a.revision}" if a.revision else ""))
        if a.fetched_at:
            parts.append(f"fetched {a.fetched_at}")
        lines.append("; ".join(parts))
    return "\n".join(lines)


#: Entities that become components / packages in a BOM; the rest hang from them.
COMPONENT_LABELS = frozenset({Label.MODEL, Label.DATASET, Label.PACKAGE})


class Graph:
    """A lineage as adjacency, and the walk every BOM format shares: from a component
    through papers and repositories (which are references, not components) to the next
    components, so "the model's code names torch" becomes "the model depends on torch"."""

    def __init__(self, entities: dict[str, EntityRow], edges: list[EdgeRow]) -> None:
        self.entities = entities
        self.edges = edges
        self.out: dict[str, list[EdgeRow]] = {}
        self.into: dict[str, list[EdgeRow]] = {}
        for e in edges:
            self.out.setdefault(e.start, []).append(e)
            self.into.setdefault(e.end, []).append(e)

    def is_component(self, key: str) -> bool:
        return key in self.entities and self.entities[key].label in COMPONENT_LABELS

    def edges_from(self, key: str, *rels: Rel) -> list[EdgeRow]:
        return [e for e in self.out.get(key, []) if not rels or e.rel in rels]

    def reach(self, key: str) -> Iterator[tuple[list[EdgeRow], EntityRow]]:
        """Entities reached from ``key`` by non-lineage edges, passing through papers and
        repositories only, each with the path that reached it first."""
        stack: list[tuple[str, list[EdgeRow]]] = [(key, [])]
        seen = {key}
        while stack:
            at, path = stack.pop(0)
            for edge in self.out.get(at, []):
                if edge.rel in MODEL_LINEAGE or edge.end in seen:
                    continue
                seen.add(edge.end)
                target = self.entities[edge.end]
                yield [*path, edge], target
                if target.label in (Label.PAPER, Label.REPOSITORY):
                    stack.append((edge.end, [*path, edge]))

    def depends_on(self, key: str) -> dict[str, list[EdgeRow]]:
        """The components ``key`` stands on directly (lineage edges) or through its papers
        and code, with the edges that say so."""
        found: dict[str, list[EdgeRow]] = {}
        for e in self.edges_from(key, *MODEL_LINEAGE):
            found.setdefault(e.end, []).append(e)
        for path, target in self.reach(key):
            if self.is_component(target.key):
                found.setdefault(target.key, []).extend(path)
        return found


def path_text(path: list[EdgeRow]) -> str:
    """``HAS_CODE github:o/r -> DEPENDS_ON``: how a reference was reached."""
    return " -> ".join(
        f"{e.rel.value} {e.end}" if i < len(path) - 1 else e.rel.value for i, e in enumerate(path)
    )
