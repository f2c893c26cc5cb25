"""The licence check and the openness answer as JSON (the API's field names) or text."""

from __future__ import annotations

import json
from typing import Any

from schema.licences import Term
from service.licensing.answers import Openness
from service.licensing.check import Finding, LicenceCheck
from service.licensing.declared import Declared
from service.queries.rows import EdgeRow


def _term(t: Term) -> dict[str, Any]:
    return {"kind": t.kind.value, "value": t.value.value, "clause": t.clause, "source": t.source}


def _licence(d: Declared) -> dict[str, Any]:
    n = d.licence
    return {
        "id": n.id,
        "name": n.name,
        "class": n.cls.value,
        "known": n.known,
        "key": d.key,
        "givenId": n.given,
        "givenName": n.given_name,
        "link": n.given_link,
        "url": n.url,
    }


def _edge(e: EdgeRow) -> dict[str, Any]:
    return {
        "fromKey": e.start,
        "relation": e.rel.value,
        "toKey": e.end,
        "method": e.method.value,
        "evidence": [
            {"source": a.source, "url": a.url, "field": a.field, "value": a.value}
            for a in e.assertions
        ],
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code.value,
        "severity": f.severity.value,
        "scope": f.scope.value,
        "subjectKey": f.subject,
        "message": f.message,
        "licence": _licence(f.licence) if f.licence else None,
        "terms": [_term(t) for t in f.terms],
        "path": [_edge(e) for e in f.path],
    }


def check_json(c: LicenceCheck) -> str:
    data = {
        "key": c.root.key,
        "declared": [_licence(d) for d in c.declared],
        "maxSeverity": c.max_severity.value if c.max_severity else None,
        "findings": [_finding(f) for f in c.findings],
        "disclaimer": c.disclaimer,
        "tableVersion": c.table_version,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _hops(path: tuple[EdgeRow, ...]) -> str:
    if not path:
        return ""
    parts = [path[0].start.split(":", 2)[-1]]
    for e in path:
        parts.append(f"-[{e.rel.value}]-> {e.end.split(':', 2)[-1]}")
    return " ".join(parts)


def _evidence(path: tuple[EdgeRow, ...]) -> list[str]:
    lines = []
    for e in path:
        for a in e.assertions[:2]:
            value = (a.value or "").replace("\n", " ")
            if len(value) > 150:
                value = value[:147] + "..."
            lines.append(f"      evidence {e.rel.value}: {a.source} {a.field} = {value}")
    return lines


def check_text(c: LicenceCheck) -> str:
    declared = ", ".join(f"{d.licence.id} ({d.licence.cls.value})" for d in c.declared) or "none"
    lines = [f"Licence check: {c.root.key}", f"declares: {declared}", ""]
    if not c.findings:
        lines.append("no findings")
    for f in c.findings:
        lines.append(f"{f.severity.value.upper():6} {f.code.value} [{f.scope.value}] {f.subject}")
        lines.append(f"    {f.message}")
        if f.path:
            lines.append(f"    path: {_hops(f.path)}")
            lines += _evidence(f.path)
        for t in f.terms:
            clause = t.clause or ""
            if len(clause) > 160:
                clause = clause[:157] + "..."
            lines.append(f'    - {t.kind.value}: "{clause}"')
            lines.append(f"      source: {t.source}")
        lines.append("")
    lines.append(c.disclaimer)
    return "\n".join(lines) + "\n"


def openness_json(o: Openness) -> str:
    data = {
        "key": o.root.key,
        "verdict": o.verdict.value,
        "reason": o.reason,
        "summary": o.sentence,
        "byKind": [
            {
                "kind": s.kind.value,
                "total": s.total,
                "open": s.open,
                "openWithRestrictions": s.open_with_restrictions,
                "closedOrUnknown": s.closed_or_unknown,
            }
            for s in o.summary
        ],
        "mof": {
            "reached": o.mof.reached,
            "couldReach": o.mof.could_reach,
            "note": o.mof.note,
            "components": [
                {"component": c.component.value, "status": c.status.value, "reason": c.reason}
                for c in o.mof.components
            ],
        },
        "entities": [
            {
                "key": i.entity.key,
                "kind": i.kind.value,
                "distance": i.distance,
                "verdict": i.verdict.value,
                "reason": i.reason,
            }
            for i in o.items
        ],
        "truncated": o.truncation is not None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def openness_text(o: Openness) -> str:
    lines = [
        f"Openness: {o.root.key}",
        f"itself: {o.verdict.value} ({o.reason})",
        "",
        o.sentence,
        "",
        f"{'kind':10} {'total':>5} {'open':>5} {'restricted':>10} {'closed/unknown':>14}",
    ]
    for s in o.summary:
        lines.append(
            f"{s.kind.value:10} {s.total:5} {s.open:5} {s.open_with_restrictions:10} "
            f"{s.closed_or_unknown:14}"
        )
    lines += ["", "upstream:"]
    for i in o.items:
        lines.append(
            f"  {i.distance} {i.kind.value:9} {i.verdict.value:22} {i.entity.key}: {i.reason}"
        )
    lines += [
        "",
        "Model Openness Framework estimate "
        f"(reached: {o.mof.reached or 'none'}; could reach: {o.mof.could_reach or 'none'}):",
    ]
    for c in o.mof.components:
        lines.append(f"  {c.component.value:24} {c.status.value:10} {c.reason}")
    lines.append(o.mof.note)
    if o.truncation is not None:
        lines.append(f"(closure truncated at depth {o.truncation.at_depth})")
    return "\n".join(lines) + "\n"
