"""Structured logs: JSON lines when not on a terminal, readable lines on one.

Secrets never reach a log: the settings hold them as SecretStr and the HTTP layer
redacts credential-looking query parameters before a URL is logged.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from shoulders.settings import Settings

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD)
        return f"{record.levelname.lower():7} {record.name}: {record.getMessage()} {extra}".rstrip()


def configure(settings: Settings) -> None:
    fmt = settings.log_format
    if fmt == "auto":
        fmt = "console" if sys.stderr.isatty() else "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # Client libraries log every request; their URLs are ours to log, redacted.
    for noisy in ("httpx", "httpx2", "httpcore", "neo4j", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
