"""The engine contract: map the identity scan over row chunks, hand back partial results in order.

Why an engine at all: the statistics work on counts and stay small, but the text scan grows with the
conversations. An engine decides *where* each chunk is scanned — in this process, in a local
process pool, or on a Dask cluster — and every engine yields the same partial results in the same
order, so :func:`auditkit.engine.scan.merge_identity_results` gives one answer whatever ran it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

from auditkit.detectors.base import DetectorResult
from auditkit.engine.scan import merge_identity_results, scan_frame, scan_identity_chunk

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = ["Engine", "LocalEngine", "scan_all"]


@runtime_checkable
class Engine(Protocol):
    """Where the text scan runs. ``map_scan`` yields one partial result per chunk, in chunk order."""

    name: str

    def map_scan(
        self, chunks: Iterable[pd.DataFrame], rules: RulePack
    ) -> Iterator[DetectorResult]: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...


class LocalEngine:
    """Scan each chunk in this process, one after the other (the reference every engine matches)."""

    name = "local"

    def map_scan(self, chunks: Iterable[pd.DataFrame], rules: RulePack) -> Iterator[DetectorResult]:
        for chunk in chunks:
            yield scan_identity_chunk(scan_frame(chunk), rules)

    def close(self) -> None:
        return None

    def describe(self) -> str:
        return "local (this process)"

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def scan_all(engine: Engine, chunks: Iterable[pd.DataFrame], rules: RulePack) -> DetectorResult:
    """The whole identity result for ``chunks``: map on ``engine``, then merge."""
    return merge_identity_results(engine.map_scan(chunks, rules))
