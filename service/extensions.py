"""Schema extensions: the document limits, the error policy, and the document caches.

Limits run during parsing and validation, before any resolver, so a rejected query
never reaches Neo4j. The error policy keeps client errors visible, each with an
``extensions.code``, and masks everything else (logged with the request id). Parsed
documents and their validation are cached by text: clients send the same few documents.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.types.execution import ExecutionResult

from service import errors, limits

log = logging.getLogger("service")

# The limiters' own messages; they set no code, so we recognise them by their words.
_LIMIT_MESSAGES = ("exceeds maximum operation depth", "aliases found. Allowed:", "tokens.")


def is_client_error(error: GraphQLError) -> bool:
    """Shown to the client: our ApiErrors, and GraphQL's own parse/validation errors."""
    original = error.original_error
    return original is None or isinstance(original, errors.ApiError | GraphQLError)


def code_for(error: GraphQLError) -> str:
    if isinstance(error.original_error, errors.ApiError):
        return error.original_error.code
    message = error.message
    if any(words in message for words in _LIMIT_MESSAGES):
        return errors.LIMIT_EXCEEDED
    if message.startswith("Syntax Error"):
        return errors.GRAPHQL_PARSE_FAILED
    if message.startswith("Variable '$") or error.original_error is not None:
        return errors.BAD_USER_INPUT
    return errors.GRAPHQL_VALIDATION_FAILED


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


# The depth and alias limiters' rules, made once: each limiter instance makes new rule
# classes, and the validation cache keys on the rules, so per-request limiters never hit it.
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=limits.MAX_QUERY_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=limits.MAX_ALIASES).validation_rules,
]


class RequestPolicy(MaskErrors):
    """The document limits and the error policy, as one extension.

    Before parsing: the token limit (a parse option) and the depth and alias rules. After
    the operation: internal errors masked (logged with the request id), every visible error
    given an ``extensions.code``. One extension rather than four: Strawberry wraps every
    extension's hooks anew for each request (docs/graphql-profile.md).
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not is_client_error(e))

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = limits.MAX_TOKENS
        context.validation_rules = (*context.validation_rules, *_LIMIT_RULES)
        yield from super().on_operation()  # masks internal errors
        result = context.result
        if isinstance(result, ExecutionResult) and result.errors:
            result.errors = [self._coded(e) for e in result.errors]

    def _request_id(self) -> str:
        return str(getattr(self.execution_context.context, "request_id", "-"))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = self._request_id()
        log.error(
            "internal error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        return _with(
            error,
            f"Internal server error (request id {request_id}).",
            {"code": errors.INTERNAL_SERVER_ERROR, "requestId": request_id},
        )

    @staticmethod
    def _coded(error: GraphQLError) -> GraphQLError:
        extensions = dict(error.extensions or {})
        if "code" in extensions or not is_client_error(error):
            return error
        extensions["code"] = code_for(error)
        return _with(error, error.message, extensions)


class CachedParse(ParserCache):
    """ParserCache that leaves a document it cannot parse to Strawberry's own parse.

    A syntax error raised inside the extension would skip Strawberry's error handling (no
    GRAPHQL_PARSE_FAILED code); parsed again, it is reported as usual. The cache keys on
    the text and the parse options, so the token limit holds for cached documents too.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


class _Text:
    """A document's cache key: its text and parse options (which determine it), not its
    nodes. A parsed document's hash walks every node of it, on every request."""

    __slots__ = ("document", "key")

    def __init__(self, text: str, options: dict[str, Any], document: DocumentNode) -> None:
        self.key = (text, tuple(sorted(options.items())))
        self.document = document

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Text) and self.key == other.key


@lru_cache(maxsize=limits.DOCUMENT_CACHE)
def _validated(
    schema: GraphQLSchema, text: _Text, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate_document(schema, text.document, rules)


class CachedValidation(SchemaExtension):
    """Strawberry's ValidationCache, keyed by the document's text instead of the document.

    Strawberry's keys on the parsed document: hashing it walked the whole tree on every
    request, cache hit or not (docs/graphql-profile.md). The rules are the same few
    classes on every request (``RequestPolicy``).
    """

    def on_validate(self) -> Iterator[None]:
        # Without a text (never, over HTTP), Strawberry validates as usual after the hook.
        context = self.execution_context
        document = context.graphql_document
        if context.query is not None and document is not None:
            text = _Text(context.query, dict(context.parse_options), document)
            rules = tuple(context.validation_rules)
            context.pre_execution_errors = _validated(context.schema._schema, text, rules)
        yield


def schema_extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories: Strawberry makes fresh instances per operation, so no state is shared."""
    return [
        RequestPolicy,
        # Clients send the same few documents with other variables: parsing and validating
        # a standsOn document again cost 3-5 ms a request (docs/benchmarks.md). Bounded LRUs
        # of documents and their validation errors, never of data.
        partial(CachedParse, maxsize=limits.DOCUMENT_CACHE),
        CachedValidation,
    ]
