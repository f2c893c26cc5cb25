"""Every source, registered in one line each.

Adding a source: a folder under ``ingest/sources/`` with a class that follows
``ingest.sources.base.Source``, and one line below. The crawler and the job find it
here and run it like every other source.
"""

from __future__ import annotations

from ingest.sources.arxiv.source import ArxivSource
from ingest.sources.base import Source
from ingest.sources.github.source import GitHubSource
from ingest.sources.hf.source import HfSource
from ingest.sources.pypi.source import PyPISource
from ingest.sources.s2.source import S2Source
from shoulders.settings import Settings

#: name -> source class (built from the settings). The order matters only for
#: overlapping key prefixes (none today).
SOURCES: dict[str, type[Source]] = {
    HfSource.name: HfSource,
    ArxivSource.name: ArxivSource,
    S2Source.name: S2Source,
    GitHubSource.name: GitHubSource,
    PyPISource.name: PyPISource,
}


def build_sources(settings: Settings, only: set[str] | None = None) -> list[Source]:
    return [kind(settings) for name, kind in SOURCES.items() if only is None or name in only]
