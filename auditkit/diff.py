"""Compare two audit runs' output folders as sets: findings carry stable ids, votes stable vote ids.

Used by ``auditkit diff PREVIOUS CURRENT`` and by the nightly run (last night vs. tonight). Only the
files a run always writes are read: ``findings.jsonl``, ``invalidations.jsonl``, ``leaderboard.csv``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from auditkit.csvsafe import restore_cell
from auditkit.errors import InputError
from auditkit.runfolder import check_complete

__all__ = ["RunDiff", "diff_runs", "read_run_folder"]

_FINDING_KEYS = ("finding_id", "detector", "rule", "severity", "subject", "vote_id", "message")


@dataclass(frozen=True)
class RunFolder:
    """The comparable content of one run folder."""

    findings: dict[str, dict[str, Any]]
    invalidated: frozenset[str]
    ranks: dict[str, int | None]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError("run folder lacks this file", path=str(path))
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"invalid JSON: {exc}", path=str(path), line=number) from None
    return rows


def read_run_folder(folder: str | Path, *, require_complete: bool = True) -> RunFolder:
    """Load what a diff needs from a run folder; a missing folder or file is an input error.

    ``require_complete`` refuses a folder without its completion marker
    (:func:`auditkit.runfolder.check_complete`): an interrupted run is never compared.
    """
    base = Path(folder)
    if not base.is_dir():
        raise InputError("run folder does not exist", path=str(base))
    if require_complete:
        check_complete(base)
    findings = {
        row["finding_id"]: {k: row.get(k) for k in _FINDING_KEYS}
        for row in _read_jsonl(base / "findings.jsonl")
    }
    invalidated = frozenset(
        row["vote_id"]
        for row in _read_jsonl(base / "invalidations.jsonl")
        if row.get("status", "invalidated") == "invalidated"
    )
    board_path = base / "leaderboard.csv"
    if not board_path.is_file():
        raise InputError("run folder lacks this file", path=str(board_path))
    board = pd.read_csv(board_path, dtype={"model": str}, keep_default_na=False, na_values=[""])
    ranks = {
        str(restore_cell(model)): (None if pd.isna(rank) else int(rank))
        for model, rank in zip(board["model"], board["rank_after"], strict=True)
    }
    return RunFolder(findings=findings, invalidated=invalidated, ranks=ranks)


@dataclass(frozen=True)
class RunDiff:
    """What changed between two runs; every list sorted so the diff is deterministic."""

    previous: str
    current: str
    new_invalidations: tuple[str, ...]
    cleared_invalidations: tuple[str, ...]
    new_findings: tuple[Mapping[str, Any], ...]
    resolved_findings: tuple[Mapping[str, Any], ...]
    new_sampling_flags: tuple[Mapping[str, Any], ...]
    rank_changes: tuple[Mapping[str, Any], ...]

    @property
    def changed(self) -> bool:
        return bool(
            self.new_invalidations
            or self.cleared_invalidations
            or self.new_findings
            or self.resolved_findings
            or self.rank_changes
        )

    def summary(self) -> str:
        return (
            f"{len(self.new_invalidations):,} new invalidations, "
            f"{len(self.cleared_invalidations):,} cleared; "
            f"{len(self.new_findings):,} new findings, {len(self.resolved_findings):,} resolved; "
            f"{len(self.new_sampling_flags):,} new sampling flags; "
            f"{len(self.rank_changes):,} rank changes"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "current": self.current,
            "summary": self.summary(),
            "new_invalidations": list(self.new_invalidations),
            "cleared_invalidations": list(self.cleared_invalidations),
            "new_findings": [dict(f) for f in self.new_findings],
            "resolved_findings": [dict(f) for f in self.resolved_findings],
            "new_sampling_flags": [dict(f) for f in self.new_sampling_flags],
            "rank_changes": [dict(c) for c in self.rank_changes],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per change: kind (new_invalidation, cleared_invalidation, new_finding, …), key."""
        rows: list[dict[str, Any]] = []
        rows += [{"kind": "new_invalidation", "key": v} for v in self.new_invalidations]
        rows += [{"kind": "cleared_invalidation", "key": v} for v in self.cleared_invalidations]
        rows += [{"kind": "new_finding", "key": f["finding_id"]} for f in self.new_findings]
        rows += [
            {"kind": "resolved_finding", "key": f["finding_id"]} for f in self.resolved_findings
        ]
        rows += [{"kind": "rank_change", "key": c["model"]} for c in self.rank_changes]
        return pd.DataFrame(rows, columns=["kind", "key"])


def diff_runs(
    previous: str | Path, current: str | Path, *, current_complete: bool = True
) -> RunDiff:
    """Set differences of findings and invalidated votes, and every model whose rank moved.

    Both folders must be finished runs; ``current_complete=False`` is for the audit that is
    writing ``current`` itself (its marker comes last).
    """
    old = read_run_folder(previous)
    new = read_run_folder(current, require_complete=current_complete)
    added = sorted(set(new.findings) - set(old.findings))
    removed = sorted(set(old.findings) - set(new.findings))
    new_findings = tuple(new.findings[f] for f in added)
    rank_changes = tuple(
        {"model": model, "previous": old.ranks.get(model), "current": new.ranks.get(model)}
        for model in sorted(set(old.ranks) | set(new.ranks))
        if old.ranks.get(model) != new.ranks.get(model)
    )
    return RunDiff(
        previous=str(previous),
        current=str(current),
        new_invalidations=tuple(sorted(new.invalidated - old.invalidated)),
        cleared_invalidations=tuple(sorted(old.invalidated - new.invalidated)),
        new_findings=new_findings,
        resolved_findings=tuple(old.findings[f] for f in removed),
        new_sampling_flags=tuple(f for f in new_findings if f.get("detector") == "sampling"),
        rank_changes=rank_changes,
    )
