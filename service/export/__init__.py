"""Exports of one entity's upstream lineage in the formats other tools read.

    format          standard                              media type
    cyclonedx       CycloneDX 1.6 ML-BOM (JSON)           application/vnd.cyclonedx+json; version=1.6
    cyclonedx-1.7   CycloneDX 1.7 ML-BOM, with citations  application/vnd.cyclonedx+json; version=1.7
    spdx3           SPDX 3.0.1 JSON-LD (AI, Dataset)      application/spdx+json
    prov-json       W3C PROV-JSON                         application/json
    prov-n          W3C PROV-N                            text/provenance-notation
    prov-o          W3C PROV-O as Turtle                  text/turtle

Each is a pure function of an ``ExportSource`` (``service.export.source``: one ``standsOn``
walk and the ingest runs behind it), so the CLI and the HTTP route say the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.export.cyclonedx import to_cyclonedx
from service.export.source import ExportSource
from service.export.spdx3 import to_spdx3
from service.export.w3c_prov import serialize, to_prov


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str  # a file name ending for ``-o`` defaults and downloads
    render: Callable[[ExportSource], str]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "cyclonedx",
            "application/vnd.cyclonedx+json; version=1.6",
            ".cdx.json",
            lambda s: _json(to_cyclonedx(s, "1.6")),
        ),
        Format(
            "cyclonedx-1.7",
            "application/vnd.cyclonedx+json; version=1.7",
            ".cdx.json",
            lambda s: _json(to_cyclonedx(s, "1.7")),
        ),
        Format("spdx3", "application/spdx+json", ".spdx.jsonld", lambda s: _json(to_spdx3(s))),
        Format(
            "prov-json",
            "application/json",
            ".prov.json",
            lambda s: serialize(to_prov(s), "prov-json"),
        ),
        Format(
            "prov-n",
            "text/provenance-notation; charset=utf-8",
            ".provn",
            lambda s: serialize(to_prov(s), "prov-n"),
        ),
        Format(
            "prov-o",
            "text/turtle; charset=utf-8",
            ".ttl",
            lambda s: serialize(to_prov(s), "prov-o"),
        ),
    )
}


def render(source: ExportSource, fmt: str) -> str:
    return FORMATS[fmt].render(source)
