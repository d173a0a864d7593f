"""Bootstrap of Bradley-Terry strengths by multinomial redraw of aggregated vote cells (pure numpy).

Resampling N votes with replacement is exactly a multinomial draw of N over the cells of identical
votes (same A, B, outcome) with probabilities count/N, so each round costs one multinomial draw and
one warm-started Newton fit on a few thousand cells instead of a pass over N rows. Percentile
intervals (2.5/97.5) follow FastChat's ``get_bootstrap_result``; rank intervals take the best and worst
rank a model reaches across rounds. Reference: Efron (1979); Chiang et al. (2024), arXiv 2403.04132.
"""

from __future__ import annotations

import numpy as np

from auditkit.stats.bradley_terry import fit_bt_pairs

__all__ = ["bootstrap_bt_cells", "bootstrap_rank_bounds"]


def bootstrap_bt_cells(
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    outcomes: np.ndarray,
    counts: np.ndarray,
    n_models: int,
    *,
    weights: np.ndarray | None = None,
    n_rounds: int = 100,
    random_state: int | np.random.Generator = 0,
    l2: float = 0.0,
    init: np.ndarray | None = None,
) -> np.ndarray:
    """Strengths per bootstrap round, shape ``(n_rounds, n_models)``, natural-log scale, mean zero.

    Null/assumption: votes are i.i.d. draws from the observed vote distribution (nonparametric
    bootstrap over votes). ``weights`` are per-vote weights of each cell (e.g. inverse sampling
    probabilities), carried into every round. ``init`` warm-starts each fit (the point estimate).
    """
    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    y = np.asarray(outcomes, dtype=np.float64)
    c = np.asarray(counts, dtype=np.int64)
    w = np.ones(len(c)) if weights is None else np.asarray(weights, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    total = int(c.sum())
    draws = rng.multinomial(total, c / total, size=n_rounds) if total else np.zeros((n_rounds, 0))
    # Cells differing only in outcome share a pair: fit on per-pair sums (fewer terms per Newton step).
    pair_keys, pair_id = np.unique(a * n_models + b, return_inverse=True)
    pa, pb = pair_keys // n_models, pair_keys % n_models
    n_pairs = len(pair_keys)
    out = np.empty((n_rounds, n_models))
    for r in range(n_rounds):
        cw = draws[r] * w
        wins = np.bincount(pair_id, cw * y, n_pairs)
        totals = np.bincount(pair_id, cw, n_pairs)
        # tol 1e-7 in log-strength is 4e-5 rating points: far below Monte-Carlo error, one Newton
        # step cheaper per round than the point fit's 1e-9.
        out[r] = fit_bt_pairs(pa, pb, wins, totals, n_models, l2=l2, init=init, tol=1e-7)
    return out


def bootstrap_rank_bounds(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(best, worst) rank of each model across bootstrap rounds (1 = highest strength)."""
    order = np.argsort(-samples, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(samples.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, samples.shape[1] + 1)[None, :]
    return ranks.min(axis=0), ranks.max(axis=0)
