"""Stage *rate*: Bradley-Terry ratings before and after cleaning → the leaderboard, and how
robust it is (votes-to-flip, the optional self-test).

"Change significant" (``leaderboard.csv``): the after-cleaning rating lies outside the before CI *and*
the before rating lies outside the after CI. The cleaned votes are a subset of the original votes, so
the two estimates are strongly positively correlated and a z-test treating them as independent
(``|Δ| > 1.96·√(se₁²+se₂²)``) would almost never fire; requiring each estimate to leave the other's
95% interval is the stricter-than-one-sided, readable rule operators see on the forest plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditkit.report import leaderboard_order

if TYPE_CHECKING:
    from auditkit.pipeline.stage import RunLog
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = ["LEADERBOARD_COLUMNS", "Rated", "build_leaderboard", "rate_stage"]

LEADERBOARD_COLUMNS = (
    "model",
    "rating_before",
    "ci_before_lower",
    "ci_before_upper",
    "rank_before",
    "rating_after",
    "ci_after_lower",
    "ci_after_upper",
    "rank_after",
    "battles_before",
    "battles_after",
    "change_significant",
    "note",
    "rank_before_lower",
    "rank_before_upper",
    "rank_after_lower",
    "rank_after_upper",
)


@dataclass(frozen=True, eq=False)
class Rated:
    """The leaderboard (``leaderboard.csv`` rows), notes on unrated models, robustness figures."""

    board: pd.DataFrame
    notes: tuple[str, ...]
    robustness: Mapping[str, Any]  # summary keys "fragility" / "selftest" when computed


def rate_stage(
    battles: BattleTable,
    keep: np.ndarray,
    pack: RulePack,
    out: Path,
    *,
    options: Any,
    seed: int,
    selftest: bool,
    detectors: Sequence[str],
    run: RunLog,
) -> Rated:
    """Ratings on all votes and on the kept ones; then the robustness checks (timed apart)."""
    from auditkit.ratings import fit_ratings
    from auditkit.robustness import audit_robustness

    notes: list[str] = []
    with run.stage("ratings"):
        before = fit_ratings(battles, options)
        after = fit_ratings(battles, options, rows=keep)
        # Every model, rated or not: an unrated one keeps NaN ratings and the engine's note.
        board = build_leaderboard(before.to_frame(), after.to_frame())
        notes.extend(_unratable_notes(before.unratable, after.unratable))
    with run.stage("robustness"):
        robustness = audit_robustness(
            battles,
            keep,
            pack,
            out,
            options=options,
            seed=seed,
            selftest=selftest,
            detectors=detectors,
            notes=notes,
            fitted=after,
        )
    return Rated(board, tuple(notes), robustness)


def _text_or_empty(column: pd.Series) -> pd.Series:
    """Strings with missing values as "" (a column of only NaN arrives as float)."""
    return column.astype(object).where(column.notna(), "").astype(str)


def build_leaderboard(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Join before/after rating frames (``RatingResult.to_frame()``) into ``leaderboard.csv`` rows.

    Rows are in :func:`~auditkit.report.leaderboard_order`: by rating after cleaning, then name.
    """
    from auditkit.ratings import RATING_COLUMNS

    keep = [column for column in RATING_COLUMNS if column != "rateable"]
    left = before.reindex(columns=keep).rename(
        columns={
            "rating": "rating_before",
            "ci_lower": "ci_before_lower",
            "ci_upper": "ci_before_upper",
            "rank": "rank_before",
            "rank_lower": "rank_before_lower",
            "rank_upper": "rank_before_upper",
            "battles": "battles_before",
            "note": "note_before",
        }
    )
    right = after.reindex(columns=keep).rename(
        columns={
            "rating": "rating_after",
            "ci_lower": "ci_after_lower",
            "ci_upper": "ci_after_upper",
            "rank": "rank_after",
            "rank_lower": "rank_after_lower",
            "rank_upper": "rank_after_upper",
            "battles": "battles_after",
            "note": "note_after",
        }
    )
    board = left.merge(right, on="model", how="outer")
    for column in (
        "rank_before",
        "rank_after",
        "rank_before_lower",
        "rank_before_upper",
        "rank_after_lower",
        "rank_after_upper",
        "battles_before",
        "battles_after",
    ):
        board[column] = board[column].astype("Int64")
    board["battles_before"] = board["battles_before"].fillna(0)
    board["battles_after"] = board["battles_after"].fillna(0)
    before_r, after_r = board["rating_before"], board["rating_after"]
    outside_before = (after_r < board["ci_before_lower"]) | (after_r > board["ci_before_upper"])
    outside_after = (before_r < board["ci_after_lower"]) | (before_r > board["ci_after_upper"])
    board["change_significant"] = (outside_before & outside_after).fillna(False).astype(bool)
    # Why a model has no rating (too few battles, disconnected, only wins): after cleaning first.
    notes_after = _text_or_empty(board["note_after"])
    notes_before = _text_or_empty(board["note_before"])
    board["note"] = notes_after.where(notes_after != "", notes_before)
    return leaderboard_order(board)[list(LEADERBOARD_COLUMNS)]


def _unratable_notes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """One note per unrated model, saying whether it was unrated before, after or both."""
    out = []
    for model in sorted(set(before) | set(after)):
        if model in before and model in after and before[model] == after[model]:
            out.append(f"{model} not rated: {before[model]}")
        else:
            for label, table in (("before", before), ("after", after)):
                if model in table:
                    out.append(f"{model} not rated {label} cleaning: {table[model]}")
    return out
