"""Offline validators of the exported standards, shared by the export tests.

CycloneDX 1.6 and 1.7 by the official JSON schemas cyclonedx-python-lib bundles; SPDX
3.0.1 by the SPDX project's generated model (it refuses unknown classes, properties and
enum values and missing required properties, and links every reference); PROV by
reading each serialisation back with ``prov``'s own parsers.
"""

from __future__ import annotations

import io
import json
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from prov.model import ProvDocument
from spdx_python_model import v3_0_1 as spdx

from service.export.w3c_prov import quiet_rdflib

PROV_KINDS = {"prov-json": "json", "prov-n": "provn", "prov-o": "rdf"}


def cyclonedx_errors(bom: dict[str, Any], version: str) -> object:
    """None when ``bom`` is valid CycloneDX ``version``, else the validator's error."""
    schema = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}[version]
    return JsonStrictValidator(schema).validate_str(json.dumps(bom))


def spdx_objects(text: str) -> spdx.SHACLObjectSet:
    """Read, link and write back an SPDX 3.0.1 JSON-LD document; raises when invalid."""
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.StringIO(text), objects)
    missing = objects.link()
    assert not missing, f"references to nothing: {sorted(missing)}"
    spdx.JSONLDSerializer().write(objects, io.BytesIO())
    return objects


def prov_back(text: str, fmt: str) -> ProvDocument:
    """A PROV serialisation read back by ``prov``'s parser for ``fmt``."""
    kind = PROV_KINDS[fmt]
    extra = {"rdf_format": "turtle"} if kind == "rdf" else {}
    with quiet_rdflib():
        return ProvDocument.deserialize(content=text, format=kind, **extra)
