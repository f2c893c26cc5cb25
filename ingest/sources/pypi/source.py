"""The PyPI source: packages, the repository each is built from, licence and dependencies.

One request per package (the JSON API has no batch read), conditional on the
stored ETag. The revision is the latest version: an unchanged version is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError

from ingest.http import HttpClient, HttpError, ServicePolicy
from ingest.sources.base import FetchResult, Head, Source, Stamp
from ingest.sources.pypi import client as pypi
from ingest.sources.pypi.client import PyPIClient
from ingest.sources.pypi.mapper import map_project
from ingest.sources.pypi.payloads import Info
from schema import keys
from shoulders.settings import Settings

SOURCE = pypi.SERVICE


@dataclass(frozen=True)
class Read:
    """A project's JSON as first read, and the URL it came from."""

    info: Info
    url: str


class PyPISource(Source):
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("pypi:",)
    batch_size: ClassVar[int] = 20

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return pypi.policy(self.settings)

    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        client = PyPIClient(self.settings, http)
        try:
            for key in keys_:
                yield self._head(key, client)
        finally:
            client.close()

    def _head(self, key: str, client: PyPIClient) -> Head | FetchResult:
        name = keys.parse(key).id
        try:
            project = client.project(name)
        except (HttpError, ValidationError, ValueError) as exc:
            return FetchResult(key, error=f"{type(exc).__name__}: {exc}", source=SOURCE)
        canonical = keys.pypi(project.info.name)
        read = Read(project.info, client.project_url(name))
        return Head(canonical, project.info.version, read, key if canonical != key else None)

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        for head in heads:
            read = head.payload
            if not isinstance(read, Read):
                raise TypeError(f"{head.key}: not a PyPI head")
            mapped = map_project(read.info, stamp.provenance(SOURCE, read.url, head.revision))
            yield FetchResult(
                head.key, mapped.batch, mapped.follow, source=SOURCE, warnings=mapped.warnings
            )
