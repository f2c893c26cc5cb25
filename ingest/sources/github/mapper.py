"""GitHub payloads -> records. Pure: no I/O, tested on recorded payloads.

A repository stands on the packages its manifests declare (DEPENDS_ON, with the
version spec as ``detail`` and the manifest path as the evidence field), on the
repository it was forked from, and is licensed under its detected licence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
)
from ingest.sources.base import Follow, Mapped
from ingest.sources.github.manifests import Parsed
from ingest.sources.github.payloads import Repo, Sbom
from schema import keys
from schema.vocabulary import Label, Method, Rel

# GitHub's answer when a repository holds several licence files or one it cannot name.
_NO_ASSERTION = frozenset({"NOASSERTION", ""})


@dataclass(frozen=True)
class ManifestRead:
    """What the source learnt about a repository's manifests."""

    listed: bool  # the tree could be read
    parsed: tuple[Parsed, ...] = ()
    provenance: dict[str, Provenance] = field(default_factory=dict)  # path -> where it was read


def map_repo(repo: Repo, manifests: ManifestRead, prov: Provenance) -> Mapped:
    key = keys.github(repo.full_name)
    out = Mapped()
    paths = [p.path for p in manifests.parsed]
    props: dict[str, PropValue] = {
        "full_name": repo.full_name,
        "html_url": repo.html_url,
        "description": repo.description,
        "default_branch": repo.default_branch,
        "pushed_at": repo.pushed_at,
        "archived": repo.archived,
        "fork": repo.fork,
        "topics": list(repo.topics),
        "stars": repo.stargazers_count,
        "license_spdx": repo.license.spdx_id if repo.license else None,
        "manifests": paths,
        "manifests_listed": manifests.listed,
        "aliases": [repo.full_name],
    }
    out.batch.nodes.append(NodeRecord(key, Label.REPOSITORY, repo.full_name, props, prov))
    if manifests.listed and not paths:
        out.warnings.append(f"{key}: no dependency manifests in the repository")
    _licence(repo, key, prov, out)
    if repo.parent is not None:
        parent = keys.github(repo.parent.full_name)
        out.batch.edges.append(
            EdgeRecord(
                Rel.FORKED_FROM,
                key,
                parent,
                prov,
                Evidence("parent.full_name", repo.parent.full_name),
                end_name=repo.parent.full_name,
            )
        )
        out.follow.append(Follow(parent, Rel.FORKED_FROM))
    for parsed in manifests.parsed:
        out.warnings.extend(f"{key}: {problem}" for problem in parsed.problems)
        _dependencies(key, parsed, manifests.provenance.get(parsed.path, prov), out)
    return out


def map_sbom(repo_key: str, sbom: Sbom, prov: Provenance) -> Mapped:
    """PyPI packages of GitHub's dependency graph (used when the tree is too big to list)."""
    out = Mapped()
    seen: set[str] = set()
    for package in sbom.sbom.packages:
        purl = package.purl() or ""
        if not purl.startswith("pkg:pypi/"):
            continue
        try:
            dep = keys.pypi(package.name)
        except keys.KeyError_:
            continue
        if dep in seen:
            continue
        seen.add(dep)
        out.batch.edges.append(
            EdgeRecord(
                Rel.DEPENDS_ON,
                repo_key,
                dep,
                prov,
                Evidence("dependency-graph/sbom", purl, Method.DECLARED, 0.9),
                detail=package.versionInfo,
                end_name=package.name,
            )
        )
        out.follow.append(Follow(dep, Rel.DEPENDS_ON))
    return out


def _licence(repo: Repo, key: str, prov: Provenance, out: Mapped) -> None:
    licence = repo.license
    if licence is None:
        return
    spdx = licence.spdx_id or ""
    name = spdx if spdx not in _NO_ASSERTION else licence.key
    if not name or name == "other":
        return  # "other": several or unrecognised licence files; nothing to point at
    target = keys.license_(name)
    out.batch.edges.append(
        EdgeRecord(
            Rel.LICENSED_UNDER,
            key,
            target,
            prov,
            Evidence("license.spdx_id", spdx or licence.key),
            end_name=name,
        )
    )


def _dependencies(key: str, parsed: Parsed, prov: Provenance, out: Mapped) -> None:
    for req in parsed.requirements:
        try:
            dep = keys.pypi(req.name)
        except keys.KeyError_:
            out.warnings.append(f"{key}: {parsed.path}: not a package name: {req.name!r}")
            continue
        detail = req.spec + (f"; {req.marker}" if req.marker else "")
        out.batch.edges.append(
            EdgeRecord(
                Rel.DEPENDS_ON,
                key,
                dep,
                prov,
                Evidence(parsed.path, req.line),
                detail=detail or None,
                end_name=req.name,
            )
        )
        out.follow.append(Follow(dep, Rel.DEPENDS_ON))
