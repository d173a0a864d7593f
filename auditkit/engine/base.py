"""The one engine contract: ``map(fn, parts, *shared)`` — results in part order, wherever it ran.

Why an engine at all: the statistics work on counts and stay small, but the text detectors and the
parsing grow with the input. An engine decides *where* each part is processed — in this process, in
a local process pool, or on a Dask cluster — and every engine yields the same results in the same
order, so the caller's merge gives one answer whatever ran it. The streamed load maps
:func:`auditkit.engine.scan.detect_chunk` over row chunks; an engine whose workers share the input
files (``reads_partitions``) is also given :func:`auditkit.engine.partitions.read_partition` over
byte ranges, so the workers read and parse the files themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import pandas as pd

from auditkit.detectors.base import DetectorResult
from auditkit.engine.scan import merge_identity_results, scan_frame, scan_identity_chunk

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = ["Engine", "LocalEngine", "scan_all"]

T = TypeVar("T")


@runtime_checkable
class Engine(Protocol):
    """Where parts are processed: ``map(fn, parts, *shared)`` yields ``fn(part, *shared)`` for each
    part, in part order (``shared`` values, such as the rule pack, are sent to each worker once).

    ``reads_partitions``: its workers can open the input files (a shared file system), so the
    load may hand them byte ranges instead of parsed chunks; ``partition_bytes`` sizes those.
    """

    name: str
    reads_partitions: bool
    partition_bytes: int | None

    def map(self, fn: Callable[..., T], parts: Iterable[Any], *shared: Any) -> Iterator[T]: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...


class EngineBase:
    """What every engine shares: the identity-scan shortcut and the context manager."""

    name = "engine"
    reads_partitions = False
    partition_bytes: int | None = None

    def map(self, fn: Callable[..., T], parts: Iterable[Any], *shared: Any) -> Iterator[T]:
        raise NotImplementedError

    def map_scan(self, chunks: Iterable[pd.DataFrame], rules: RulePack) -> Iterator[DetectorResult]:
        """The identity detector's partial result for each chunk, in chunk order."""
        return self.map(scan_identity_chunk, (scan_frame(c) for c in chunks), rules)

    def close(self) -> None:
        return None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalEngine(EngineBase):
    """Each part in this process, one after the other (the reference every engine matches)."""

    name = "local"

    def map(self, fn: Callable[..., T], parts: Iterable[Any], *shared: Any) -> Iterator[T]:
        for part in parts:
            yield fn(part, *shared)

    def describe(self) -> str:
        return "local (this process)"


def scan_all(engine: Engine, chunks: Iterable[pd.DataFrame], rules: RulePack) -> DetectorResult:
    """The whole identity result for ``chunks``: map on ``engine``, then merge."""
    return merge_identity_results(
        engine.map(scan_identity_chunk, (scan_frame(c) for c in chunks), rules)
    )
