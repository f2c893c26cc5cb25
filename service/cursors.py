"""Opaque cursors: base64 of a small JSON list, checked on the way back in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from service.errors import BadUserInput


def encode(kind: str, *parts: Any) -> str:
    raw = json.dumps([kind, *parts], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str) -> list[Any]:
    """The parts of a cursor made by ``encode(kind, ...)``; BAD_USER_INPUT otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadUserInput("malformed cursor", argument="after") from None
    if not isinstance(value, list) or not value or value[0] != kind:
        raise BadUserInput("cursor does not belong to this field", argument="after")
    return value[1:]
