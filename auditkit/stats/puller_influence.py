"""Does a model's rating rest on a few voters who pull for it? (pure functions on arrays)

Per voter ``v`` and model ``m``, the Bradley-Terry score of ``m``'s strength carried by ``v``'s
votes is ``g[v, m] = sum over v's votes in m's battles of (m's score - P(m wins))`` under the
all-votes fit (ties as half a win). Removing ``v`` moves ``m``'s strength by about
``g[v, m] / I[m]`` (the influence function: score over information, ``I[m]`` the summed
``p (1 - p)`` of ``m``'s battles), so ``g`` is each voter's pull on ``m`` in votes' worth of wins.
Standardised by its own noise under the fit, ``z[v, m] = g / sqrt(sum of p (1 - p))``, it says
how far the voter's judgement of ``m`` lies from the consensus; only voters with at least
``min_variance`` of that noise (some 8-10 votes in ``m``'s battles) are counted, where the sum is
close to normal.

An honest arena spreads those pulls both ways: some people like ``m`` more than the consensus,
others less. A campaign of accounts that vote for ``m`` whenever they recognise it, with honest-
looking votes elsewhere, leaves a tail on one side only. For a cut ``c`` (a ladder 1.5 ... 3),

    T_c(m) = sum over counted voters of sign(z) * min((|z| - c)+, cap),

after the ``fans`` largest ``z`` on each side are set aside (a few strong fans, such as the people
for whom ``m`` is genuinely best in their category, are taste, not a crowd; setting the same number
aside on both sides keeps the null's symmetry).

Null hypothesis (per model ``m``): the counted voters' standardised pulls on ``m`` are independent
draws from one distribution symmetric about zero, whose tail beyond each cut is the honest tail
every model shows. Under it ``E[T_c] = 0`` and ``Var[T_c] = n_m * E[min((|z| - c)+, cap)^2]``; the per-voter
term is estimated across models (the mean over every model's two sides without the largest
tenth, so a campaign on one side of one model does not widen it), floored at the normal tail of the voters' robust spread
(what the fit's own noise gives). ``z_c = T_c / sd`` is set against the empirical null across
models (Efron 2004: ``phi_c = max(1, median_m z_c(m)^2 / median(chi2_1))``) before the two-sided
p-value; the ladder is Bonferroni-corrected (one test per cut), and Benjamini-Hochberg across
models runs in the caller. The test is not conditional on the model's own magnitudes (a sign-flip
test of them could never reject fewer than about ten accounts: ``z <= sqrt(accounts)``).

Effect size: the caller down-weights the voters beyond the best cut on the flagged side until
their pull matches the other side's tail, refits, and reads how far the rating moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from auditkit.lazy import lazy_module
from auditkit.stats.cohort_excess import empirical_null_phi

if TYPE_CHECKING:
    from scipy import special, stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = [
    "DEFAULT_CAP",
    "DEFAULT_CUTS",
    "PullerTest",
    "normal_tail_square",
    "puller_test",
    "standardised_pulls",
    "top_pulls",
    "voter_model_pulls",
]

DEFAULT_CUTS: tuple[float, ...] = (1.5, 2.0, 2.5, 3.0)
# No voter adds more than this to T_c: the test counts a crowd, and sums of bounded terms are
# close to normal even when honest tastes are heavy-tailed.
DEFAULT_CAP = 1.5


@dataclass(frozen=True)
class PullerTest:
    """Per model (index = model code): the strongest rung of the ladder and its evidence."""

    cut: NDArray[np.float64]  # the rung with the smallest p (nan: model not tested)
    k_pullers: NDArray[np.int64]  # voters beyond that cut the flagged way
    n_regular: NDArray[np.int64]  # voters with enough votes on the model to be tested
    z: NDArray[np.float64]  # signed: > 0 when the largest pulls are mostly for the model
    p_value: NDArray[np.float64]  # two-sided, Bonferroni over the ladder
    pull_for: NDArray[np.float64]  # the sum of the k largest counted pulls the flagged way
    pull_against: NDArray[np.float64]  # ... and of the k largest counted pulls the other way
    information: NDArray[np.float64]  # I[m]
    phi: NDArray[np.float64]  # the empirical null's inflation per rung of the ladder
    cuts: tuple[float, ...]


def voter_model_pulls(
    voter: NDArray[np.int32] | NDArray[np.int64],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta: NDArray[np.float64],
    n_models: int,
    min_variance: float = 0.0,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Each (voter, model) pair's pull ``g`` and its variance ``v`` (sparse); each model's ``I``.

    ``voter, a, b, score``: one entry per vote (codes; A's score, ties 0.5); ``theta`` the fit's
    strengths (natural log). ``v`` is the pull's variance under the fit (the summed ``p (1 - p)``
    of the voter's votes in the model's battles). Returns (voter of each pair, model of each pair,
    g, v, I per model); pairs sorted by model, then voter. Only pairs with ``v >= min_variance``
    are returned (the test counts no other; at 10M votes the light voters' pairs were most of
    the memory).
    """
    info = np.zeros(n_models)
    # One model at a time, so the pairs never need a key per vote and side: the temporaries are
    # one model's battles, not 2 x n (a model's rows are found by one comparison per side over
    # narrow codes: no argsort of n rows held through the loop). Each pair's sums run over its
    # A-side votes, then its B-side votes, each in vote order: the same order, and so the same
    # float sums, as one bincount over both sides concatenated.
    narrow_a, narrow_b = _narrow(a, n_models), _narrow(b, n_models)
    distinct = _DistinctCodes(int(voter.max()) + 1 if voter.size else 0)
    parts: list[tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]] = []
    for m in range(n_models):
        rows_a = np.flatnonzero(narrow_a == m)
        rows_b = np.flatnonzero(narrow_b == m)
        p_a_m = special.expit(theta[a[rows_a]] - theta[b[rows_a]])
        p_b_m = special.expit(theta[a[rows_b]] - theta[b[rows_b]])
        who, inverse = distinct.unique(np.concatenate([voter[rows_a], voter[rows_b]]))
        resid = np.concatenate([score[rows_a] - p_a_m, -(score[rows_b] - p_b_m)])
        var_a, var_b = p_a_m * (1.0 - p_a_m), p_b_m * (1.0 - p_b_m)
        # Summed in vote order per side, as a bincount over every vote sums each model's bin.
        info[m] = _in_order(var_a) + _in_order(var_b)
        spread = np.concatenate([var_a, var_b])
        g = np.bincount(inverse, weights=resid, minlength=who.size)
        v = np.bincount(inverse, weights=spread, minlength=who.size)
        keep = v >= min_variance
        parts.append(
            (
                who[keep].astype(np.int64),
                g[keep].astype(np.float64, copy=False),
                v[keep].astype(np.float64, copy=False),
            )
        )
    counts = [who.size for who, _, _ in parts]
    return (
        np.concatenate([who for who, _, _ in parts]) if parts else np.zeros(0, np.int64),
        np.repeat(np.arange(n_models, dtype=np.int64), counts),
        np.asarray(np.concatenate([g for _, g, _ in parts]) if parts else (), dtype=np.float64),
        np.asarray(np.concatenate([v for _, _, v in parts]) if parts else (), dtype=np.float64),
        np.asarray(info, dtype=np.float64),
    )


class _DistinctCodes:
    """``np.unique(codes, return_inverse=True)`` for non-negative codes below ``n_codes``, by
    marking the codes present in a table of ``n_codes`` slots instead of sorting the codes.

    Why: the pulls ask once per model for the distinct voters of its battles (a sort of every
    battle's voter code per model, 20 % of the population check at 1M votes); the same sorted
    distinct codes and inverse come from one pass over the codes and one over the table.
    """

    def __init__(self, n_codes: int) -> None:
        self._seen = np.zeros(n_codes, dtype=bool)
        # each present code's index among the distinct ones (int32: 17 MB for 4.4M voters)
        self._slot = np.zeros(n_codes, dtype=np.int32 if n_codes < 2**31 else np.int64)

    def unique(self, codes: NDArray[np.integer]) -> tuple[NDArray[np.integer], NDArray[np.intp]]:
        """The distinct codes ascending (``codes``' dtype) and each code's index among them."""
        if codes.size * 8 < self._seen.size:  # few codes: sorting them is cheaper
            who, inverse = np.unique(codes, return_inverse=True)
            return who, np.asarray(inverse, dtype=np.intp).reshape(-1)
        self._seen[codes] = True
        found = np.flatnonzero(self._seen)
        self._seen[found] = False  # clean for the next call
        self._slot[found] = np.arange(found.size)
        return found.astype(codes.dtype, copy=False), self._slot[codes].astype(np.intp)


def _in_order(values: NDArray[np.float64]) -> float:
    """The sum of ``values`` added one by one in order (as ``np.bincount`` adds a bin's weights;
    ``np.sum``'s pairwise order would round differently)."""
    return float(np.bincount(np.zeros(values.size, dtype=np.intp), weights=values, minlength=1)[0])


def _narrow(side: NDArray[np.integer], n_models: int) -> NDArray[np.integer]:
    """Model codes in the narrowest type that holds them (a quarter of int64's memory to scan)."""
    return side.astype(np.int16) if n_models < 2**15 else side


def _tail_asymmetry(
    z: NDArray[np.float64], cuts: tuple[float, ...], fans: int, cap: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """For each cut ``c``, over the ``z`` left after the ``fans`` largest on each side are set
    aside: ``T_c = sum sign(z) min((|z| - c)+, cap)``; above and below, the summed ``((|z| - c)+)^2`` and
    the number beyond the cut (one row per cut)."""
    ordered = np.sort(z)
    kept = ordered[fans : ordered.size - fans] if ordered.size > 2 * fans else ordered[:0]
    t = np.empty(len(cuts))
    upper = np.empty((len(cuts), 2))
    lower = np.empty((len(cuts), 2))
    for j, c in enumerate(cuts):
        up = np.clip(kept - c, 0.0, cap)
        down = np.clip(-kept - c, 0.0, cap)
        t[j] = float(up.sum() - down.sum())
        upper[j] = float(np.sum(up**2)), float((up > 0).sum())
        lower[j] = float(np.sum(down**2)), float((down > 0).sum())
    return t, upper, lower


def standardised_pulls(
    g: NDArray[Any], variance: NDArray[Any], min_variance: float
) -> NDArray[np.float64]:
    """``g / sqrt(variance)`` where ``variance >= min_variance``; zero (not counted) elsewhere."""
    return np.divide(
        g, np.sqrt(variance), out=np.zeros(np.shape(g)), where=variance >= min_variance
    )


def normal_tail_square(tau: float, cut: float, cap: float = np.inf) -> float:
    """``E[min((|tau Z| - cut)+, cap)^2]`` for a standard normal ``Z`` (the tail's floor)."""

    def square(c: float) -> float:  # E[((|tau Z| - c)+)^2]
        x = c / tau
        return float(2.0 * tau**2 * ((1.0 + x**2) * stats.norm.sf(x) - x * stats.norm.pdf(x)))

    if not np.isfinite(cap):
        return square(cut)
    # min(X, cap)^2 = X^2 - (X - cap)^2 - 2 cap (X - cap) on X > cap, with X = |tau Z| - cut.
    x = (cut + cap) / tau
    beyond_mean = (
        2.0 * tau * (stats.norm.pdf(x) - x * stats.norm.sf(x))
    )  # E[(|tau Z| - cut - cap)+]
    return square(cut) - square(cut + cap) - 2.0 * cap * beyond_mean


def top_pulls(pulls: NDArray[np.float64], k: int) -> tuple[float, float]:
    """The sum of the ``k`` largest pulls for the model and of the ``k`` largest against it
    (by size)."""
    up = np.sort(pulls[pulls > 0])[::-1][:k]
    down = np.sort(-pulls[pulls < 0])[::-1][:k]
    return float(up.sum()), float(down.sum())


def _honest_tail(
    std: NDArray[np.float64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
    n_regular: NDArray[np.int64],
    tested: NDArray[np.bool_],
    cuts: tuple[float, ...],
    cap: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per cut: the honest voter's ``E[((|z| - c)+)^2]`` (the variance ``T_c`` gets per voter)
    and chance of lying beyond the cut on either side.

    Each side of each tested model gives an estimate (twice its mean beyond the cut); their mean
    without the largest tenth keeps a campaign (one side of one model) out. Where honest tails are
    sparse, a normal tail of the voters' robust spread ``tau`` (1.4826 MAD of every standardised
    pull, at least one: the fit's own noise) is the floor of both.
    """
    tau = 1.0
    if std.size:
        tau = max(1.0, 1.4826 * float(np.median(np.abs(std - np.median(std)))))
    floor = np.array([normal_tail_square(tau, c, cap) for c in cuts])
    floor_rate = np.array([2.0 * stats.norm.sf(c / tau) for c in cuts])
    if not tested.any():
        return floor, floor_rate
    n = n_regular[tested, None, None].astype(np.float64)
    sides = np.concatenate([2.0 * upper[tested] / n, 2.0 * lower[tested] / n])
    # The largest tenth of the side estimates (at least one) is left out before averaging: a
    # campaign widens one side of one model; the median would understate a right-skewed mean.
    drop = max(1, sides.shape[0] // 10) if sides.shape[0] > 2 else 0
    kept = np.sort(sides, axis=0)[: sides.shape[0] - drop].mean(axis=0)
    return (
        np.asarray(np.maximum(kept[:, 0], floor), dtype=np.float64),
        np.asarray(np.maximum(kept[:, 1], floor_rate), dtype=np.float64),
    )


def puller_test(
    model: NDArray[np.int64],
    g: NDArray[np.float64],
    variance: NDArray[np.float64],
    information: NDArray[np.float64],
    n_models: int,
    *,
    cuts: tuple[float, ...] = DEFAULT_CUTS,
    min_voters: int = 50,
    min_variance: float = 2.0,
    fans: int = 5,
    min_beyond: float = 5.0,
    cap: float = DEFAULT_CAP,
) -> PullerTest:
    """Per model: are the largest pulls on it mostly *for* it (or mostly against)? (module doc).

    ``model, g, variance``: the sparse pulls of :func:`voter_model_pulls`; only pulls with at
    least ``min_variance`` are counted, and models with fewer than ``min_voters`` counted voters
    are not tested (p 1). A cut is used only where the honest tail puts at least ``min_beyond``
    of the model's counted voters beyond it (the normal approximation of ``T_c`` needs them).
    """
    t = np.zeros((n_models, len(cuts)))
    upper = np.zeros((n_models, len(cuts), 2))
    lower = np.zeros((n_models, len(cuts), 2))
    order = np.argsort(model, kind="stable")
    bounds = np.searchsorted(model[order], np.arange(n_models + 1))
    regular = variance >= min_variance
    std = standardised_pulls(g, variance, min_variance)
    n_regular = np.zeros(n_models, dtype=np.int64)
    for m in range(n_models):
        here = order[bounds[m] : bounds[m + 1]]
        n_regular[m] = int(regular[here].sum())
        if n_regular[m] >= min_voters:
            t[m], upper[m], lower[m] = _tail_asymmetry(std[here[regular[here]]], cuts, fans, cap)
    enough = n_regular >= min_voters
    per_voter, rate = _honest_tail(std[regular], upper, lower, n_regular, enough, cuts, cap)
    sd = np.sqrt(n_regular[:, None] * per_voter[None, :])
    # A cut is used only where the honest tail puts some voters beyond it: with fewer, T_c is a
    # sum of rare jumps, far from normal, and one honest extreme would pass for a campaign.
    expected = n_regular[:, None] * rate[None, :]
    tested = enough[:, None] & (sd > 0) & (expected >= min_beyond)
    z_raw = np.divide(t, sd, out=np.zeros_like(t), where=tested)
    phi = np.array([empirical_null_phi(z_raw[tested[:, j], j] ** 2) for j in range(len(cuts))])
    z = np.where(tested, z_raw / np.sqrt(phi), 0.0)
    p_c = np.where(tested, 2.0 * stats.norm.sf(np.abs(z)), 1.0)
    best = np.argmin(p_c, axis=1)
    rows = np.arange(n_models)
    any_tested = tested.any(axis=1)
    n_rungs = np.maximum(tested.sum(axis=1), 1)
    p = np.where(any_tested, np.minimum(1.0, p_c[rows, best] * n_rungs), 1.0)
    k_for = np.zeros(n_models, dtype=np.int64)
    pull_for, pull_against = np.zeros(n_models), np.zeros(n_models)
    for m in np.flatnonzero(any_tested).tolist():
        here = order[bounds[m] : bounds[m + 1]]
        direction = 1.0 if z[m, best[m]] >= 0 else -1.0
        mine = here[regular[here]]
        k_for[m] = int((direction * std[mine] > cuts[best[m]]).sum())
        pull_for[m], pull_against[m] = top_pulls(direction * g[here], int(k_for[m]))
    return PullerTest(
        cut=np.where(any_tested, np.asarray(cuts)[best], np.nan),
        k_pullers=k_for,
        n_regular=n_regular,
        z=np.where(any_tested, z[rows, best], 0.0),
        p_value=np.asarray(p, dtype=np.float64),
        pull_for=pull_for,
        pull_against=pull_against,
        information=np.asarray(information, dtype=np.float64),
        phi=phi,
        cuts=cuts,
    )
