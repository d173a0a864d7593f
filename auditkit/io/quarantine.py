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

from auditkit.schema import QuarantineReason

__all__ = ["QuarantineRecord", "count_reasons", "write_quarantine"]

# Raw text longer than this is truncated in the record (conversations can be megabytes).
MAX_RAW_CHARS = 20_000


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
