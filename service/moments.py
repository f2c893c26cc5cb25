"""Moments given to the API (``asOf``, ``since``) in the form the graph stores them.

Edges carry ISO-8601 UTC strings to the second (``2026-12-01T02:30:00Z``); strings of
that one form compare in time order, so a moment is turned into it before any Cypher.
"""

from __future__ import annotations

from datetime import UTC, datetime

from service.errors import BadUserInput


def stored(moment: datetime) -> str:
    """``moment`` as the graph stores times; a moment without a zone is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def as_of(moment: datetime | None, argument: str = "asOf") -> str | None:
    """The stored form of an ``asOf``; a moment in the future is refused (not yet known)."""
    if moment is None:
        return None
    when = stored(moment)
    if when > stored(datetime.now(UTC)):
        raise BadUserInput(f"{argument} is in the future: {when}", argument=argument)
    return when


def parse(text: str, argument: str) -> str:
    """A date or date-time typed by a person (``2026-12-01``, ``2026-12-01T02:30Z``)."""
    try:
        return stored(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise BadUserInput(
            f"{argument} is not an ISO-8601 date or date-time: {text!r}", argument=argument
        ) from None
