"""What each service answers when no recording matches: its own 404, in its own shape.

Clients branch on these shapes (huggingface_hub maps ``X-Error-Code: RepoNotFound``
to RepositoryNotFoundError; PyPI answers HTML, not JSON), so a missing recording
looks to the crawler like a missing upstream entity, never like a broken server.
"""

from __future__ import annotations

import json

from ingest.replay.recording import ScriptedResponse

_JSON_UTF8 = ("Content-Type", "application/json; charset=utf-8")

# The body PyPI (WebOb's HTTPNotFound) sends for an unknown project.
_PYPI_404 = b"""<html>
 <head>
  <title>404 Not Found</title>
 </head>
 <body>
  <h1>404 Not Found</h1>
  The resource could not be found.<br/><br/>



 </body>
</html>"""


def not_found(service: str | None, method: str, path: str) -> ScriptedResponse:
    """The 404 for ``method path`` (full path, with the service prefix)."""
    if service == "hf":
        return ScriptedResponse(
            404,
            (
                _JSON_UTF8,
                ("X-Error-Code", "RepoNotFound"),
                ("X-Error-Message", "Repository not found"),
            ),
            b'{"error":"Repository not found"}',
        )
    if service == "github":
        body = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        return ScriptedResponse(404, (_JSON_UTF8,), _compact(body))
    if service == "pypi":
        return ScriptedResponse(404, (("Content-Type", "text/html; charset=UTF-8"),), _PYPI_404)
    if service is None:
        return ScriptedResponse(404, (_JSON_UTF8,), _compact({"error": f"no service for {path}"}))
    body = {"error": f"no recording for {method} {path}"}
    return ScriptedResponse(404, (("Content-Type", "application/json"),), _compact(body))


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
