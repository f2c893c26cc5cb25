"""Package metadata states licences three ways; turn each into one licence key.

``License-Expression`` (PEP 639) is SPDX already. The free-text ``License`` field is
often a name ("Apache 2.0 License") or a whole licence text; the trove classifier is
a fixed vocabulary. Only names we can map with confidence become keys.
"""

from __future__ import annotations

import re

# Free-text names and classifier tails -> SPDX id.
_ALIASES: dict[str, str] = {
    "apache 2.0": "Apache-2.0",
    "apache 2.0 license": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "mit license": "MIT",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd 3-clause": "BSD-3-Clause",
    "bsd-2-clause": "BSD-2-Clause",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "isc license (iscl)": "ISC",
    "python software foundation license": "PSF-2.0",
}
_CLASSIFIER = "License :: OSI Approved :: "
_SPDX_ID = re.compile(r"^[A-Za-z0-9.+\-]+$")


def licence_of(
    expression: str | None, free_text: str | None, classifiers: list[str]
) -> tuple[str, str, str] | None:
    """(SPDX-ish name, evidence field, evidence value) or None when nothing is clear."""
    if expression and expression.strip():
        return expression.strip(), "info.license_expression", expression.strip()
    text = (free_text or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        mapped = _ALIASES.get(text.lower())
        if mapped or _SPDX_ID.match(text):
            return mapped or text, "info.license", text
    for classifier in classifiers:
        if classifier.startswith(_CLASSIFIER):
            tail = classifier.removeprefix(_CLASSIFIER)
            mapped = _ALIASES.get(tail.lower())
            if mapped:
                return mapped, "info.classifiers", classifier
    return None
