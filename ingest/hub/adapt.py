"""One mapper, two inputs: a listing item or a dump row -> the seed crawl's ``HfModel``.

Both go through huggingface_hub's ``ModelInfo`` exactly as the seed crawl's payloads do
(``HfModel.from_info``), so card data is normalised the same way, and then through
``map_model`` with no README: the bootstraps read declared lineage only (tags and
``cardData``). Ids named only in the card's YAML are not resolved against the Hub
(that costs a request per id); a stale one stays as written, with its evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from huggingface_hub import ModelInfo

from ingest.records import Provenance, RecordBatch
from ingest.sources.hf.mapper import extract_claims, map_model
from ingest.sources.hf.payloads import HfModel

#: Dump column -> the Hub API field it holds. The ``hub-stats`` models table uses the
#: API's camelCase names; snake_case spellings seen in other dumps map to the same fields.
_ROW_FIELDS: dict[str, str] = {
    "id": "id",
    "modelId": "id",
    "author": "author",
    "sha": "sha",
    "tags": "tags",
    "cardData": "cardData",
    "card_data": "cardData",
    "createdAt": "createdAt",
    "created_at": "createdAt",
    "lastModified": "lastModified",
    "last_modified": "lastModified",
    "config": "config",
    "library_name": "library_name",
    "pipeline_tag": "pipeline_tag",
    "gated": "gated",
    "downloads": "downloads",
    "likes": "likes",
}
#: The dump columns worth reading (the others, e.g. siblings and safetensors, are large).
ROW_COLUMNS = frozenset(_ROW_FIELDS)


class BadItem(ValueError):
    """A listing item or dump row the mapper cannot read; the run reports it and goes on."""


def model_from_item(item: Mapping[str, Any]) -> HfModel:
    """A listing item (the JSON object of ``GET /api/models``) -> ``HfModel``."""
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        raise BadItem(f"listing item without an id: {str(item)[:120]!r}")
    try:
        return HfModel.from_info(ModelInfo(**dict(item)))  # type: ignore[no-untyped-call]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadItem(f"{item['id']}: {type(exc).__name__}: {exc}") from exc


def item_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A dump row -> the listing item it stands for (JSON columns decoded, times as ISO)."""
    item: dict[str, Any] = {}
    for column, value in row.items():
        name = _ROW_FIELDS.get(column)
        if name is None or value is None or name in item:
            continue
        if name in ("cardData", "config") and isinstance(value, str):
            value = _json_object(value)
        elif isinstance(value, datetime):
            value = _iso(value)
        elif name == "gated" and isinstance(value, str) and value in ("true", "false"):
            value = value == "true"  # some dumps keep the Hub's false | "auto" | "manual" as text
        item[name] = value
    return item


def model_from_row(row: Mapping[str, Any]) -> HfModel:
    return model_from_item(item_from_row(row))


def records(model: HfModel, provenance: Provenance, site: str) -> RecordBatch:
    """The seed crawl's records for ``model``, from its metadata alone."""
    return map_model(model, extract_claims(model), {}, provenance, site).batch


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadItem(f"a JSON column does not parse: {exc}") from exc
    return value if isinstance(value, dict) else None


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
