"""The parts of GitHub REST answers the source reads (unknown keys are ignored)."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class License(_Payload):
    key: str
    name: str | None = None
    spdx_id: str | None = None


class RepoRef(_Payload):
    full_name: str


class Repo(_Payload):
    """``GET /repos/{owner}/{repo}``."""

    full_name: str
    html_url: str | None = None
    description: str | None = None
    default_branch: str = "main"
    pushed_at: str | None = None
    archived: bool = False
    fork: bool = False
    topics: list[str] = []
    license: License | None = None
    parent: RepoRef | None = None
    stargazers_count: int | None = None


class TreeEntry(_Payload):
    path: str
    type: str  # blob | tree | commit (a submodule)
    sha: str


class Tree(_Payload):
    """``GET /repos/{o}/{r}/git/trees/{ref}?recursive=1``."""

    sha: str
    tree: list[TreeEntry]
    truncated: bool = False

    def files(self) -> list[str]:
        return [e.path for e in self.tree if e.type == "blob"]


class Content(_Payload):
    """``GET /repos/{o}/{r}/contents/{path}?ref=``: one file, base64 with line breaks."""

    path: str
    sha: str
    encoding: str | None = None
    content: str | None = None

    def text(self) -> str:
        if self.encoding != "base64" or self.content is None:
            raise ValueError(f"{self.path}: no inline content (encoding {self.encoding!r})")
        try:
            raw = base64.b64decode(self.content, validate=False)
        except binascii.Error as exc:
            raise ValueError(f"{self.path}: bad base64: {exc}") from exc
        return raw.decode("utf-8", errors="replace")


class SbomPackage(_Payload):
    name: str
    versionInfo: str | None = None
    externalRefs: list[dict[str, str]] = []

    def purl(self) -> str | None:
        for ref in self.externalRefs:
            if ref.get("referenceType") == "purl":
                return ref.get("referenceLocator")
        return None


class SbomDocument(_Payload):
    name: str | None = None
    packages: list[SbomPackage] = []


class Sbom(_Payload):
    """``GET /repos/{o}/{r}/dependency-graph/sbom``: SPDX 2.3 wrapped in ``{"sbom": ...}``."""

    sbom: SbomDocument
