"""PyPI's JSON API, one GET per project, through the shared HTTP layer.

``GET {endpoint}/pypi/<name>/json`` is the whole API this source needs, so it goes
through ``HttpClient`` like every other source: rate limits, retries, request counting,
User-Agent and the ETag cache (a 304 costs nothing). ``SHOULDERS_PYPI_ENDPOINT`` names
the registry's base URL (its default, the public registry, lives in shoulders/settings.py
with every other endpoint; a mirror or the replay server otherwise), and the JSON API is
``/pypi`` below it, as on the real registry (docs/recordings.md). A 404 comes out as the
HTTP layer's ``NotFound``.
"""

from __future__ import annotations

from urllib.parse import quote

from ingest.http import HttpClient, ServicePolicy
from ingest.sources.pypi.payloads import Project
from shoulders.settings import Settings

SERVICE = "pypi"


def policy(settings: Settings) -> ServicePolicy:
    # PyPI asks for no fixed pace, only a descriptive User-Agent and ETag use.
    return ServicePolicy(name=SERVICE, base_url=settings.pypi_endpoint.rstrip("/"))


class PyPIClient:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.root = settings.pypi_endpoint.rstrip("/") + "/pypi"
        self._http = http

    def project_url(self, name: str) -> str:
        return f"{self.root}/{quote(name, safe='')}/json"

    def project(self, name: str) -> Project:
        """Latest metadata of ``name``; raises NotFound (from the HTTP layer) when unknown."""
        body = self._http.get_json(SERVICE, self.project_url(name), conditional=True)
        return Project.model_validate(body)

    def close(self) -> None:
        """The HttpClient owns the connections; nothing to close here."""
