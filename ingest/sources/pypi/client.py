"""PyPI through the ``pypi-json`` client library, whose requests travel our HTTP layer.

The library builds the URLs and parses the answers; a transport adapter on its
``requests`` session hands every request to ``HttpClient`` (limits, retries, ETags,
counting). Live runs use the library's own default endpoint, so this project names no
package-registry host. ``SHOULDERS_PYPI_ENDPOINT`` points it elsewhere (a mirror, the
replay server): it names the registry's base URL, and the JSON API is ``/pypi`` below
it, as on the real registry (``<base>/pypi/<name>/json``; docs/recordings.md).
"""

from __future__ import annotations

import inspect
from urllib.parse import urlsplit

from pypi_json import PyPIJSON

from ingest.http import HttpClient, ServicePolicy
from ingest.sources.pypi.payloads import Project
from ingest.sources.pypi.transport import session_through
from shoulders.settings import Settings

SERVICE = "pypi"


def endpoint(settings: Settings) -> str:
    """The JSON API root: ``/pypi`` below the configured base, else the library's default."""
    if settings.pypi_endpoint:
        return settings.pypi_endpoint.rstrip("/") + "/pypi"
    default = inspect.signature(PyPIJSON).parameters["endpoint"].default
    return str(default)


def policy(settings: Settings) -> ServicePolicy:
    root = endpoint(settings)
    parts = urlsplit(root)
    # PyPI asks for no fixed pace, only a descriptive User-Agent and ETag use.
    return ServicePolicy(name=SERVICE, base_url=f"{parts.scheme}://{parts.netloc}")


class PyPIClient:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.root = endpoint(settings).rstrip("/")
        self._api = PyPIJSON(endpoint=self.root, session=session_through(http, SERVICE))

    def project_url(self, name: str) -> str:
        return f"{self.root}/{name}/json"

    def project(self, name: str) -> Project:
        """Latest metadata of ``name``; raises NotFound (from the HTTP layer) when unknown."""
        metadata = self._api.get_metadata(name)
        return Project.model_validate({"info": metadata.info, "last_serial": metadata.last_serial})

    def close(self) -> None:
        self._api.endpoint.session.close()
