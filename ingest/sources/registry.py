"""Every source, registered in one line each."""

from __future__ import annotations

from collections.abc import Callable

from ingest.sources.arxiv.source import ArxivSource
from ingest.sources.base import Source
from ingest.sources.github.source import GitHubSource
from ingest.sources.hf.source import HfSource
from ingest.sources.pypi.source import PyPISource
from ingest.sources.s2.source import S2Source
from shoulders.settings import Settings

#: name -> factory. The order matters only for overlapping key prefixes (none today).
SOURCES: dict[str, Callable[[Settings], Source]] = {
    HfSource.name: HfSource,
    ArxivSource.name: ArxivSource,
    S2Source.name: S2Source,
    GitHubSource.name: GitHubSource,
    PyPISource.name: PyPISource,
}


def build_sources(settings: Settings, only: set[str] | None = None) -> list[Source]:
    return [factory(settings) for name, factory in SOURCES.items() if only is None or name in only]
