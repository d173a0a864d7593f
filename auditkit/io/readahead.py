"""Read ahead: the next item of an iterator is produced on a worker thread while the caller handles
the current one.

Why: the text-free load alternates two kinds of work — parsing a block (Arrow's C++ readers, which
release the GIL) and normalising it (numpy, Arrow compute and some Python). In turn they leave a
core idle half of the time; overlapped, the parse of block ``k + 1`` runs while block ``k`` is
normalised. Only one item is ever in flight, so memory grows by one block, and the iterator is
never entered by two threads at once (each ``next`` is submitted after the previous returned).

Order, values and exceptions are those of iterating the source directly: an exception raised
while producing an item is raised by the ``next`` that would have returned it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["read_ahead"]

T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T]) -> Generator[T, None, None]:
    """``items``, with the next one computed on a worker thread while the caller has this one.

    When the caller stops early (an error, or ``close()`` on this generator) the item in flight is
    waited for and dropped, so the source is idle before whatever it reads from is closed.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditkit-read-ahead") as pool:
        future: Future[object] = pool.submit(next, items, _END)
        try:
            while True:
                item = future.result()
                if item is _END:
                    return
                future = pool.submit(next, items, _END)
                yield item  # type: ignore[misc]
        finally:
            if not future.cancel():
                future.exception()  # wait for it; its error, if any, is not this caller's
