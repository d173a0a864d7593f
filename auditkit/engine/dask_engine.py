"""Dask (``dask.distributed``) as the engine when one machine is not enough.

Inputs the workers can split (plain JSON Lines, Parquet) are read by the workers themselves: each
reads, normalises and scans its own partition of the (shared) files and returns only the text-free
rows, quarantine and findings (:mod:`auditkit.engine.partitions`, through :meth:`map`).
For other inputs the client reads the input in bounded chunks; each chunk's text-detector columns
are scattered to one worker, run there by :func:`~auditkit.engine.scan.detect_chunk`, and only the
partial results come back. The rule pack is broadcast once to every worker. At most
``max_pending`` tasks are in flight, so the client's memory does not grow with the input.
Dask is an optional extra: ``pip install 'auditkit[dask]'``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pandas as pd

from auditkit.engine.base import EngineBase
from auditkit.engine.scan import warm_up
from auditkit.errors import InputError

__all__ = ["DaskEngine", "dask_available"]

_MISSING = "the dask engine needs dask.distributed: pip install 'auditkit[dask]'"
T = TypeVar("T")


def dask_available() -> bool:
    """Is ``dask.distributed`` importable?"""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


class DaskEngine(EngineBase):
    """Scan chunks on a Dask cluster: an existing scheduler, or a LocalCluster started here.

    ``scheduler`` is an address such as ``tcp://10.0.0.5:8786``; without one a
    ``LocalCluster(n_workers=workers, processes=True, threads_per_worker=1)`` is started (and closed
    by :meth:`close`). ``client`` lets a caller (tests, notebooks) pass its own connected client.
    ``read_partitions`` lets the workers read splittable inputs themselves, in partitions of about
    ``partition_bytes`` (default :data:`~auditkit.engine.partitions.PARTITION_BYTES`); the paths
    must then name the same files on every worker (a shared file system).
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int | None = None,
        client: Any = None,
        max_pending: int | None = None,
        read_partitions: bool = True,
        partition_bytes: int | None = None,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError(_MISSING) from exc
        self._cluster: Any = None
        self._owns_client = client is None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        else:
            self._cluster = LocalCluster(
                n_workers=workers or 2,
                processes=True,
                threads_per_worker=1,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
        self.client.run(warm_up)  # every worker loads its language profiles once, up front
        n_workers = len(self.client.scheduler_info().get("workers", {})) or (workers or 1)
        self.max_pending = max_pending or 2 * n_workers
        self.scheduler = scheduler or str(self.client.scheduler.address)
        self.reads_partitions = read_partitions
        self.partition_bytes = partition_bytes

    def map(self, fn: Callable[..., T], parts: Iterable[Any], *shared: Any) -> Iterator[T]:
        """``fn(part, *shared)`` for each part on the workers, results in part order.

        ``shared`` values (the rule pack) are broadcast once; a DataFrame part is scattered to
        one worker; at most ``max_pending`` tasks run.
        """
        client = self.client
        # Scattered one by one inside a list: a tuple value would be scattered item by item.
        broadcast = [
            client.scatter([value], broadcast=True, hash=False)[0] if value is not None else None
            for value in shared
        ]

        def submit(part: Any) -> Any:
            if isinstance(part, pd.DataFrame):
                part = client.scatter(part, hash=False)
            return client.submit(fn, part, *broadcast, pure=False)

        try:
            yield from self._in_order(submit(part) for part in parts)
        finally:
            for future in broadcast:
                if future is not None:
                    future.release()

    map_partitions = map

    def _in_order(self, futures: Iterator[Any]) -> Iterator[Any]:
        """Results of ``futures`` in order, with at most ``max_pending`` submitted at a time.

        ``futures`` is consumed lazily, so a task is submitted only when a place is free.
        """
        pending: deque[Any] = deque()
        try:
            for future in futures:
                pending.append(future)
                if len(pending) >= self.max_pending:
                    yield self._take(pending)
            while pending:
                yield self._take(pending)
        finally:
            for future in pending:
                future.cancel()

    @staticmethod
    def _take(pending: deque[Any]) -> Any:
        future = pending.popleft()
        result = future.result()
        future.release()
        return result

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def describe(self) -> str:
        workers = len(self.client.scheduler_info().get("workers", {}))
        return f"dask ({workers} workers at {self.scheduler})"
