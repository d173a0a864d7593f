"""Compare two audit runs' output folders as sets: findings carry stable ids, votes stable vote ids.

Used by ``auditkit diff PREVIOUS CURRENT`` and by the nightly run (last night vs. tonight). Only the
files a run always writes are read: ``findings.jsonl``, ``invalidations.jsonl``, ``leaderboard.csv``.

Rank changes: a model's rank number moves whenever a neighbour's interval shifts a little, so a
nightly diff listed dozens of "rank changes" that were only intervals narrowing as votes arrived.
A rank change is reported only when it is significant: the current rank range
(``rank_after_lower``–``rank_after_upper``) no longer overlaps the previous one, or the current
rating lies outside the previous 95% interval. Other moves of the rank number are counted as
``rank_moves_within_intervals``; ranges that got narrower are listed apart as ``intervals_narrowed``.
A model entering or leaving the rated set is always a rank change. Run folders written before the
rank ranges existed (no such columns) fall back to listing every rank-number change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditkit.csvsafe import restore_cell
from auditkit.errors import InputError
from auditkit.runfolder import check_complete

__all__ = ["RunDiff", "diff_runs", "rank_change_kind", "read_run_folder"]

_FINDING_KEYS = ("finding_id", "detector", "rule", "severity", "subject", "vote_id", "message")


@dataclass(frozen=True)
class RunFolder:
    """The comparable content of one run folder."""

    findings: dict[str, dict[str, Any]]
    invalidated: frozenset[str]
    ranks: dict[str, int | None]
    # model → rating_after, ci_after_lower/upper, rank_after_lower/upper (NaN where absent)
    intervals: dict[str, dict[str, float]] = field(default_factory=dict)


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
    intervals: dict[str, dict[str, float]] = {}
    if set(_INTERVAL_COLUMNS) <= set(board.columns):
        values = board[list(_INTERVAL_COLUMNS)].apply(pd.to_numeric, errors="coerce")
        for model, row in zip(board["model"], values.to_dict("records"), strict=True):
            intervals[str(model)] = {k: float(v) for k, v in row.items()}
    return RunFolder(findings=findings, invalidated=invalidated, ranks=ranks, intervals=intervals)


_INTERVAL_COLUMNS = (
    "rating_after",
    "ci_after_lower",
    "ci_after_upper",
    "rank_after_lower",
    "rank_after_upper",
)


def _known(*values: float) -> bool:
    return all(not math.isnan(v) for v in values)


def rank_change_kind(previous: Mapping[str, float], current: Mapping[str, float]) -> str:
    """``"significant"``, ``"within_intervals"`` or ``"unknown"`` for one model in both runs.

    Significant: the rank ranges no longer overlap, or the current rating lies outside the
    previous 95% interval. Unknown: a run lacks the ranges or intervals.
    """
    p_lo, p_hi = (
        previous.get("rank_after_lower", math.nan),
        previous.get("rank_after_upper", math.nan),
    )
    c_lo, c_hi = (
        current.get("rank_after_lower", math.nan),
        current.get("rank_after_upper", math.nan),
    )
    rating = current.get("rating_after", math.nan)
    ci_lo, ci_hi = (
        previous.get("ci_after_lower", math.nan),
        previous.get("ci_after_upper", math.nan),
    )
    if not _known(p_lo, p_hi, c_lo, c_hi, rating, ci_lo, ci_hi):
        return "unknown"
    if c_hi < p_lo or c_lo > p_hi or rating < ci_lo or rating > ci_hi:
        return "significant"
    return "within_intervals"


def _rank_range(interval: Mapping[str, float]) -> list[int] | None:
    lo, hi = interval.get("rank_after_lower", math.nan), interval.get("rank_after_upper", math.nan)
    return [int(lo), int(hi)] if _known(lo, hi) else None


@dataclass(frozen=True)
class RunDiff:
    """What changed between two runs; every list sorted so the diff is deterministic."""

    previous: str
    current: str
    new_invalidations: tuple[str, ...]
    cleared_invalidations: tuple[str, ...]
    new_findings: tuple[Mapping[str, Any], ...]
    resolved_findings: tuple[Mapping[str, Any], ...]
    rank_changes: tuple[Mapping[str, Any], ...]
    rank_moves_within_intervals: tuple[Mapping[str, Any], ...] = ()
    intervals_narrowed: tuple[Mapping[str, Any], ...] = ()
    # A detector's new findings listed apart under its ``diff_key`` (e.g. "sampling_flags").
    new_flags: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)

    @property
    def new_sampling_flags(self) -> tuple[Mapping[str, Any], ...]:
        return self.new_flags.get("sampling_flags", ())

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
            + "".join(
                f"{len(flags):,} new {key.replace('_', ' ')}; "
                for key, flags in self.new_flags.items()
            )
            + f"{len(self.rank_changes):,} significant rank changes"
            + (
                f" ({len(self.rank_moves_within_intervals):,} rank numbers moved within "
                "their intervals, not significant)"
                if self.rank_moves_within_intervals
                else ""
            )
            + f"; {len(self.intervals_narrowed):,} rank intervals narrowed"
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
            **{f"new_{key}": [dict(f) for f in flags] for key, flags in self.new_flags.items()},
            "rank_changes": [dict(c) for c in self.rank_changes],
            "rank_moves_within_intervals": [dict(c) for c in self.rank_moves_within_intervals],
            "intervals_narrowed": [dict(c) for c in self.intervals_narrowed],
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
    """Set differences of findings and invalidated votes, and significant rank changes.

    Both folders must be finished runs; ``current_complete=False`` is for the audit that is
    writing ``current`` itself (its marker comes last).
    """
    from auditkit.detectors.base import detector_classes

    old = read_run_folder(previous)
    new = read_run_folder(current, require_complete=current_complete)
    added = sorted(set(new.findings) - set(old.findings))
    removed = sorted(set(old.findings) - set(new.findings))
    new_findings = tuple(new.findings[f] for f in added)
    rank_changes: list[dict[str, Any]] = []
    within: list[dict[str, Any]] = []
    narrowed: list[dict[str, Any]] = []
    for model in sorted(set(old.ranks) | set(new.ranks)):
        before, after = old.intervals.get(model, {}), new.intervals.get(model, {})
        prev_range, cur_range = _rank_range(before), _rank_range(after)
        change = {
            "model": model,
            "previous": old.ranks.get(model),
            "current": new.ranks.get(model),
            "previous_range": prev_range,
            "current_range": cur_range,
        }
        if prev_range and cur_range and cur_range[1] - cur_range[0] < prev_range[1] - prev_range[0]:
            narrowed.append({k: change[k] for k in ("model", "previous_range", "current_range")})
        if change["previous"] is None and change["current"] is None:
            continue  # unrated in both runs: no rank to change
        both = change["previous"] is not None and change["current"] is not None
        kind = rank_change_kind(before, after) if both else "significant"
        if kind == "within_intervals":
            if change["previous"] != change["current"]:
                within.append(change)
        elif kind == "significant" or change["previous"] != change["current"]:
            rank_changes.append({**change, "significant": kind == "significant"})
    return RunDiff(
        previous=str(previous),
        current=str(current),
        new_invalidations=tuple(sorted(new.invalidated - old.invalidated)),
        cleared_invalidations=tuple(sorted(old.invalidated - new.invalidated)),
        new_findings=new_findings,
        resolved_findings=tuple(old.findings[f] for f in removed),
        new_flags={
            cls.diff_key: tuple(f for f in new_findings if f.get("detector") == cls.name)
            for cls in detector_classes()
            if cls.diff_key
        },
        rank_changes=tuple(rank_changes),
        rank_moves_within_intervals=tuple(within),
        intervals_narrowed=tuple(narrowed),
    )
