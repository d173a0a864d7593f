"""A local process pool: one machine, every core.

Workers receive the shared values of a :meth:`ProcessEngine.map` (the rule pack, the detector
names) once, through the pool initializer, and then only the parts. The pool lives until
:meth:`ProcessEngine.close` (or a map with other shared values), so repeated maps do not pay the
workers' start-up again. At most ``max_pending`` parts are in flight, so memory stays bounded by
part size times the number of workers, never by the input size.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from auditkit.engine.base import EngineBase
from auditkit.engine.scan import warm_up

__all__ = ["ProcessEngine"]

T = TypeVar("T")
_WORKER_SHARED: tuple[Any, ...] | None = None


def _init_worker(shared: bytes) -> None:
    global _WORKER_SHARED
    _WORKER_SHARED = pickle.loads(shared)
    warm_up()


def _call_in_worker(fn: Callable[..., T], part: Any) -> T:
    if _WORKER_SHARED is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without its shared values")
    return fn(part, *_WORKER_SHARED)


def _shared_key(shared: tuple[Any, ...]) -> str:
    """Equal for equal shared values: a rule pack by its content hash, the rest by their pickle."""
    digest = hashlib.sha256()
    for value in shared:
        content = getattr(value, "content_hash", None)
        digest.update(content.encode() if isinstance(content, str) else pickle.dumps(value))
        digest.update(b"\x1f")
    return digest.hexdigest()


class ProcessEngine(EngineBase):
    """Parts in ``workers`` local processes (default: the CPU count), results in part order."""

    name = "processes"

    def __init__(self, workers: int | None = None, *, max_pending: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_pending = max_pending or 2 * self.workers
        self._pool: ProcessPoolExecutor | None = None
        self._pool_key: str | None = None

    def _pool_for(self, shared: tuple[Any, ...]) -> ProcessPoolExecutor:
        # The initializer carries the shared values, so other values need another pool.
        key = _shared_key(shared)
        if self._pool is None or self._pool_key != key:
            self.close()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                initializer=_init_worker,
                initargs=(pickle.dumps(shared),),
            )
            self._pool_key = key
        return self._pool

    def map(self, fn: Callable[..., T], parts: Iterable[Any], *shared: Any) -> Iterator[T]:
        pool = self._pool_for(shared)
        pending: deque[Future[T]] = deque()
        try:
            for part in parts:
                pending.append(pool.submit(_call_in_worker, fn, part))
                if len(pending) >= self.max_pending:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._pool_key = None

    def describe(self) -> str:
        return f"processes ({self.workers} local workers)"
