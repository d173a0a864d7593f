"""Population check over time: does a model's result depend on *when* the votes were cast?

A campaign that is not made of new accounts — aged or bought accounts, or new ones spread so thin
that the new-versus-established comparison misses them — still has to happen at some time. If it is
concentrated in some weeks, the model does better in those weeks than the whole log's fit says.
Honest arenas drift too (a model is updated, the user mix changes with the news), so, as for the
new-account cohort, the test is against an *empirical null* across models:

1. cut the log into ``n_bins`` periods of equal vote counts (by timestamp);
2. per model ``m`` and period ``t``: ``z_mt = S_mt / sqrt(V_mt)``, the summed residual of m's score
   in that period under the all-votes Bradley-Terry fit (ties as half a win) over its variance;
3. ``Q_m = sum_t z_mt^2`` is about χ² with ``n_bins - 1`` degrees of freedom when m's results do not
   depend on the period; the common drift every model shows inflates it by
   ``phi = max(1, median(Q) / median(χ²_{n_bins-1}))`` (Efron's empirical null), so
   ``p_m = χ²_{n_bins-1}.sf(Q_m / phi)``, Benjamini-Hochberg across models;
4. effect-size floor: some period's one-step rating shift ``S_mt / V_mt`` must reach
   ``min_shift_elo``.

Null hypothesis (per model): m's votes in every period follow the whole log's fit up to the
overdispersion all models share. A flagged model is reported for review (rule ``time_dependence``);
it never invalidates a vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.lazy import lazy_module
from auditkit.stats.voter_tests import benjamini_hochberg

if TYPE_CHECKING:
    from scipy import special, stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = ["TimeShift", "time_shift_test"]

_ELO = 400.0 / np.log(10.0)


@dataclass(frozen=True)
class TimeShift:
    """Per model: heterogeneity across periods (``table``), the null's inflation ``phi``."""

    table: pd.DataFrame
    phi: float
    bins: int

    @property
    def flagged_models(self) -> list[str]:
        if not len(self.table):
            return []
        return sorted(self.table.loc[self.table["flagged"], "model"].astype(str))


def _period_sums(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    period: NDArray[np.int64],
    theta: NDArray[np.float64],
    k: int,
    n_bins: int,
    block: int = 1 << 20,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per (model, period): summed score residual, its variance and the battles, block by block.

    Blocks of ``block`` votes keep the temporaries (probabilities, residuals, cell codes) a few
    megabytes whatever the log's size; the sums are added in vote order, as one pass would.
    """
    size = k * n_bins
    s = np.zeros(size)
    v = np.zeros(size)
    h = np.zeros(size, dtype=np.int64)
    for lo in range(0, a.size, block):
        ba, bb = a[lo : lo + block], b[lo : lo + block]
        p_a = special.expit(theta[ba] - theta[bb])
        resid, var = score[lo : lo + block] - p_a, p_a * (1.0 - p_a)
        cell_a = ba * n_bins + period[lo : lo + block]
        cell_b = bb * n_bins + period[lo : lo + block]
        s += np.bincount(cell_a, weights=resid, minlength=size)
        s -= np.bincount(cell_b, weights=resid, minlength=size)
        v += np.bincount(cell_a, weights=var, minlength=size)
        v += np.bincount(cell_b, weights=var, minlength=size)
        h += np.bincount(cell_a, minlength=size)
        h += np.bincount(cell_b, minlength=size)
    return s.reshape(k, n_bins), v.reshape(k, n_bins), h.reshape(k, n_bins)


def _min_ranks(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Each value's min-rank (how many values are smaller): ``searchsorted(sort(values), values,
    side="left")``. Values already in order (a log written as the votes came) need no sort and
    no search: a value's min-rank is where its run of equal values starts."""
    if values.size > 1 and bool((values[1:] >= values[:-1]).all()):
        ranks = np.arange(values.size, dtype=np.int64)
        ranks[1:][values[1:] == values[:-1]] = 0
        np.maximum.accumulate(ranks, out=ranks)
        return ranks
    return np.searchsorted(np.sort(values), values, side="left").astype(np.int64, copy=False)


def time_shift_test(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    tstamp: NDArray[np.float64],
    theta: NDArray[np.float64],
    models: list[str],
    *,
    n_bins: int = 4,
    fdr: float = 0.01,
    min_shift_elo: float = 15.0,
    min_battles: int = 50,
) -> TimeShift:
    """Test every model's results for dependence on the period (module docstring).

    ``theta``: strengths (natural log) fitted on all votes; votes without a timestamp are left out.
    Models with fewer than ``min_battles`` battles in some period are not tested (p = 1).
    """
    k = len(models)
    timed = np.isfinite(tstamp)
    empty = TimeShift(pd.DataFrame(), 1.0, n_bins)
    if n_bins < 2 or timed.sum() < n_bins or k < 3:
        return empty
    if not timed.all():
        a, b, score, tstamp = a[timed], b[timed], score[timed], tstamp[timed]
    del timed
    # Periods of equal vote counts (ties in time go to the same period): a vote's period is
    # floor(min-rank * n_bins / n), the min-rank found by one sort.
    period = _min_ranks(tstamp)
    period *= n_bins
    period //= tstamp.size
    np.minimum(period, n_bins - 1, out=period)
    s, v, h = _period_sums(a, b, score, period, theta, k, n_bins)
    del period
    z = np.divide(s, np.sqrt(v), out=np.zeros_like(s), where=v > 0)
    q = np.sum(z**2, axis=1)
    tested = h.min(axis=1) >= min_battles
    dof = n_bins - 1
    phi = 1.0
    if tested.sum() >= 3:
        phi = max(1.0, float(np.median(q[tested])) / float(stats.chi2.median(dof)))
    p = np.where(tested, stats.chi2.sf(q / phi, dof), 1.0)
    reject, q_values = benjamini_hochberg(p, fdr)
    shift = np.divide(s, v, out=np.zeros_like(s), where=v > 0) * _ELO
    worst = np.argmax(np.abs(shift), axis=1)
    max_shift = shift[np.arange(k), worst]
    flagged = reject & tested & (np.abs(max_shift) >= min_shift_elo)
    table = pd.DataFrame(
        {
            "model": models,
            "min_period_battles": h.min(axis=1).astype(np.int64),
            "q_stat": q,
            "p_value": p,
            "q_value": q_values,
            "worst_period": worst.astype(np.int64),
            "max_period_shift_elo": max_shift,
            "flagged": flagged,
        }
    )
    return TimeShift(table, phi, n_bins)
