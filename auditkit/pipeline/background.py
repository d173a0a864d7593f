"""The cleaned battles written on a second thread while the main thread writes the report.

Why: at 10M votes writing ``cleaned_battles.*`` takes 12-15 s, mostly gzip or Parquet encoding
and Arrow kernels that release the GIL, and the report (6-7 s) does not read that file. Run one
beside the other and the second core does the compression while the first draws the plots.

What stays as it was without the thread:

- the bytes of every file (one thread writes the cleaned file, in order, as before);
- the error a run ends with. Sequentially the cleaned file was written right after
  ``invalidations.jsonl`` and before every other file, so its error (a full disk) came first:
  here too the writer thread's error is raised in place of any later error of the main thread;
- no file is being written once the audit returns or raises: the report stage ends with
  :meth:`BackgroundWrite.wait`, and an error inside :meth:`BackgroundWrite.guard` stops the writer
  at its next block and waits for it before it propagates (the run folder stays incomplete, as
  it does after any error).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

__all__ = ["BackgroundWrite"]


class BackgroundWrite:
    """One file written on a second thread; :meth:`wait` joins it.

    ``start(write)`` runs ``write(stop_event)`` on the thread; ``write`` must return soon after
    ``stop_event`` is set. Code that runs while the thread writes goes inside :meth:`guard`.
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future[object] | None = None
        self._stop = threading.Event()

    def start(self, write: Callable[[threading.Event], object]) -> None:
        if self._future is not None:
            raise RuntimeError("a background write is already running")
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditkit-cleaned")
        self._future = self._pool.submit(write, self._stop)

    @property
    def started(self) -> bool:
        """Whether a write was started and not yet waited for."""
        return self._future is not None

    def wait(self) -> None:
        """Wait for the write to finish; raise its error, if any."""
        if self._future is None:
            return
        future, self._future = self._future, None
        try:
            future.result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None

    @contextmanager
    def guard(self) -> Iterator[None]:
        """On an error inside the block: stop the writer, wait for it, then raise its error if it
        failed (it came first when the files were written one after another), else the block's."""
        try:
            yield
        except BaseException:
            self._stop.set()
            self.wait()
            raise
