"""PyPI project metadata -> records. Pure: no I/O, tested on recorded payloads.

A package is BUILT_FROM the repository its metadata links (every URL value of
``project_urls`` and ``home_page`` is scanned for github.com/<owner>/<repo>; one edge
per repository, from the strongest field), is licensed under its declared licence,
and DEPENDS_ON the packages of its ``requires_dist`` -- except optional ones (an
``extra == ...`` marker), which are what a user may add, not what it stands on.
"""

from __future__ import annotations

from packaging.requirements import InvalidRequirement, Requirement

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
)
from ingest.sources.base import Follow, Mapped
from ingest.sources.links import find_repos
from ingest.sources.pypi.licences import licence_of
from ingest.sources.pypi.payloads import Info
from schema import keys
from schema.vocabulary import Label, Method, Rel

# project_urls labels that name the code itself (lower-cased); others only link to it.
_SOURCE_LABELS = frozenset({"source", "source code", "repository", "code", "github", "sources"})


def map_project(info: Info, prov: Provenance) -> Mapped:
    key = keys.pypi(info.name)
    out = Mapped()
    urls = _urls(info)
    props: dict[str, PropValue] = {
        "name": info.name,
        "ecosystem": "pypi",
        "version": info.version,
        "summary": info.summary,
        "requires_python": info.requires_python,
        "home_page": info.home_page,
        "project_urls": [f"{label}, {url}" for label, url in urls if label != "Home-page"],
        "license": _short(info.license),
        "license_expression": info.license_expression,
    }
    out.batch.nodes.append(NodeRecord(key, Label.PACKAGE, info.name, props, prov))
    _repositories(key, urls, prov, out)
    _licence(key, info, prov, out)
    _requirements(key, info, prov, out)
    return out


def _urls(info: Info) -> list[tuple[str, str]]:
    urls = list((info.project_urls or {}).items())
    if info.home_page:
        urls.append(("Home-page", info.home_page))
    return urls


def _field(label: str) -> str:
    return "info.home_page" if label == "Home-page" else f"info.project_urls.{label}"


def _repositories(key: str, urls: list[tuple[str, str]], prov: Provenance, out: Mapped) -> None:
    best: dict[str, tuple[float, str, str]] = {}  # repo -> (confidence, label, url)
    for label, url in urls:
        confidence = 1.0 if label.lower() in _SOURCE_LABELS else 0.9
        for link in find_repos(url):
            current = best.get(link.key)
            if current is None or confidence > current[0]:
                best[link.key] = (confidence, label, url)
    for repo, (confidence, label, url) in best.items():
        evidence = Evidence(_field(label), url, Method.DECLARED, confidence)
        out.batch.edges.append(
            EdgeRecord(Rel.BUILT_FROM, key, repo, prov, evidence, end_name=keys.parse(repo).name)
        )
        out.follow.append(Follow(repo, Rel.BUILT_FROM))
    if not best:
        out.warnings.append(f"{key}: no GitHub repository in project_urls or home_page")


def _licence(key: str, info: Info, prov: Provenance, out: Mapped) -> None:
    found = licence_of(info.license_expression, info.license, info.classifiers)
    if found is None:
        return
    name, field_name, value = found
    try:
        target = keys.license_(name)
    except keys.KeyError_:
        return
    out.batch.edges.append(
        EdgeRecord(
            Rel.LICENSED_UNDER, key, target, prov, Evidence(field_name, value), end_name=name
        )
    )


def _requirements(key: str, info: Info, prov: Provenance, out: Mapped) -> None:
    seen: set[str] = set()
    for line in info.requires_dist or []:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            out.warnings.append(f"{key}: unparsable requires_dist entry {line!r}")
            continue
        marker = str(req.marker or "")
        if "extra" in marker:
            continue  # optional: installed only with pip install name[extra]
        dep = keys.pypi(req.name)
        if dep == key or dep in seen:
            continue
        seen.add(dep)
        detail = str(req.specifier) + (f"; {marker}" if marker else "")
        out.batch.edges.append(
            EdgeRecord(
                Rel.DEPENDS_ON,
                key,
                dep,
                prov,
                Evidence("info.requires_dist", line),
                detail=detail or None,
                end_name=req.name,
            )
        )
        out.follow.append(Follow(dep, Rel.DEPENDS_ON))


def _short(text: str | None) -> str | None:
    # Some packages paste the whole licence text into License; keep names only.
    if text is None or "\n" in text or len(text) > 120:
        return None
    return text
