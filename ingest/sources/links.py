"""Links several sources read: GitHub repositories named in free text or URLs.

Neutral ground: paper abstracts (arXiv) and package metadata (PyPI) both name
repositories, and sources never import each other, so the parsing lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schema import keys

_REPO_URL = re.compile(
    r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)",
    re.IGNORECASE,
)
# github.com/<word>/... paths that are GitHub's own pages, not an owner's repository.
_NOT_OWNERS = frozenset(
    {
        "about",
        "apps",
        "collections",
        "explore",
        "features",
        "login",
        "marketplace",
        "orgs",
        "settings",
        "site",
        "sponsors",
        "topics",
    }
)
_SNIPPET = 160


@dataclass(frozen=True)
class RepoLink:
    key: str  # github:<owner>/<repo>, lower-cased
    url: str  # the URL as written
    snippet: str  # the text around it: the evidence


def find_repos(text: str) -> list[RepoLink]:
    """Every distinct repository linked in ``text``, in order of first mention."""
    found: dict[str, RepoLink] = {}
    for match in _REPO_URL.finditer(text):
        owner, name = match.group(1), match.group(2).rstrip(".").removesuffix(".git")
        if owner.lower() in _NOT_OWNERS or not name:
            continue
        try:
            key = keys.github(f"{owner}/{name}")
        except keys.KeyError_:
            continue
        if key not in found:
            start = max(0, match.start() - _SNIPPET)
            snippet = " ".join(text[start : match.end() + _SNIPPET // 4].split())
            found[key] = RepoLink(key, match.group(0).rstrip("."), snippet)
    return list(found.values())
