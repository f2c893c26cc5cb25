"""Errors a client may see, each with a stable ``extensions.code``.

    ApiError                 shown to the client with its code
    ├── NotFound             NOT_FOUND: no entity with that id or key
    ├── BadUserInput         BAD_USER_INPUT: an argument is malformed (id, cursor, text)
    └── LimitExceeded        LIMIT_EXCEEDED: an argument or the query is past a limit

Anything else raised while resolving is an internal error: masked for the client
(INTERNAL_SERVER_ERROR with a request id) and logged with the same id.
Validation errors from GraphQL itself get GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED,
and the depth, alias and token limiters LIMIT_EXCEEDED (see ``service.extensions``).
"""

from __future__ import annotations

from typing import Any

NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# Requests refused before GraphQL runs (HTTP 400 / 405): not JSON, wrong content type ...
BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"


class ApiError(Exception):
    """An error meant for the client; graphql-core copies ``extensions`` onto the response."""

    code = INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class NotFound(ApiError):
    code = NOT_FOUND


class BadUserInput(ApiError):
    code = BAD_USER_INPUT


class LimitExceeded(ApiError):
    code = LIMIT_EXCEEDED
