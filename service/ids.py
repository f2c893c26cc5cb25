"""User-facing identifiers -> node keys, through the schema's one key builder."""

from __future__ import annotations

from schema import keys
from service import limits
from service.errors import BadUserInput

_SEED_PREFIXES = ("hf:", "arxiv:", "github:", "pypi:", "doi:")


def to_key(text: str, argument: str = "key") -> str:
    """A seed form (``hf:org/name``, ``arxiv:2501.12948v1``, ``github:o/r``, ``pypi:x``) or a raw key."""
    limits.text(text, argument, limits.MAX_ID_LENGTH)
    value = text.strip()
    try:
        if value.startswith(_SEED_PREFIXES):
            return keys.parse_seed(value)
        keys.label_of(value)  # s2:, license:, hf:org: ... are keys as they stand
        return value
    except keys.KeyError_ as exc:
        raise BadUserInput(str(exc), argument=argument) from None


def build(builder: str, value: str, argument: str) -> str:
    """Apply one named key builder (``hf_model``, ``arxiv`` ...) to a user value."""
    limits.text(value, argument, limits.MAX_ID_LENGTH)
    functions = {
        "hf_model": keys.hf_model,
        "hf_dataset": keys.hf_dataset,
        "hf_org": keys.hf_org,
        "arxiv": keys.arxiv,
        "github": keys.github,
        "pypi": keys.pypi,
        "doi": keys.doi,
    }
    try:
        return functions[builder](value)
    except keys.KeyError_ as exc:
        raise BadUserInput(str(exc), argument=argument) from None
