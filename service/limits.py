"""Every limit the API enforces, in one place (docs/api.md lists them too).

Limits on the query document are checked by schema extensions before execution;
limits on arguments are checked by the resolvers before any Cypher runs.
"""

from __future__ import annotations

from service.errors import BadUserInput, LimitExceeded

# --- the query document (schema extensions, checked during validation) ---------
MAX_QUERY_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2000
DOCUMENT_CACHE = 256  # parsed and validated documents kept (LRU), per process
# --- the HTTP request -------------------------------------------------------------
MAX_BODY_BYTES = 64 * 1024
# --- arguments ---------------------------------------------------------------------
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_WALK_DEPTH = 10
DEFAULT_WALK_DEPTH = 5
MAX_TEXT_LENGTH = 200
MAX_ID_LENGTH = 300
# --- result budgets -----------------------------------------------------------------
NODE_BUDGET = 2000  # standsOn: distinct entities in one answer
EDGE_BUDGET = 5000  # standsOn: grouped edges in one answer
DEPENDENTS_BUDGET = 100_000  # dependents: entities walked before the answer says truncated
MAX_CHAINS = 50  # explain: distinct shortest chains
SEARCH_WINDOW = 1000  # search: hits ranked and counted per query
DIRECT_EDGES_PER_ENTITY = 500  # Entity.upstream: grouped edges per entity
CHANGES_LIMIT = 10_000  # changes: assertions read per side (added, retracted)
DEFAULT_CHANGES = 1000
# --- Neo4j ----------------------------------------------------------------------------
QUERY_TIMEOUT_SECONDS = 15.0
HEALTH_TIMEOUT_SECONDS = 5.0


def _within(value: int, low: int, cap: int, name: str) -> int:
    """``value`` if low <= value <= cap: below is bad input, above the server's limit."""
    if value < low:
        bound = "not be negative" if low == 0 else f"be at least {low}"
        raise BadUserInput(f"{name} must {bound}, got {value}", argument=name)
    if value > cap:
        raise LimitExceeded(f"{name} must be at most {cap}, got {value}", argument=name, limit=cap)
    return value


def walk_depth(value: int, name: str = "maxDepth") -> int:
    return _within(value, 1, MAX_WALK_DEPTH, name)


def hops(value: int, name: str) -> int:
    """Hops over one relation along a path: 0 (never follow it) up to MAX_WALK_DEPTH."""
    return _within(value, 0, MAX_WALK_DEPTH, name)


def page_size(value: int, name: str = "first") -> int:
    return _within(value, 0, MAX_PAGE_SIZE, name)


def budget(value: int | None, cap: int, name: str) -> int:
    """A per-call budget: at most the server's own ``cap``."""
    if value is None:
        return cap
    if value < 1:
        raise BadUserInput(f"{name} must be at least 1, got {value}", argument=name)
    if value > cap:
        raise LimitExceeded(f"{name} must be at most {cap}, got {value}", argument=name, limit=cap)
    return value


def text(value: str, name: str, cap: int = MAX_TEXT_LENGTH) -> str:
    if len(value) > cap:
        raise LimitExceeded(
            f"{name} must be at most {cap} characters, got {len(value)}", argument=name, limit=cap
        )
    return value


def confidence(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise BadUserInput(
            f"minConfidence must be within 0..1, got {value}", argument="minConfidence"
        )
    return value
