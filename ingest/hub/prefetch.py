"""Run an iterator one or two items ahead in a thread: the next listing page is fetched
(and the rate limit waited out) while this one is mapped, so a walk takes the slower of
the two, not their sum."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def ahead(source: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items of ``source``, produced by a worker thread up to ``depth`` items early.

    An exception in ``source`` is raised here, at the item where it happened. Leaving the
    loop early (``break``, an error in the consumer) stops the worker at its next item.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=work, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=30)
