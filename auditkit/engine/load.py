"""What a streamed load returns, and the text detectors' partial results it gathers on the way.

Both streamed paths — chunks read here and mapped on an engine (:func:`auditkit.streaming.
stream_battles`), and partitions the workers read themselves (:mod:`auditkit.engine.partitions`) —
hand every chunk's per-detector partial results to one :class:`ChunkDetections`, which merges them
at the end with each detector's own ``merge``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from auditkit.detectors.base import DetectorResult, get_detector
from auditkit.detectors.identity import IdentityLeakDetector

if TYPE_CHECKING:
    from auditkit.io.loader import LoadResult
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = ["ChunkDetections", "StreamedLoad"]


class ChunkDetections:
    """The streamed text detectors' partial results, chunk by chunk, merged by :meth:`finish`."""

    def __init__(self, detectors: Sequence[str], rules: RulePack) -> None:
        self.detectors = tuple(detectors)
        self.rules = rules
        self.parts: dict[str, list[DetectorResult]] = {name: [] for name in self.detectors}

    def add(self, results: Sequence[DetectorResult]) -> None:
        """One chunk's results, one per detector in :attr:`detectors` order."""
        for name, result in zip(self.detectors, results, strict=True):
            self.parts[name].append(result)

    def finish(
        self, battles: BattleTable, *, text_chunks: int, skipped_rows: int = 0
    ) -> dict[str, DetectorResult]:
        """Each detector's whole result on ``battles`` (the text-free table of every chunk)."""
        out: dict[str, DetectorResult] = {}
        for name in self.detectors:
            cls = get_detector(name)
            if text_chunks == 0:
                # No conversation columns anywhere: the detector's own "could not run" result.
                result = cls().detect(battles, self.rules)
                if skipped_rows and "rows" in result.summary:
                    # It counts the rows offered to it, as in memory.
                    rows = len(battles) - skipped_rows
                    result = replace(result, summary={**result.summary, "rows": rows})
            else:
                result = cls.merge(self.parts.pop(name), battles, self.rules)
            out[name] = result
        return out


@dataclass(frozen=True, eq=False)
class StreamedLoad:
    """A streamed load: the text-free battles (as a :class:`LoadResult`) and the results of the
    text detectors that ran chunk by chunk (by name; empty when none ran).

    With ``skip``, a result covers only the rows that were scanned; ``skipped_rows`` counts the
    others.
    """

    load: LoadResult
    results: Mapping[str, DetectorResult]
    chunks: int
    engine: str
    text_rows: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    skipped_rows: int = 0

    @property
    def battles(self) -> BattleTable:
        return self.load.battles

    @property
    def identity(self) -> DetectorResult | None:
        """The identity detector's result, when it ran."""
        return self.results.get(IdentityLeakDetector.name)

    def summary(self) -> str:
        scans = "; ".join(r.summary_text() for r in self.results.values()) or "no text detectors"
        return f"{self.load.summary()}; {self.chunks:,} chunks on {self.engine}; {scans}"
