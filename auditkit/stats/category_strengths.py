"""Per-category model strengths around one global Bradley-Terry fit: empirical Bayes, pure numpy.

A vote ``i`` in category ``c`` between models ``a`` and ``b`` is modelled as
``E[score_a] = sigma(theta_a - theta_b + delta_ca - delta_cb)`` with ``theta`` the arena's global
strengths (held fixed) and a category-by-model random effect ``delta_c ~ N(0, sigma^2 I)``. The
offsets returned are the posterior mode (a ridge-penalised BT fit per category, Newton's method),
so a category with few votes keeps strengths near the global ones and a model genuinely best in
one category gets its own strength there.

``sigma^2`` is estimated from the arena (method of moments pooled over categories:
``E[S_c'S_c] = tr(I_c) + sigma^2 tr(I_c^2)`` for the score ``S_c`` and information ``I_c`` of
category ``c`` at ``delta = 0``), and never taken below a floor from the rule pack: offsets are
heavy-tailed (one champion per category, most models near zero), and a Gaussian prior fitted to
the bulk would shrink the champion back toward the global strength it does not have there.

Leave-one-out (:func:`leave_out_offsets`): removing one voter's votes from a category moves its
mode by one Newton step, ``delta^(-v) = delta - (H_c - I_cv)^-1 S_cv`` (``H_c`` the penalised
Hessian at the mode, ``S_cv``/``I_cv`` the voter's score and information there); the voter's
own information is subtracted exactly where it is a noticeable share of the category's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module
from auditkit.typing import Codes, FloatArray, IntArray, VoteValues

if TYPE_CHECKING:
    from scipy import special
else:
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = ["CategoryStrengths", "fit_category_offsets", "leave_out_offsets", "voter_weights"]

# Votes per pass when summing scores and information over all votes (bounds temporaries).
_CHUNK = 1_000_000


@dataclass(frozen=True)
class CategoryStrengths:
    """Posterior-mode offsets per category and what leave-one-out needs.

    ``offset`` (categories, models) on the natural-log strength scale; ``hessian`` the penalised
    Hessian per category at the mode and ``hessian_inv`` its inverse; ``votes`` per category;
    ``tau2`` the moment estimate of the offsets' variance and ``prior_var`` the variance used
    (``max(tau2, floor^2)``).
    """

    offset: FloatArray
    hessian: FloatArray
    hessian_inv: FloatArray
    votes: FloatArray
    taste_var: float  # the voter weighting's taste variance (0: every vote counted fully)
    tau2: float
    prior_var: float
    iterations: int


def _score_info(
    category: Codes,
    a: Codes,
    b: Codes,
    score: VoteValues,
    theta: FloatArray,
    offset: FloatArray,
    tie: VoteValues | None,
    weight: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per category: weighted score vector, Hessian ``sum w p(1-p) x x'`` and (with ``tie``) the
    score's information under the tie model, ``sum w Var[score] x x'`` (for the moment estimate).

    Codes are widened, and ``score``, ``tie`` and ``theta_a - theta_b`` read, one slice of votes
    at a time: at 10M votes whole int64 and float64 copies held 0.4 GiB more at the audit's peak.
    """
    n_cat, k = offset.shape
    s = np.zeros(n_cat * k)
    hess = np.zeros(n_cat * k * k)
    info = np.zeros(n_cat * k * k) if tie is not None else hess
    for lo in range(0, len(category), _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        c = np.asarray(category[sl], dtype=np.int64)
        ma = np.asarray(a[sl], dtype=np.int64)
        mb = np.asarray(b[sl], dtype=np.int64)
        wt = weight[sl]
        p = special.expit(theta[ma] - theta[mb] + offset[c, ma] - offset[c, mb])
        r = wt * (score[sl] - p)
        s += np.bincount(c * k + ma, weights=r, minlength=n_cat * k)
        s -= np.bincount(c * k + mb, weights=r, minlength=n_cat * k)
        _add_information(hess, c, ma, mb, wt * p * (1.0 - p), k)
        if tie is not None:
            _add_information(info, c, ma, mb, wt * _tie_var(p, tie[sl]), k)
    return s.reshape(n_cat, k), hess.reshape(n_cat, k, k), info.reshape(n_cat, k, k)


def _add_information(
    target: FloatArray, group: IntArray, a: IntArray, b: IntArray, weight: FloatArray, k: int
) -> None:
    """Add ``sum weight x x'`` (x = +1 at a, -1 at b) per group to flat ``(groups, k, k)``."""
    cell, size = group * (k * k), target.size
    target += np.bincount(cell + a * (k + 1), weights=weight, minlength=size)
    target += np.bincount(cell + b * (k + 1), weights=weight, minlength=size)
    target -= np.bincount(cell + a * k + b, weights=weight, minlength=size)
    target -= np.bincount(cell + b * k + a, weights=weight, minlength=size)


def voter_weights(
    unit: Codes, category: Codes, a: Codes, b: Codes, k: int, taste_var: float
) -> FloatArray:
    """Per vote: ``1 / (1 + taste_var * J)`` with ``J`` the largest of the voter's information
    about the vote's two models (``n/4`` for ``n`` votes with the model, in any category).

    Under a voter taste random effect (offsets ``N(0, taste_var)`` per model, the same in every
    category: a person's taste is theirs wherever they ask) a voter's votes about a model are
    correlated, and this is the generalised-least-squares weight of their score: a light voter
    counts fully, a heavy one at most like ``1 / taste_var`` units of information about a model,
    so a few heavy accounts cannot set a category's strengths. It depends only on counts, so the
    leave-one-out step recomputes it from the voter's own votes. (``category`` is not used: the
    argument keeps the call sites uniform.)
    """
    del category
    if taste_var <= 0 or len(unit) == 0:
        return np.ones(len(unit))
    per_model = _model_votes(np.asarray(unit), np.asarray(a), np.asarray(b), k)
    return np.asarray(1.0 / (1.0 + taste_var * per_model / 4.0), dtype=np.float64)


def _model_votes(unit: Codes, a: Codes, b: Codes, k: int) -> FloatArray:
    """Per vote: the larger of its voter's vote counts with model ``a`` and with model ``b``.

    Why in slices of whole voters: over 10M votes ``np.unique`` of the 20M (voter, model) keys
    held 1.1 GiB at once. Where the votes are sorted by voter (the audit's are), each slice of
    about ``_CHUNK / 4`` votes counts its voters' (voter, model) cells in one bin each (voters
    numbered by rank within the slice, so sparse codes need no more bins); other orders
    take ``np.unique`` over all keys. Both give the same integer counts.
    """
    if unit.size > 1 and bool((unit[1:] < unit[:-1]).any()):
        group = unit.astype(np.int64) * k
        keys = np.concatenate([group + a, group + b])
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        return np.asarray(counts[inverse].reshape(2, unit.size).max(axis=0), dtype=np.float64)
    step = max(_CHUNK // 4, 1)  # a slice's bins (voters x models) cost more than its votes
    cuts = np.unique(np.searchsorted(unit, unit[step::step], side="left"))
    cuts = cuts[cuts > 0]  # one voter may fill the first slices
    out = np.empty(unit.size, dtype=np.float64)
    for lo, hi in itertools.pairwise([0, *cuts.tolist(), unit.size]):
        voters = unit[lo:hi]
        cell = np.zeros(hi - lo, dtype=np.int64)  # the voter's rank in the slice, times k
        np.cumsum(voters[1:] != voters[:-1], out=cell[1:])
        span = (int(cell[-1]) + 1) * k
        cell *= k
        cell_a, cell_b = cell + a[lo:hi], cell + b[lo:hi]
        counts = np.bincount(cell_a, minlength=span)
        counts += np.bincount(cell_b, minlength=span)
        out[lo:hi] = np.maximum(counts[cell_a], counts[cell_b])
    return out


def _tie_var(p: FloatArray, tie: FloatArray) -> FloatArray:
    """Var[score] under BT with ties as half a win (``P(tie) = t``): ``p(1-p) - t/4``."""
    t = np.minimum(tie, 1.98 * np.minimum(p, 1.0 - p))
    return np.asarray(np.maximum(p * (1.0 - p) - t / 4.0, 0.0), dtype=np.float64)


def fit_category_offsets(
    category: Codes,
    a: Codes,
    b: Codes,
    score: VoteValues,
    theta: FloatArray,
    n_categories: int,
    *,
    unit: Codes | None = None,
    taste_var: float = 0.0,
    tie: VoteValues | None = None,
    prior_sd_floor: float = 0.5,
    max_iter: int = 25,
    tol: float = 1e-7,
) -> CategoryStrengths:
    """Posterior-mode category offsets around the global strengths ``theta`` (see module doc).

    ``category``: code per vote in ``[0, n_categories)``; ``score``: model A's score (1, 0.5, 0);
    ``tie``: the pair tie rate per vote (for the moment estimate of the offsets' variance; without
    it the BT variance ``p(1-p)`` is used, which understates that variance when ties are common).
    ``unit`` (the voter per vote) and ``taste_var`` weight each voter's votes by
    :func:`voter_weights` (without them every vote counts fully).
    """
    k = theta.size
    offset = np.zeros((n_categories, k))
    weight = (
        np.ones(category.size)
        if unit is None
        else voter_weights(unit, category, a, b, k, taste_var)
    )
    s0, _, info0 = _score_info(category, a, b, score, theta, offset, tie, weight)
    ss = np.einsum("ci,ci->c", s0, s0)
    tr = np.einsum("cii->c", info0)
    tr2 = np.einsum("cij,cji->c", info0, info0)
    tau2 = float(max((ss - tr).sum(), 0.0) / tr2.sum()) if tr2.sum() > 0 else 0.0
    prior_var = max(tau2, prior_sd_floor**2, 1e-12)
    ridge = np.eye(k)[None, :, :] / prior_var
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        s, hess, _ = _score_info(category, a, b, score, theta, offset, None, weight)
        grad = s - offset / prior_var
        step = np.linalg.solve(hess + ridge, grad[:, :, None])[:, :, 0]
        offset = offset + step
        if float(np.abs(step).max(initial=0.0)) < tol:
            break
    _, hess, _ = _score_info(category, a, b, score, theta, offset, None, weight)
    penalised = hess + ridge
    return CategoryStrengths(
        offset=offset,
        hessian=penalised,
        hessian_inv=np.asarray(np.linalg.inv(penalised), dtype=np.float64),
        votes=np.bincount(category, minlength=n_categories).astype(np.float64),
        taste_var=taste_var if unit is not None else 0.0,
        tau2=tau2,
        prior_var=prior_var,
        iterations=iterations,
    )


def leave_out_offsets(
    fit: CategoryStrengths,
    unit: IntArray,
    category: IntArray,
    a: IntArray,
    b: IntArray,
    score: FloatArray,
    base: FloatArray,
    *,
    exact_share: float = 0.02,
) -> tuple[IntArray, FloatArray]:
    """Each (unit, category) cell's offsets without that unit's votes (one Newton step, see module).

    ``unit``: the voter of each vote (any integer code; the rows must hold *all* of a unit's votes
    in each of its categories); ``base``: ``theta_a - theta_b`` per vote under the fit's global
    strengths. Cells whose votes are at least ``exact_share`` of their category's subtract their
    own information from the Hessian exactly; lighter cells use the category's inverse (the
    difference is of the order of that share). Returns (cell index per vote, offsets per cell
    ``(cells, models)``).
    """
    n_cat, k = fit.offset.shape
    unit = np.asarray(unit, dtype=np.int64)
    category = np.asarray(category, dtype=np.int64)
    keys, cell = np.unique(unit * n_cat + category, return_inverse=True)
    cell = cell.astype(np.int64)
    n_cells = keys.size
    cell_cat = keys % n_cat
    p = special.expit(base + fit.offset[category, a] - fit.offset[category, b])
    weight = voter_weights(unit, category, a, b, k, fit.taste_var)
    r = weight * (score - p)
    s = np.bincount(cell * k + a, weights=r, minlength=n_cells * k) - np.bincount(
        cell * k + b, weights=r, minlength=n_cells * k
    )
    s = s.reshape(n_cells, k)
    step = np.einsum("cij,cj->ci", fit.hessian_inv[cell_cat], s)
    votes = np.bincount(cell, minlength=n_cells).astype(np.float64)
    heavy = np.flatnonzero(votes >= exact_share * np.maximum(fit.votes[cell_cat], 1.0))
    if heavy.size:
        local = np.full(n_cells, -1, dtype=np.int64)
        local[heavy] = np.arange(heavy.size)
        rows = np.flatnonzero(local[cell] >= 0)
        own = np.zeros(heavy.size * k * k)
        w = weight[rows] * p[rows] * (1.0 - p[rows])
        _add_information(own, local[cell[rows]], a[rows], b[rows], w, k)
        rest = fit.hessian[cell_cat[heavy]] - own.reshape(heavy.size, k, k)
        step[heavy] = np.linalg.solve(rest, s[heavy][:, :, None])[:, :, 0]
    return cell, fit.offset[cell_cat] - step
