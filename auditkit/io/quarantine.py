"""Quarantine records: every row the loader could not accept, with where it was and every reason why.

Flag, don't drop: a rejected row is kept verbatim (``raw``) with its file, 1-based line and the list of
all reasons found, so a reviewer can fix the source or argue with the loader.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from auditkit.vocabulary import QuarantineReason

__all__ = [
    "MAX_EXAMPLES_PER_REASON",
    "QuarantineLog",
    "QuarantineRecord",
    "count_reasons",
    "write_quarantine",
]

# Raw text is kept whole up to this many characters (a row of conversations can be megabytes; a
# single "row" past this is a runaway, cut here so one record cannot exhaust memory).
MAX_RAW_CHARS = 16 * 1024 * 1024
# Records kept in full per first reason; the counts stay exact beyond it (QuarantineLog).
MAX_EXAMPLES_PER_REASON = 1_000
# Stop reading when more than this share of at least MEANINGLESS_MIN_ROWS rows read so far is
# quarantined: what is left is not the log the operator meant to audit (a gzip bomb of one repeated
# line, a file of another kind), and reading gigabytes of it only to say so wastes the night.
MEANINGLESS_SHARE = 0.5
MEANINGLESS_MIN_ROWS = 100_000


@dataclass(frozen=True)
class QuarantineRecord:
    """One rejected row. ``reason`` is the first fatal reason; ``reasons`` lists all of them."""

    file: str
    line: int
    reason: QuarantineReason
    field: str | None
    detail: str
    raw: str
    reasons: tuple[QuarantineReason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["reason"] = self.reason.value
        out["reasons"] = [r.value for r in (self.reasons or (self.reason,))]
        return out


def count_reasons(records: Iterable[QuarantineRecord]) -> dict[str, int]:
    """Rows per first reason, sorted by reason name so summaries are deterministic."""
    counts = Counter(r.reason.value for r in records)
    return {key: counts[key] for key in sorted(counts)}


class QuarantineLog:
    """Quarantine records as a load collects them: exact counts per reason, the first
    ``max_examples`` records of each reason kept in full (the rest counted, not stored).

    Why: a file of a million identical rows would otherwise keep (and write) a million copies of
    the same complaint — 2.8 GB for one 4 MB gzip bomb. :meth:`check_meaningful` stops the load
    once the input is mostly rejected.
    """

    def __init__(self, max_examples: int = MAX_EXAMPLES_PER_REASON) -> None:
        self.max_examples = max_examples
        self.records: list[QuarantineRecord] = []
        self.counts: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def extend(self, records: Iterable[QuarantineRecord]) -> None:
        for record in records:
            reason = record.reason.value
            self.counts[reason] += 1
            if self.counts[reason] <= self.max_examples:
                self.records.append(record)

    def sorted_counts(self) -> dict[str, int]:
        return {key: self.counts[key] for key in sorted(self.counts)}

    def omitted(self) -> dict[str, int]:
        """Per reason, how many records were counted but not kept."""
        return {
            key: n - self.max_examples
            for key, n in sorted(self.counts.items())
            if n > self.max_examples
        }

    def check_meaningful(self, rows_read: int, where: str) -> None:
        """Raise :class:`InputError` when most of a large input so far was quarantined."""
        from auditkit.errors import InputError

        total = self.total
        if rows_read < MEANINGLESS_MIN_ROWS or total <= MEANINGLESS_SHARE * rows_read:
            return
        reasons = ", ".join(f"{k} {v:,}" for k, v in self.counts.most_common(3))
        raise InputError(
            f"input is not a usable battle log: {total:,} of the first {rows_read:,} rows were "
            f"quarantined ({reasons}); stopped reading",
            path=where,
        )


def write_quarantine(records: Iterable[QuarantineRecord], path: str | Path) -> int:
    """Write records as JSON Lines (one object per rejected row); return how many were written."""
    target = Path(path)
    if target.parent != Path():
        target.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with target.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record.to_dict(), ensure_ascii=False))
            handle.write("\n")
            n += 1
    return n
