"""The GitHub source: repositories, their licence, fork parent and declared dependencies.

Per repository: the repository (1 request), its recursive tree (1) to find manifests
at any depth, and each manifest's content (1 each, at most ``MAX_MANIFESTS``). All
are conditional, so an unchanged repository costs 304s that GitHub does not count.
When the tree is too big for one answer (``truncated``), the dependency-graph SBOM
stands in for the manifests. The revision is the tree sha: an unchanged tree means
unchanged manifests, and the repository is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError

from ingest.http import HttpClient, HttpError, ServicePolicy
from ingest.records import Provenance
from ingest.sources.base import FetchResult, Head, Mapped, Source, Stamp
from ingest.sources.github import client as gh
from ingest.sources.github.client import GitHubClient
from ingest.sources.github.manifests import Parsed, parse_manifest, select_manifests
from ingest.sources.github.mapper import ManifestRead, map_repo, map_sbom
from ingest.sources.github.payloads import Repo, Tree
from schema import keys
from shoulders.settings import Settings

SOURCE = gh.SERVICE


@dataclass(frozen=True)
class Read:
    """The repository and its tree as first read: the tree sha is the revision."""

    url: str
    repo: Repo
    tree: Tree | None
    warnings: tuple[str, ...] = ()


class GitHubSource(Source):
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("github:",)
    batch_size: ClassVar[int] = 1  # the REST API has no batch read

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def policy(self) -> ServicePolicy:
        return gh.policy(self.settings)

    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        client = GitHubClient(self.settings, http)
        for key in keys_:
            try:
                yield self._head(key, client)
            except (HttpError, ValidationError, ValueError) as exc:
                yield FetchResult(key, error=f"{type(exc).__name__}: {exc}", source=SOURCE)

    def _head(self, key: str, client: GitHubClient) -> Head:
        url, repo = client.repo(keys.parse(key).id)
        canonical = keys.github(repo.full_name)
        warnings: list[str] = []
        tree = self._tree(client, repo, warnings)
        revision = tree[1].sha if tree else repo.pushed_at
        read = Read(url, repo, tree[1] if tree else None, tuple(warnings))
        return Head(canonical, revision, read, key if canonical != key else None)

    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        client = GitHubClient(self.settings, http)
        for head in heads:
            try:
                yield self._complete(head, client, stamp)
            except (HttpError, ValidationError, ValueError) as exc:
                yield FetchResult(head.key, error=f"{type(exc).__name__}: {exc}", source=SOURCE)

    def _complete(self, head: Head, client: GitHubClient, stamp: Stamp) -> FetchResult:
        read = head.payload
        if not isinstance(read, Read):
            raise TypeError(f"{head.key}: not a GitHub head")
        warnings = list(read.warnings)
        prov = stamp.provenance(SOURCE, read.url, head.revision)
        manifests = self._manifests(client, read.repo, read.tree, stamp, warnings)
        mapped = map_repo(read.repo, manifests, prov)
        if read.tree and read.tree.truncated:
            mapped = self._with_sbom(client, read.repo, head.key, stamp, mapped, warnings)
        return FetchResult(
            head.key,
            mapped.batch,
            mapped.follow,
            source=SOURCE,
            warnings=warnings + mapped.warnings,
        )

    def _tree(
        self, client: GitHubClient, repo: Repo, warnings: list[str]
    ) -> tuple[str, Tree] | None:
        try:
            return client.tree(repo.full_name, repo.default_branch)
        except HttpError as exc:  # an empty repository answers 409, a missing branch 404
            warnings.append(f"github:{repo.full_name}: tree not readable: {exc}")
            return None

    def _manifests(
        self,
        client: GitHubClient,
        repo: Repo,
        tree: Tree | None,
        stamp: Stamp,
        warnings: list[str],
    ) -> ManifestRead:
        if tree is None:
            return ManifestRead(listed=False)
        parsed: list[Parsed] = []
        provenance: dict[str, Provenance] = {}
        for path in select_manifests(tree.files()):
            try:
                url, content = client.content(repo.full_name, path, repo.default_branch)
            except HttpError as exc:
                # The repository would be stored at this tree sha without these dependencies
                # and skipped as unchanged from then on: fail it, so the next run reads it all.
                raise type(exc)(f"manifest {path}: {exc}", url=exc.url, status=exc.status) from exc
            try:
                text = content.text()
            except (ValidationError, ValueError) as exc:  # not text: no answer will change that
                warnings.append(f"github:{repo.full_name}: {path}: {exc}")
                continue
            parsed.append(parse_manifest(path, text))
            provenance[path] = stamp.provenance(SOURCE, url, content.sha)
        return ManifestRead(listed=True, parsed=tuple(parsed), provenance=provenance)

    def _with_sbom(
        self,
        client: GitHubClient,
        repo: Repo,
        key: str,
        stamp: Stamp,
        mapped: Mapped,
        warnings: list[str],
    ) -> Mapped:
        """The tree was cut short: GitHub's dependency graph covers what we could not list."""
        try:
            url, sbom = client.sbom(repo.full_name)
        except (HttpError, ValidationError) as exc:
            warnings.append(f"{key}: tree truncated and no dependency graph: {exc}")
            return mapped
        extra = map_sbom(key, sbom, stamp.provenance(SOURCE, url, None))
        mapped.batch.extend(extra.batch)
        mapped.follow.extend(extra.follow)
        return mapped
