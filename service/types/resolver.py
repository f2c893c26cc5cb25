"""A typed ``strawberry.field(...)`` for resolvers: Strawberry types the call form as Any,
which mypy --strict refuses as an untyped decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def resolver(*, description: str, name: str | None = None) -> Callable[[F], F]:
    return cast(Callable[[F], F], strawberry.field(description=description, name=name))
