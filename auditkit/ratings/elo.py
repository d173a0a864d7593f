"""Online Elo over a battle table, for parity with FastChat's historical ``compute_elo``."""

from __future__ import annotations

import pandas as pd

from auditkit.schema import BattleTable, outcome_for_a
from auditkit.stats.elo import online_elo

__all__ = ["elo_ratings"]


def elo_ratings(
    battles: BattleTable,
    *,
    k: float = 4.0,
    scale: float = 400.0,
    base: float = 10.0,
    init_rating: float = 1000.0,
    anonymous_only: bool = True,
) -> pd.Series:
    """Final online-Elo rating per model, battles in table order (FastChat sorts by ``tstamp``).

    Order matters for online Elo, so pass the table in the order the leaderboard processed it.
    Returns a float Series indexed by model, highest first.
    """
    frame = battles.frame
    if anonymous_only:
        frame = frame[frame["anony"].to_numpy(dtype=bool)]
    models = sorted(set(frame["model_a"].astype(str)) | set(frame["model_b"].astype(str)))
    index = {m: i for i, m in enumerate(models)}
    ratings = online_elo(
        frame["model_a"].astype(str).map(index).to_numpy(),
        frame["model_b"].astype(str).map(index).to_numpy(),
        outcome_for_a(frame["winner"].astype(str)),
        len(models),
        k=k,
        scale=scale,
        base=base,
        init_rating=init_rating,
    )
    series = pd.Series(ratings.tolist(), index=models, dtype="float64")
    return series.sort_values(ascending=False, kind="stable")
