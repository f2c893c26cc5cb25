"""The PyPI source: packages, the repository each is built from, licence and dependencies.

One request per package (the JSON API has no batch read), conditional on the
stored ETag. The revision is the latest version: an unchanged version is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from pydantic import ValidationError

from ingest.crawl import upstream_follows
from ingest.http import HttpError, ServicePolicy
from ingest.sources.base import FetchResult, RunContext
from ingest.sources.pypi import client as pypi
from ingest.sources.pypi.client import PyPIClient
from ingest.sources.pypi.mapper import map_project
from schema import keys
from shoulders.settings import Settings

SOURCE = pypi.SERVICE


class PyPISource:
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("pypi:",)
    batch_size: ClassVar[int] = 20

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return pypi.policy(self.settings)

    def fetch(self, keys_: Sequence[str], ctx: RunContext) -> Iterator[FetchResult]:
        client = PyPIClient(self.settings, ctx.http)
        try:
            for key in keys_:
                yield self._fetch(key, client, ctx)
        finally:
            client.close()

    def _fetch(self, key: str, client: PyPIClient, ctx: RunContext) -> FetchResult:
        name = key.removeprefix("pypi:")
        try:
            project = client.project(name)
        except (HttpError, ValidationError, ValueError) as exc:
            return FetchResult(key, error=f"{type(exc).__name__}: {exc}", source=SOURCE)
        canonical = keys.pypi(project.info.name)
        requested = key if canonical != key else None
        stored = ctx.stored(canonical)
        if ctx.is_fresh(stored, project.info.version):
            return FetchResult(
                canonical,
                skipped=True,
                follow=upstream_follows(stored),
                source=SOURCE,
                requested=requested,
            )
        prov = ctx.provenance(SOURCE, client.project_url(name), project.info.version)
        mapped = map_project(project.info, prov)
        return FetchResult(
            canonical,
            mapped.batch,
            mapped.follow,
            source=SOURCE,
            requested=requested,
            warnings=mapped.warnings,
        )
