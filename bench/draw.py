"""Deterministic draws: a counter-based generator, so entity ``i`` can be rebuilt alone.

A seeded ``random.Random`` would have to replay every earlier draw to reach entity
``i``; hashing (seed, kind, index, counter) with splitmix64 gives each entity its own
stream, so a parent's key is recomputed from its index and the generator never keeps
the graph in memory.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

_MASK = (1 << 64) - 1


def mix(value: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit hash of ``value``."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Draws:
    """The draws of one entity: ``Draws(seed, kind, i)`` always yields the same values."""

    __slots__ = ("_base", "_n")

    def __init__(self, seed: int, kind: int, index: int) -> None:
        self._base = mix(mix(mix(seed) ^ kind) ^ index)
        self._n = 0

    def bits(self) -> int:
        self._n += 1
        return mix(self._base ^ self._n)

    def unit(self) -> float:
        """A float in [0, 1)."""
        return (self.bits() >> 11) / float(1 << 53)

    def below(self, n: int) -> int:
        """An int in [0, n)."""
        return self.bits() % n if n > 0 else 0

    def between(self, low: int, high: int) -> int:
        """An int in [low, high]."""
        return low + self.below(high - low + 1)

    def chance(self, p: float) -> bool:
        return self.unit() < p

    def pick(self, items: Sequence[str]) -> str:
        return items[self.below(len(items))]

    def hex(self, length: int = 40) -> str:
        """A stand-in commit sha (hex digits)."""
        text = "".join(f"{self.bits():016x}" for _ in range((length + 15) // 16))
        return text[:length]


class Zipf:
    """Ranks 0..n-1 with P(rank k) proportional to 1/(k+1)^s: a few ranks take most draws."""

    def __init__(self, n: int, exponent: float) -> None:
        if n < 1:
            raise ValueError("a Zipf law needs at least one rank")
        weights = (float((k + 1) ** -exponent) for k in range(n))
        self._cumulative = list(itertools.accumulate(weights))
        self.n = n

    def rank(self, draws: Draws) -> int:
        target = draws.unit() * self._cumulative[-1]
        return min(bisect.bisect_right(self._cumulative, target), self.n - 1)
