"""GitHub REST calls, all through the run's HttpClient (limits, retries, ETags, counting).

Every GET is conditional: GitHub answers an unchanged resource with 304, which does
not count against the rate limit, and the HTTP layer serves the body from its cache.
Renamed repositories answer 301; the HTTP layer follows it and the payload carries
the new ``full_name``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ingest.http import HttpClient, ServicePolicy
from ingest.sources.github.payloads import Content, Repo, Sbom, Tree
from shoulders.settings import Settings

SERVICE = "github"


def policy(settings: Settings) -> ServicePolicy:
    token = settings.github_token.get_secret_value() if settings.github_token else None
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.github_endpoint,
        # GitHub paces us with x-ratelimit-* headers, which the HTTP layer honours.
        min_interval=0.0,
        auth_header=("Authorization", f"Bearer {token}") if token else None,
        extra_headers={
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )


class GitHubClient:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.http = http
        self.base = settings.github_endpoint.rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path

    def repo(self, owner_repo: str) -> tuple[str, Repo]:
        path = f"/repos/{_segment_pair(owner_repo)}"
        return self.url(path), Repo.model_validate(self._get(path))

    def tree(self, full_name: str, ref: str) -> tuple[str, Tree]:
        path = f"/repos/{_segment_pair(full_name)}/git/trees/{quote(ref, safe='')}"
        data = self._get(path, params={"recursive": "1"})
        return self.url(path) + "?recursive=1", Tree.model_validate(data)

    def content(self, full_name: str, path: str, ref: str) -> tuple[str, Content]:
        api = f"/repos/{_segment_pair(full_name)}/contents/{quote(path, safe='/')}"
        data = self._get(api, params={"ref": ref})
        return self.url(api) + f"?ref={quote(ref, safe='')}", Content.model_validate(data)

    def sbom(self, full_name: str) -> tuple[str, Sbom]:
        path = f"/repos/{_segment_pair(full_name)}/dependency-graph/sbom"
        return self.url(path), Sbom.model_validate(self._get(path))

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        return self.http.get_json(SERVICE, path, params=params, conditional=True)


def _segment_pair(owner_repo: str) -> str:
    owner, _, name = owner_repo.partition("/")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"
