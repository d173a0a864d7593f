"""A local process pool for the text scan: one machine, every core.

Workers receive the rule pack once, through the pool initializer, and then only chunks of the scan
columns. The pool lives until :meth:`ProcessEngine.close` (or a scan with another rule pack), so
repeated scans do not pay the workers' start-up again. At most ``max_pending`` chunks are in flight, so memory stays bounded by chunk size times
the number of workers, never by the input size.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

import pandas as pd

from auditkit.detectors.base import DetectorResult
from auditkit.engine.scan import scan_frame, scan_identity_chunk, warm_up

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = ["ProcessEngine"]

_WORKER_RULES: RulePack | None = None


def _init_worker(rules: RulePack) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules
    warm_up()


def _scan_in_worker(frame: pd.DataFrame) -> DetectorResult:
    if _WORKER_RULES is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without a rule pack")
    return scan_identity_chunk(frame, _WORKER_RULES)


class ProcessEngine:
    """Scan chunks in ``workers`` local processes (default: the CPU count), results in chunk order."""

    name = "processes"

    def __init__(self, workers: int | None = None, *, max_pending: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_pending = max_pending or 2 * self.workers
        self._pool: ProcessPoolExecutor | None = None
        self._pool_rules: str | None = None

    def _pool_for(self, rules: RulePack) -> ProcessPoolExecutor:
        # The initializer carries the rule pack, so another pack needs another pool.
        if self._pool is None or self._pool_rules != rules.content_hash:
            self.close()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=_init_worker, initargs=(rules,)
            )
            self._pool_rules = rules.content_hash
        return self._pool

    def map_scan(self, chunks: Iterable[pd.DataFrame], rules: RulePack) -> Iterator[DetectorResult]:
        pool = self._pool_for(rules)
        pending: deque[Future[DetectorResult]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_scan_in_worker, scan_frame(chunk)))
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
            self._pool_rules = None

    def describe(self) -> str:
        return f"processes ({self.workers} local workers)"

    def __enter__(self) -> ProcessEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
