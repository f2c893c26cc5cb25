"""The licence check: what the licences along a model's ancestry oblige its users to.

Three scopes, kept apart because the law treats them apart:

- WEIGHTS: models whose weights this one's were made from (fine-tune, adapter,
  quantisation, merge, a declared base of unstated kind), transitively;
- TEACHER: models it was distilled from (only their terms about outputs bind a student);
- DATA: datasets the lineage declares it was trained on.

Each finding names the ancestor, the path to it as edges with their evidence, and the
terms (each with its clause and source URL). Findings are obligations to review, never
legal conclusions: ``DISCLAIMER`` says so once per answer.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import StrEnum

from schema import licences
from schema.licences import LicenceClass, Term, TermKind
from schema.vocabulary import Rel
from service.licensing.declared import Declared, declared
from service.queries.licences import WEIGHTS, LicenceGraph
from service.queries.rows import EdgeRow, EntityRow

DISCLAIMER = (
    "These findings are obligations and conflicts to review, each with the licence clause "
    "and source it rests on; they are not legal conclusions, and the graph may be incomplete."
)


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Scope(StrEnum):
    SELF = "self"
    WEIGHTS = "weights"
    TEACHER = "teacher"
    DATA = "data"


class Code(StrEnum):
    INHERITED_OBLIGATION = "INHERITED_OBLIGATION"
    DECLARED_MORE_PERMISSIVE = "DECLARED_MORE_PERMISSIVE"
    NONCOMMERCIAL_UPSTREAM = "NONCOMMERCIAL_UPSTREAM"
    UNKNOWN_UPSTREAM_LICENCE = "UNKNOWN_UPSTREAM_LICENCE"
    NO_LICENCE_DECLARED = "NO_LICENCE_DECLARED"
    DATASET_OBLIGATION = "DATASET_OBLIGATION"
    DATASET_NONCOMMERCIAL = "DATASET_NONCOMMERCIAL"
    DATASET_LICENCE_UNKNOWN = "DATASET_LICENCE_UNKNOWN"


@dataclass(frozen=True)
class Finding:
    code: Code
    severity: Severity
    scope: Scope
    subject: str  # the key of the entity whose licence gives rise to it
    message: str
    licence: Declared | None
    terms: tuple[Term, ...] = ()
    path: tuple[EdgeRow, ...] = ()  # from the checked model to ``subject``


@dataclass(frozen=True)
class LicenceCheck:
    root: EntityRow
    declared: list[Declared]
    findings: list[Finding]
    disclaimer: str = DISCLAIMER
    table_version: str = field(default_factory=lambda: licences.table().version)

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def _paths(root: str, edges: list[EdgeRow]) -> dict[str, tuple[EdgeRow, ...]]:
    """Shortest path over weights edges from ``root`` to every ancestor (breadth first,
    edges in a stable order, so the same graph always gives the same path)."""
    out: dict[str, list[EdgeRow]] = defaultdict(list)
    for e in sorted(edges, key=lambda e: (e.start, e.rel.value, e.end)):
        if e.rel in WEIGHTS:
            out[e.start].append(e)
    paths: dict[str, tuple[EdgeRow, ...]] = {root: ()}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for e in out[node]:
            if e.end not in paths:
                paths[e.end] = (*paths[node], e)
                queue.append(e.end)
    return paths


def _yes(d: Declared, kinds: tuple[TermKind, ...]) -> tuple[Term, ...]:
    entry = d.licence.licence
    if entry is None:
        return ()
    return tuple(entry.term(k) for k in kinds if entry.has(k))


def _name(entities: dict[str, EntityRow], key: str) -> str:
    row = entities.get(key)
    return row.name if row else key


def _lacks(root_licences: list[Declared], term: TermKind) -> bool:
    """Every licence the model declares is known and does not carry ``term``."""
    entries = [d.licence.licence for d in root_licences]
    return bool(entries) and all(e is not None and not e.has(term) for e in entries)


def _weights_findings(
    key: str,
    path: tuple[EdgeRow, ...],
    theirs: list[Declared],
    ours: list[Declared],
    name: str,
) -> list[Finding]:
    found: list[Finding] = []
    if not theirs or all(not d.licence.known for d in theirs):
        given = ", ".join(d.licence.given for d in theirs) or "none"
        found.append(
            Finding(
                Code.UNKNOWN_UPSTREAM_LICENCE,
                Severity.MEDIUM,
                Scope.WEIGHTS,
                key,
                f"{name} is upstream of these weights and its licence is not known "
                f"(declared: {given}); its terms cannot be checked.",
                theirs[0] if theirs else None,
                (),
                path,
            )
        )
        return found
    for d in theirs:
        if not d.licence.known:
            continue
        if d.licence.cls is LicenceClass.NON_COMMERCIAL:
            found.append(
                Finding(
                    Code.NONCOMMERCIAL_UPSTREAM,
                    Severity.HIGH,
                    Scope.WEIGHTS,
                    key,
                    f"{name} is under {d.licence.name}, which allows non-commercial use only.",
                    d,
                    _yes(d, (TermKind.NON_COMMERCIAL, TermKind.COMMERCIAL_USE))
                    or tuple(t for t in d.licence.terms() if t.kind is TermKind.NON_COMMERCIAL),
                    path,
                )
            )
        obligations = _yes(d, licences.OBLIGATION_TERMS)
        if obligations:
            restrictive = any(t.kind in licences.RESTRICTIVE_TERMS for t in obligations)
            kinds = ", ".join(t.kind.value for t in obligations)
            found.append(
                Finding(
                    Code.INHERITED_OBLIGATION,
                    Severity.MEDIUM if restrictive else Severity.LOW,
                    Scope.WEIGHTS,
                    key,
                    f"Built on {name} ({d.licence.name}): its terms travel with the "
                    f"weights ({kinds}).",
                    d,
                    obligations,
                    path,
                )
            )
        ours_ids = {o.licence.id for o in ours}
        if d.licence.id in ours_ids:
            continue
        entry = d.licence.licence
        missing = tuple(
            entry.term(t)
            for t in licences.RESTRICTIVE_TERMS
            if entry is not None and entry.has(t) and _lacks(ours, t)
        )
        if missing:
            declared_as = ", ".join(o.licence.id for o in ours)
            found.append(
                Finding(
                    Code.DECLARED_MORE_PERMISSIVE,
                    Severity.HIGH,
                    Scope.WEIGHTS,
                    key,
                    f"Declared {declared_as}, but its weights stand on {name} under "
                    f"{d.licence.name}, whose terms ({', '.join(t.kind.value for t in missing)}) "
                    f"{declared_as} does not carry.",
                    d,
                    missing,
                    path,
                )
            )
    return found


def _teacher_findings(
    key: str, path: tuple[EdgeRow, ...], theirs: list[Declared], name: str
) -> list[Finding]:
    if not theirs or all(not d.licence.known for d in theirs):
        return [
            Finding(
                Code.UNKNOWN_UPSTREAM_LICENCE,
                Severity.LOW,
                Scope.TEACHER,
                key,
                f"Distilled from {name}, whose licence is not known; whether its terms bind "
                "a student trained on its outputs cannot be checked.",
                theirs[0] if theirs else None,
                (),
                path,
            )
        ]
    found: list[Finding] = []
    for d in theirs:
        if d.licence.cls is LicenceClass.NON_COMMERCIAL:
            found.append(
                Finding(
                    Code.NONCOMMERCIAL_UPSTREAM,
                    Severity.MEDIUM,
                    Scope.TEACHER,
                    key,
                    f"Distilled from {name} under {d.licence.name} (non-commercial).",
                    d,
                    _yes(d, (TermKind.NON_COMMERCIAL,)),
                    path,
                )
            )
        outputs = _yes(d, licences.OUTPUT_TERMS)
        if outputs:
            found.append(
                Finding(
                    Code.INHERITED_OBLIGATION,
                    Severity.MEDIUM,
                    Scope.TEACHER,
                    key,
                    f"Distilled from {name}: {d.licence.name} has terms on the use of its "
                    "outputs to train other models.",
                    d,
                    outputs,
                    path,
                )
            )
    return found


def _data_findings(
    key: str, path: tuple[EdgeRow, ...], theirs: list[Declared], name: str
) -> list[Finding]:
    if not theirs or all(not d.licence.known for d in theirs):
        given = ", ".join(d.licence.given for d in theirs) or "none"
        return [
            Finding(
                Code.DATASET_LICENCE_UNKNOWN,
                Severity.LOW,
                Scope.DATA,
                key,
                f"Trained on {name}, whose licence is not known (declared: {given}).",
                theirs[0] if theirs else None,
                (),
                path,
            )
        ]
    found: list[Finding] = []
    for d in theirs:
        if d.licence.cls is LicenceClass.NON_COMMERCIAL:
            found.append(
                Finding(
                    Code.DATASET_NONCOMMERCIAL,
                    Severity.MEDIUM,
                    Scope.DATA,
                    key,
                    f"Trained on {name} under {d.licence.name} (non-commercial).",
                    d,
                    _yes(d, (TermKind.NON_COMMERCIAL,)),
                    path,
                )
            )
        obligations = _yes(d, licences.OBLIGATION_TERMS)
        if obligations:
            found.append(
                Finding(
                    Code.DATASET_OBLIGATION,
                    Severity.LOW,
                    Scope.DATA,
                    key,
                    f"Trained on {name} under {d.licence.name}: review its terms "
                    f"({', '.join(t.kind.value for t in obligations)}).",
                    d,
                    obligations,
                    path,
                )
            )
    return found


def check(graph: LicenceGraph) -> LicenceCheck:
    entities = graph.entities
    root = entities[graph.root]
    by_start: dict[str, list[EdgeRow]] = defaultdict(list)
    for e in graph.edges:
        by_start[e.start].append(e)

    def licences_of(key: str) -> list[Declared]:
        row = entities.get(key)
        return declared(row, by_start[key], entities) if row else []

    ours = licences_of(root.key)
    findings: list[Finding] = []
    if not ours:
        findings.append(
            Finding(
                Code.NO_LICENCE_DECLARED,
                Severity.MEDIUM,
                Scope.SELF,
                root.key,
                f"{root.name} declares no licence.",
                None,
            )
        )
    paths = _paths(root.key, graph.edges)
    lineage = sorted((k for k in paths if k != root.key), key=lambda k: (len(paths[k]), k))
    for key in lineage:
        findings += _weights_findings(key, paths[key], licences_of(key), ours, _name(entities, key))
    seen: set[tuple[Rel, str]] = set()
    for start in [root.key, *lineage]:
        for e in sorted(by_start[start], key=lambda e: (e.rel.value, e.end)):
            if e.rel not in (Rel.DISTILLED_FROM, Rel.TRAINED_ON) or (e.rel, e.end) in seen:
                continue
            seen.add((e.rel, e.end))
            path = (*paths[start], e)
            name = _name(entities, e.end)
            if e.rel is Rel.DISTILLED_FROM:
                findings += _teacher_findings(e.end, path, licences_of(e.end), name)
            else:
                findings += _data_findings(e.end, path, licences_of(e.end), name)
    findings.sort(key=lambda f: (-f.severity.rank, len(f.path), f.code.value, f.subject))
    return LicenceCheck(root, ours, findings)
