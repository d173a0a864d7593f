"""Read ahead: the next item of an iterator is produced on a worker thread while the caller handles
the current one.

Why: the text-free load alternates two kinds of work — parsing a block (Arrow's C++ readers, which
release the GIL) and normalising it (numpy, Arrow compute and some Python). In turn they leave a
core idle half of the time; overlapped, the parse of block ``k + 1`` runs while block ``k`` is
normalised. Only one item is ever in flight, so memory grows by one block (a caller bounds it:
after an item ``ahead`` rejects, the next is read only once the caller is done with it), and the
iterator is never entered by two threads at once (each ``next`` is submitted after the previous
returned).

Order, values and exceptions are those of iterating the source directly: an exception raised
while producing an item is raised by the ``next`` that would have returned it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["READ_AHEAD_BYTES", "read_ahead"]

# Blocks up to this size (their raw bytes) are read ahead: a text-free block of 100,000 battles
# is about 22 MiB; a block of long conversations is read only when the caller asks for it.
READ_AHEAD_BYTES = 64 << 20

T = TypeVar("T")
_END = object()


def read_ahead(
    items: Iterator[T], ahead: Callable[[T], bool] | None = None
) -> Generator[T, None, None]:
    """``items``, with the next one computed on a worker thread while the caller has this one
    (only while ``ahead(item)`` is true of the item the caller has, when ``ahead`` is given).

    When the caller stops early (an error, or ``close()`` on this generator) the item in flight is
    waited for and dropped, so the source is idle before whatever it reads from is closed.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditkit-read-ahead") as pool:
        future: Future[object] | None = pool.submit(next, items, _END)
        try:
            while future is not None:
                item = future.result()
                if item is _END:
                    return
                future = None
                if ahead is None or ahead(item):  # type: ignore[arg-type]
                    future = pool.submit(next, items, _END)
                yield item  # type: ignore[misc]
                if future is None:
                    future = pool.submit(next, items, _END)
        finally:
            if future is not None and not future.cancel():
                future.exception()  # wait for it; its error, if any, is not this caller's
