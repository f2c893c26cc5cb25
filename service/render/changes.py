"""Text and JSON renderings of a ``changes`` answer for ``shoulders diff``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from service.queries.changes import Change, Changes
from service.queries.rows import AssertionRow, EdgeRow


def _evidence(a: AssertionRow) -> str:
    when = f"retracted {a.retracted_at}" if a.retracted_at else f"seen {a.last_seen}"
    return (
        f"    {a.source} {a.method.value} {a.field}={a.value!r} "
        f"@ {a.revision or '-'} ({a.url or '-'}; first seen {a.first_seen}, {when})"
    )


def _line(change: Change) -> list[str]:
    e, before = change.edge, change.previous
    if before is not None:
        head = (
            f"{change.at} CHANGED {e.start}: {before.rel.value} {before.end} "
            f"-> {e.rel.value} {e.end}"
        )
        return [head, *(_evidence(a) for a in (*before.assertions, *e.assertions))]
    head = f"{change.at} {change.kind.value} {e.start} -[{e.rel.value}]-> {e.end}"
    return [head, *(_evidence(a) for a in e.assertions)]


def to_text(found: Changes) -> str:
    scope = f" of {found.key}" if found.key else ""
    lines = [f"changes{scope} since {found.since}: {len(found.items)}"]
    for change in found.items:
        lines += _line(change)
    if found.truncated:
        lines.append("truncated: more assertions changed than were read (raise --limit)")
    return "\n".join(lines) + "\n"


def _edge(edge: EdgeRow) -> dict[str, Any]:
    return {
        "from": edge.start,
        "relation": edge.rel.value,
        "to": edge.end,
        "evidence": [{**asdict(a), "method": a.method.value} for a in edge.assertions],
    }


def to_json(found: Changes) -> str:
    items = [
        {
            "kind": c.kind.value,
            "at": c.at,
            "edge": _edge(c.edge),
            "previous": None if c.previous is None else _edge(c.previous),
        }
        for c in found.items
    ]
    body = {"since": found.since, "key": found.key, "truncated": found.truncated, "items": items}
    return json.dumps(body, indent=2, sort_keys=True) + "\n"


FORMATS = {"text": to_text, "json": to_json}
