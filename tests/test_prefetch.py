"""``ingest.hub.prefetch.ahead``: the bulk walk fetches the next page while it maps this one."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ingest.hub.prefetch import ahead


def test_items_arrive_in_order_from_another_thread() -> None:
    threads: set[str] = set()

    def source() -> Iterator[int]:
        for i in range(50):
            threads.add(threading.current_thread().name)
            yield i

    assert list(ahead(source())) == list(range(50))
    assert threads == {"prefetch"}


def test_an_error_in_the_source_is_raised_at_its_item() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise TimeoutError("the Hub stopped answering")

    got: list[int] = []
    with pytest.raises(TimeoutError, match="stopped answering"):
        for item in ahead(source()):
            got.append(item)
    assert got == [1, 2]


def test_leaving_early_stops_the_worker_within_its_buffer() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    for item in ahead(source(), depth=2):
        if item == 3:
            break
    assert not any(t.name == "prefetch" and t.is_alive() for t in threading.enumerate())
    assert len(produced) <= 3 + 1 + 2 + 1  # consumed, the one in hand, the buffer, one blocked
