"""Pure statistics of how often models are sampled: expected appearances, share tests, selection bias.

Everything here takes numpy arrays and returns numpy arrays or plain numbers; no I/O, no pandas. The
graph audit (:mod:`auditkit.graph`) decides *what* to test; this module says *how*.

The sampling null used throughout (documented once here): each battle draws one unordered pair of
distinct models from the models *active* at that moment, with probability proportional to
``w_i * w_j`` (FastChat's sampling weights; uniform when all weights are 1). Models enter and leave, so
the expected counts are summed over *epochs* — stretches of battles with one fixed active set.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module
from auditkit.stats.pvalues import adjust_pvalues, binomial_two_sided

if TYPE_CHECKING:
    from scipy import stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)

__all__ = [
    "adjust_pvalues",
    "best_of_n_bias",
    "binomial_two_sided",
    "drift_chi_square",
    "epoch_moments",
    "fiedler_value",
    "next_pair_priorities",
    "pair_probabilities",
    "quadratic_form_test",
    "z_test_counts",
]


def pair_probabilities(weights: np.ndarray) -> np.ndarray:
    """Pair-sampling matrix ``Q`` (symmetric, zero diagonal, upper triangle sums to 1).

    ``Q[i, j] ∝ w_i * w_j`` for ``i != j`` over the active models (those with weight > 0).
    """
    w = np.asarray(weights, dtype=np.float64)
    q = np.outer(w, w)
    np.fill_diagonal(q, 0.0)
    total = q.sum() / 2.0
    if total <= 0:
        return np.zeros_like(q)
    return q / total


def epoch_moments(
    active: np.ndarray, battles: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and covariance of every model's appearance count, and expected pair counts, over epochs.

    Method: within an epoch of ``n`` battles the appearance vector is a sum of ``n`` independent
    draws of one pair (``Q`` from :func:`pair_probabilities`); a model appears with probability
    ``p_i = Σ_j Q_ij`` so the mean is ``n p`` and the covariance ``n (diag(p) + Q - p pᵀ)``. Epochs
    are independent, so means and covariances add.

    ``active``: bool ``(n_epochs, k)``; ``battles``: ``(n_epochs,)`` battle counts; ``weights``:
    ``(k,)`` sampling weights. Returns ``(mean (k,), cov (k, k), expected_pairs (k, k))``.
    """
    active = np.asarray(active, dtype=bool)
    n = np.asarray(battles, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    k = w.shape[0]
    mean = np.zeros(k)
    cov = np.zeros((k, k))
    pairs = np.zeros((k, k))
    for row, count in zip(active, n, strict=True):
        if count <= 0 or row.sum() < 2:
            continue
        q = pair_probabilities(np.where(row, w, 0.0))
        p = q.sum(axis=1)
        mean += count * p
        cov += count * (np.diag(p) + q - np.outer(p, p))
        pairs += count * q / 2.0
    return mean, cov, pairs + pairs.T


def z_test_counts(
    observed: np.ndarray, mean: np.ndarray, variance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Standardized residuals ``(o - e) / sqrt(var)`` and two-sided normal p-values.

    Null: the count is a sum of independent Bernoulli draws with the given mean and variance (normal
    approximation). Zero variance gives residual 0 and p 1 when observed == mean, else ±inf and p 0.
    """
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(mean, dtype=np.float64)
    v = np.asarray(variance, dtype=np.float64)
    diff = o - e
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(v > 0, diff / np.sqrt(np.where(v > 0, v, 1.0)), np.sign(diff) * np.inf)
    z = np.where((v <= 0) & (diff == 0), 0.0, z)
    p = 2.0 * stats.norm.sf(np.abs(z))
    return z, np.minimum(p, 1.0)


def quadratic_form_test(
    observed: np.ndarray, mean: np.ndarray, cov: np.ndarray
) -> tuple[float, int, float]:
    """Global χ² test of a count vector: ``X² = dᵀ Σ⁺ d`` with ``d = o - e``, dof = rank(Σ).

    Method: the multivariate-normal approximation of the appearance counts (Pearson's χ² generalised
    to a singular covariance — appearances always sum to twice the battles, so Σ has a null
    direction). Null hypothesis: battles were sampled by the declared pair policy. For uniform pairs
    among ``k`` always-active models this equals Pearson's statistic scaled by ``(k-1)/(k-2)``.
    """
    d = np.asarray(observed, dtype=np.float64) - np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if d.size == 0:
        return 0.0, 0, 1.0
    eigval, eigvec = np.linalg.eigh(cov)
    keep = eigval > eigval.max(initial=0.0) * 1e-10
    dof = int(keep.sum())
    if dof == 0:
        return 0.0, 0, 1.0
    proj = eigvec[:, keep].T @ d
    stat = float(np.sum(proj**2 / eigval[keep]))
    return stat, dof, float(stats.chi2.sf(stat, dof))


def drift_chi_square(observed: np.ndarray, expected: np.ndarray) -> tuple[float, int, float]:
    """Does one model's share drift across time windows? Pearson χ² of its counts vs the expectation.

    Conditional on the model's total, under the null (sampled at the declared policy throughout) its
    counts across windows are multinomial with probabilities ∝ the expected counts; windows with
    zero expectation (model inactive) are dropped. dof = windows − 1.
    """
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    keep = e > 0
    o, e = o[keep], e[keep]
    if o.size < 2 or o.sum() <= 0:
        return 0.0, 0, 1.0
    scaled = e * (o.sum() / e.sum())
    stat = float(np.sum((o - scaled) ** 2 / scaled))
    dof = int(o.size - 1)
    return stat, dof, float(stats.chi2.sf(stat, dof))


def fiedler_value(weights: np.ndarray, *, normalized: bool = False) -> float:
    """Algebraic connectivity: second-smallest eigenvalue of the weighted graph Laplacian.

    Fiedler (1973): zero iff the graph is disconnected; small when a few battles hold it together.
    ``normalized`` uses ``I - D^-1/2 W D^-1/2`` (scale-free, in [0, 2]). ``weights`` is the symmetric
    battle-count matrix; dense eigendecomposition (arena graphs have at most a few hundred models).
    """
    w = np.asarray(weights, dtype=np.float64)
    k = w.shape[0]
    if k < 2:
        return 0.0
    degree = w.sum(axis=1)
    if normalized:
        with np.errstate(divide="ignore"):
            inv = np.where(degree > 0, 1.0 / np.sqrt(degree), 0.0)
        lap = np.eye(k) - inv[:, None] * w * inv[None, :]
    else:
        lap = np.diag(degree) - w
    eig = np.linalg.eigvalsh(lap)
    return float(max(eig[1], 0.0))


def best_of_n_bias(standard_errors: np.ndarray, *, grid: int = 4001) -> float:
    """Expected upward bias of publishing only the best of N equally strong variants.

    Method: if N variants share one true rating and their estimates are independent
    ``N(0, se_i²)``, publishing the maximum overstates the rating by ``E[max_i X_i]`` (the mean of
    the estimates being 0). Computed by quadrature of ``E[M] = ∫₀^∞ (1 − F(x)) dx − ∫_{−∞}^0 F(x) dx``
    with ``F(x) = Π Φ(x / se_i)``. For equal SEs this is the classic expected maximum of N normals
    (0.564·se for N=2, 1.163·se for N=5). Motivation: Singh et al. (2025), "The Leaderboard Illusion".
    """
    se = np.asarray(standard_errors, dtype=np.float64)
    se = se[np.isfinite(se) & (se > 0)]
    if se.size < 2:
        return 0.0
    bound = 9.0 * float(se.max())
    # integrate each half separately: the integrand jumps by 1 at x = 0
    pos = np.linspace(0.0, bound, grid)
    neg = np.linspace(-bound, 0.0, grid)
    cdf_pos = np.prod(stats.norm.cdf(pos[:, None] / se[None, :]), axis=1)
    cdf_neg = np.prod(stats.norm.cdf(neg[:, None] / se[None, :]), axis=1)
    return float(np.trapezoid(1.0 - cdf_pos, pos) - np.trapezoid(cdf_neg, neg))


def next_pair_priorities(counts: np.ndarray, variances: np.ndarray) -> np.ndarray:
    """Active-sampling probabilities over pairs (Chiang et al. 2024, arXiv 2403.04132, §5).

    Rule: ``P(a) ∝ sqrt(Σ_aa / n_a) − sqrt(Σ_aa / (n_a + 1))`` — sample the pair whose next battle
    shrinks the standard error of its win-rate estimate the most. ``Σ_aa`` is the per-battle
    outcome variance of pair ``a`` and ``n_a`` its battle count. Unobserved pairs (``n_a = 0``) have
    an unbounded reduction; they share the probability mass among themselves first.
    """
    n = np.asarray(counts, dtype=np.float64)
    v = np.clip(np.asarray(variances, dtype=np.float64), 0.0, None)
    if n.size == 0:
        return n.copy()
    unseen = n <= 0
    if unseen.any():
        weights = np.where(unseen, np.sqrt(v) + 1e-12, 0.0)
    else:
        weights = np.sqrt(v / n) - np.sqrt(v / (n + 1.0))
    total = weights.sum()
    if total <= 0 or not math.isfinite(total):
        return np.full(n.size, 1.0 / n.size)
    return weights / total
