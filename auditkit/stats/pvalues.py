"""P-values every audit shares: one exact binomial test and one multiplicity adjustment.

The graph audit (sampling and position balance) and the voter audit (position bias, target
concentration, coordinated groups, population checks) both test counts against a binomial null and
control error over many tests; they call these, so each method exists once. Pure functions on numpy
arrays; multiple testing is statsmodels' :func:`~statsmodels.stats.multitest.multipletests`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module
from auditkit.typing import BoolArray, FloatArray

if TYPE_CHECKING:
    from scipy import stats
    from statsmodels.stats import multitest
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    multitest = lazy_module("statsmodels.stats.multitest")

__all__ = ["ADJUSTMENTS", "adjust_pvalues", "benjamini_hochberg", "binomial_two_sided"]

# Our names for the adjustments the rule pack may ask for -> statsmodels' method names.
ADJUSTMENTS: dict[str, str] = {"bonferroni": "bonferroni", "bh": "fdr_bh"}


def binomial_two_sided(k: FloatArray, n: FloatArray, p: FloatArray | float = 0.5) -> FloatArray:
    """Exact two-sided binomial p-values, vectorised: ``min(1, 2·min(P[X≤k], P[X≥k]))``.

    Null hypothesis: ``k`` successes in ``n`` independent trials, each a success with probability
    ``p`` (a scalar, or one per test) — e.g. a model is shown in position A half of the time, or a
    voter picks side A as often as the crowd does. The doubled smaller tail is the central
    (equal-tailed) test; at ``p = 0.5`` it equals :func:`scipy.stats.binomtest`'s two-sided p.
    ``p`` is kept inside ``[1e-12, 1 - 1e-12]`` so a degenerate rate does not give p = 0 for
    a single contrary count; ``n = 0`` gives p = 1.
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    p = np.clip(np.broadcast_to(np.asarray(p, dtype=np.float64), k.shape), 1e-12, 1 - 1e-12)
    lower = stats.binom.cdf(k, n, p)
    upper = stats.binom.sf(k - 1, n, p)
    out = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    return np.asarray(np.where(n > 0, out, 1.0), dtype=np.float64)


def adjust_pvalues(p_values: FloatArray, method: str = "bonferroni") -> FloatArray:
    """Multiplicity-adjusted p-values: ``bonferroni`` (family-wise) or ``bh`` (false discovery rate).

    Reject where the adjusted value is at most alpha. ``bh`` is the Benjamini & Hochberg (1995)
    step-up procedure. Both through statsmodels ``multipletests`` (``bonferroni``, ``fdr_bh``).
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"unknown p-value adjustment {method!r} (use 'bonferroni' or 'bh')")
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return p.copy()
    adjusted = multitest.multipletests(p, method=ADJUSTMENTS[method])[1]
    return np.asarray(adjusted, dtype=np.float64)


def benjamini_hochberg(p_values: FloatArray, fdr: float) -> tuple[BoolArray, FloatArray]:
    """Benjamini & Hochberg (1995) step-up at false discovery rate ``fdr``: ``(reject, q)``.

    Null hypothesis of each test: its p-value is uniform (or stochastically larger); the procedure
    keeps the expected share of false rejections at most ``fdr`` for independent or positively
    dependent tests. p-values are clipped to [0, 1] first; statsmodels ``multipletests(fdr_bh)``.
    """
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    reject, q, _, _ = multitest.multipletests(np.clip(p, 0.0, 1.0), alpha=fdr, method="fdr_bh")
    return np.asarray(reject, dtype=bool), np.asarray(q, dtype=np.float64)
