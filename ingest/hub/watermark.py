"""Where the daily refresh stops: the latest ``lastModified`` a finished walk has taken in.

One ``HubListing`` node named ``hf-watermark``, beside the ``hf-all`` checkpoint. A
finished listing bootstrap sets it to the latest ``lastModified`` it listed, but never
later than the moment its walk began: a model changed during an hour-long walk sorted
by creation date may have been listed before its change, and the refresh must see it.
A finished refresh sets it to the latest ``lastModified`` of its first page: models
changed while it walked come later than that, so the next refresh takes them in. Only a
finished walk moves it; a killed refresh leaves it, and the next one re-does the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from neo4j import Driver

from schema.vocabulary import OpsLabel

NAME = "hf-watermark"
_LABEL = OpsLabel.HUB_LISTING.value


@dataclass(frozen=True)
class Watermark:
    value: str  # ISO 8601 in UTC, milliseconds, as the Hub writes lastModified
    run_id: str
    set_at: str

    @property
    def moment(self) -> datetime:
        return parse(self.value)


def load(driver: Driver, database: str) -> Watermark | None:
    records, _, _ = driver.execute_query(
        f"MATCH (w:{_LABEL} {{name: $name}}) RETURN w.watermark AS value, w.run_id AS run, "
        "w.updated_at AS at",
        name=NAME,
        database_=database,
    )
    if not records or not records[0]["value"]:
        return None
    row = records[0]
    return Watermark(str(row["value"]), str(row["run"] or ""), str(row["at"] or ""))


def save(driver: Driver, database: str, moment: datetime, run_id: str, now: str) -> Watermark:
    mark = Watermark(iso(moment), run_id, now)
    driver.execute_query(
        f"MERGE (w:{_LABEL} {{name: $name}}) "
        "SET w.watermark = $value, w.run_id = $run, w.updated_at = $now",
        name=NAME,
        value=mark.value,
        run=run_id,
        now=now,
        database_=database,
    )
    return mark


def parse(text: str) -> datetime:
    """``2025-05-01``, ``2025-05-01T12:00:00Z`` or with an offset -> an aware UTC time.

    Raises ValueError for anything else.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def latest(current: str | None, seen: str | None) -> str | None:
    """The later of two ISO times (either may be missing)."""
    if seen is None:
        return current
    if current is None or parse(seen) > parse(current):
        return seen
    return current
