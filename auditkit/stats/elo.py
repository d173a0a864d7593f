"""Online Elo, exactly FastChat's ``compute_elo`` (pure numpy), kept for parity with old leaderboards.

Each battle in order moves A by ``K (s_A - E_A)`` and B by ``K (1 - s_A - E_B)`` with
``E_A = 1 / (1 + base^((r_B - r_A) / scale))``; ties (incl. both-bad) score 0.5. Order-dependent and
without a likelihood, which is why leaderboards moved to Bradley-Terry (Chiang et al. 2024,
arXiv 2403.04132 §4). Defaults: K=4, scale 400, base 10, initial rating 1000 (FastChat
``fastchat/serve/monitor/elo_analysis.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["online_elo"]


def online_elo(
    idx_a: np.ndarray,
    idx_b: np.ndarray,
    score_a: np.ndarray,
    n_models: int,
    *,
    k: float = 4.0,
    scale: float = 400.0,
    base: float = 10.0,
    init_rating: float = 1000.0,
) -> np.ndarray:
    """Final ratings after processing battles in the given order."""
    rating = np.full(n_models, float(init_rating))
    a = np.asarray(idx_a, dtype=np.int64).tolist()
    b = np.asarray(idx_b, dtype=np.int64).tolist()
    s = np.asarray(score_a, dtype=np.float64).tolist()
    r = rating.tolist()
    for i, j, sa in zip(a, b, s, strict=True):
        ra, rb = r[i], r[j]
        ea = 1.0 / (1.0 + base ** ((rb - ra) / scale))
        eb = 1.0 / (1.0 + base ** ((ra - rb) / scale))
        # In-place like FastChat's dict updates (matters only for a self-battle, i == j).
        r[i] += k * (sa - ea)
        r[j] += k * (1.0 - sa - eb)
    return np.asarray(r, dtype=np.float64)
