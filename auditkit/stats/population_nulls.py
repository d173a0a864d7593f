"""Per-voter tests against a *population* of honest people, not one average person.

Honest voters differ: in how often they call ties, in a slight side habit, in taste. A per-voter
test whose null is "this voter behaves exactly like the consensus" turns every such difference into
a tiny p-value once a voter has cast a few hundred votes. The tests here take the null to be "this
voter is a draw from the honest population", estimate how widely that population spreads from the
arena itself (empirical Bayes, method of moments), and never let the spread fall below an
*effect-size floor* from the rule pack — the smallest per-vote deviation we would call harmful.

Estimates weigh every voter equally (each voter's unbiased moment estimate, winsorised), so a few
heavy attackers cannot widen the honest spread enough to hide in it; the floors guard the other way.
All functions are pure, on numpy arrays, one value per voter.

References
----------
Williams 1982, "Extra-binomial variation in logistic linear models" (beta-binomial moments);
DerSimonian & Laird 1986 (method-of-moments between-unit variance); Efron 2010, "Large-Scale
Inference" (empirical null).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from auditkit.stats.betabinom import betabinom_cdf, betabinom_sf

__all__ = [
    "beta_binomial_two_sided",
    "binomial_overdispersion",
    "decisive_surprise_sums",
    "population_surprise_test",
    "random_effect_pull_test",
    "score_heterogeneity",
    "sum_heterogeneity",
    "target_population_test",
]

FloatArray = NDArray[np.float64]


def binomial_overdispersion(
    k: FloatArray, n: FloatArray, p: FloatArray, *, min_n: int = 2, floor: float = 0.0
) -> float:
    """Intra-voter correlation ``rho`` of counts ``k ~ BetaBinomial(n, p, rho)`` across voters.

    Under the beta-binomial, ``Var k = n p (1 - p) (1 + (n - 1) rho)``; each voter with ``n >= 2``
    gives the unbiased estimate ``((k - n p)^2 - n p (1 - p)) / (n (n - 1) p (1 - p))`` of ``rho``.
    Their plain average (each clipped to [-1, 1], so no single voter counts more than one unit)
    estimates the population's spread; the result is clipped to ``[floor, 0.99]``.
    """
    k, n, p = (np.asarray(x, dtype=np.float64) for x in (k, n, p))
    pq = p * (1.0 - p)
    ok = (n >= max(min_n, 2)) & (pq > 1e-9)
    if not ok.any():
        return float(min(max(floor, 0.0), 0.99))
    est = ((k[ok] - n[ok] * p[ok]) ** 2 - n[ok] * pq[ok]) / (n[ok] * (n[ok] - 1.0) * pq[ok])
    rho = float(np.mean(np.clip(est, -1.0, 1.0)))
    return float(min(max(rho, floor, 0.0), 0.99))


def beta_binomial_two_sided(
    k: FloatArray, n: FloatArray, p: FloatArray | float, rho: float, *, tolerance: float = 0.0
) -> FloatArray:
    """Two-sided p-value of ``k`` successes in ``n`` under the honest population's beta-binomial.

    Null hypothesis: the voter's own rate ``pi`` is a draw from a Beta with mean ``p`` (shifted by
    at most ``tolerance`` either way: a composite null tested at its boundaries) and intra-voter
    correlation ``rho``, and given ``pi`` the ``n`` trials are independent. ``rho = 0`` is the
    binomial. Returns twice the smaller tail, capped at 1 (``n = 0`` gives 1).
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    p = np.broadcast_to(np.asarray(p, dtype=np.float64), k.shape)
    hi = np.clip(p + tolerance, 1e-9, 1 - 1e-9)
    lo = np.clip(p - tolerance, 1e-9, 1 - 1e-9)
    n_int = np.maximum(n, 0).astype(np.int64)
    if rho <= 1e-9:
        upper = stats.binom.sf(k - 1, n_int, hi)
        lower = stats.binom.cdf(k, n_int, lo)
    else:
        scale = (1.0 - rho) / rho
        upper = betabinom_sf(k - 1, n_int, hi * scale, (1 - hi) * scale)
        lower = betabinom_cdf(k, n_int, lo * scale, (1 - lo) * scale)
    out = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    return np.asarray(np.where(n > 0, out, 1.0), dtype=np.float64)


def sum_heterogeneity(
    total: FloatArray, variance: FloatArray, n: FloatArray, *, min_n: int = 5
) -> float:
    """Between-voter variance ``tau^2`` of a per-vote mean shift, from per-voter sums.

    A voter's sum of centred per-vote terms is ``S = sum_i (x_i - E0 x_i)``; if each honest voter has
    their own mean shift ``mu ~ (0, tau^2)``, then ``E S^2 = V + n^2 tau^2`` with ``V`` the summed
    null variance. Each voter with ``n >= min_n`` gives ``(S^2 - V) / n^2``; the plain average of
    these (winsorised at the 99th percentile, so a handful of attackers weigh little) is returned,
    never below zero (DerSimonian-Laird style).
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    ok = n >= min_n
    if not ok.any():
        return 0.0
    est = (s[ok] ** 2 - v[ok]) / n[ok] ** 2
    cap = float(np.quantile(est, 0.99))
    return max(float(np.mean(np.minimum(est, cap))), 0.0)


def random_effect_pull_test(
    total: FloatArray,
    variance: FloatArray,
    n: FloatArray,
    tau2: float,
    *,
    bound: float | FloatArray = 1.0,
) -> tuple[FloatArray, FloatArray]:
    """Two-sided test of a voter's summed pull against the honest population's taste spread.

    Null hypothesis: the voter's per-vote mean shift ``mu`` is a draw from the honest population,
    ``mu ~ N(0, tau^2)`` (``tau`` = the estimated spread or the rule pack's effect-size floor,
    whichever is larger), and given ``mu`` the votes are independent with the consensus variances.
    Then ``S ~ N(0, V + n^2 tau^2)`` approximately, and ``z = S / sqrt(V + n^2 tau^2)``. The
    p-value is the larger of that normal two-sided p and the Bernstein bound on ``S`` with the
    within-voter variance ``V`` alone (terms bounded by ``bound``): evidence must exceed both the
    population's taste spread and what a handful of votes can show. With many votes ``z`` tends to
    ``mean shift / tau``: no number of votes turns a harmless taste into overwhelming evidence.
    Returns (z, p).
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    var = v + n**2 * float(tau2)
    sd = np.sqrt(var)
    z = np.divide(s, sd, out=np.zeros_like(s), where=sd > 0)
    p_normal = 2.0 * stats.norm.sf(np.abs(z))
    t = np.abs(s)
    b = np.asarray(bound, dtype=np.float64)
    denom = 2.0 * v + 2.0 * b * t / 3.0
    expo = np.divide(t**2, denom, out=np.zeros_like(t), where=denom > 0)
    p_noise = np.minimum(1.0, 2.0 * np.exp(-expo))
    p = np.where(sd > 0, np.minimum(1.0, np.maximum(p_normal, p_noise)), 1.0)
    return z, np.asarray(p, dtype=np.float64)


def score_heterogeneity(s: FloatArray, info: FloatArray) -> float:
    """Between-voter variance ``tau^2`` of voter-specific strength offsets (natural-log scale).

    With ``delta ~ (0, tau^2 I)``, ``E[S'S] = tr(I) + tau^2 tr(I^2)`` for a voter's score vector
    ``S`` and information ``I`` (rows of ``s``, ``info``). Each voter gives
    ``(S'S - tr I) / tr(I^2)``; their plain average, winsorised at the 99th percentile, never below
    zero, is returned (a method-of-moments random-effects estimate).
    """
    if s.shape[0] == 0:
        return 0.0
    ss = np.einsum("bi,bi->b", s, s)
    tr = np.einsum("bii->b", info)
    tr2 = np.einsum("bij,bji->b", info, info)
    ok = tr2 > 1e-12
    if not ok.any():
        return 0.0
    est = (ss[ok] - tr[ok]) / tr2[ok]
    cap = float(np.quantile(est, 0.99))
    return max(float(np.mean(np.minimum(est, cap))), 0.0)


def decisive_surprise_sums(
    voter: NDArray[np.int64], score: FloatArray, p_a: FloatArray, p_b: FloatArray, n_voters: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per voter: summed centred surprise of the decisive votes, its null variance, their number.

    Ties are left out (a tie is a habit, not a direction): a decisive vote's surprise is
    ``-log P(observed side | decisive)`` with ``P(A | decisive) = p_a / (p_a + p_b)``, centred on
    its null mean (the binary entropy). Returns (sum, variance, count, bound on any term) per voter.
    """
    decisive = score != 0.5
    v = voter[decisive]
    pa = p_a[decisive] / np.maximum(p_a[decisive] + p_b[decisive], 1e-300)
    pa = np.clip(pa, 1e-12, 1 - 1e-12)
    la, lb = -np.log(pa), -np.log1p(-pa)
    mean = pa * la + (1 - pa) * lb
    var = np.maximum(pa * la**2 + (1 - pa) * lb**2 - mean**2, 0.0)
    observed = np.where(score[decisive] == 1.0, la, lb)
    total = np.bincount(v, weights=observed - mean, minlength=n_voters).astype(np.float64)
    variance = np.bincount(v, weights=var, minlength=n_voters).astype(np.float64)
    count = np.bincount(v, minlength=n_voters).astype(np.float64)
    bound = np.zeros(n_voters)
    np.maximum.at(bound, v, np.maximum(la, lb))  # no centred term exceeds this in either direction
    return total, variance, count, bound


def population_surprise_test(
    total: FloatArray,
    variance: FloatArray,
    n: FloatArray,
    *,
    floor: float,
    bound: FloatArray | float = 10.0,
    min_n: int = 5,
) -> tuple[FloatArray, FloatArray]:
    """Two-sided test of a voter's decisive-vote surprise against the honest population's spread.

    Null hypothesis: the voter's mean excess surprise per decisive vote is a draw from the honest
    population, ``mu ~ (m, tau^2)`` — ``m`` and ``tau^2`` estimated from all voters (everyone with a
    taste of their own is a little more surprising than the consensus), ``tau`` at least ``floor``
    nats per vote. Large z: a voter picks the unlikely side more than honest people do (random or
    contrarian clicking); small z: more predictable than people are. Returns (z, p).
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    ok = n >= min_n
    m = float(np.mean(s[ok] / n[ok])) if ok.any() else 0.0
    centred = s - n * m
    tau2 = sum_heterogeneity(centred, v, n, min_n=min_n)
    return random_effect_pull_test(
        centred, v, n, max(tau2, floor**2), bound=np.asarray(bound, dtype=np.float64) + abs(m)
    )


def target_population_test(
    hits: FloatArray,
    pull: FloatArray,
    pull_var: FloatArray,
    n: FloatArray,
    share: FloatArray,
    *,
    pull_floor: float,
    share_floor: float = 0.0,
    min_hits: int = 5,
) -> tuple[FloatArray, NDArray[np.int64], FloatArray, FloatArray]:
    """Is a voter concentrated on one model's battles *and* pulling it beyond honest taste?

    Per (voter, model m), arrays shaped (voters, models): ``hits`` battles with m, ``pull`` the
    summed residual of m's score, ``pull_var`` its null variance; ``n`` votes per voter; ``share``
    the share of all battles involving m. Two null hypotheses, both about the honest population:
    (1) concentration — the voter's share of m-battles is a draw from the population's Beta around
    ``share[m]`` (beta-binomial, intra-voter correlation estimated per model, at least
    ``share_floor``; topic specialists meet some models more), one-sided; (2) pull — the voter's
    per-vote pull for or against m is a draw ``mu ~ (0, tau_m^2)`` from the population's taste
    spread, ``tau_m`` at least ``pull_floor`` (:func:`random_effect_pull_test`), two-sided. Under
    the null which battles a voter meets and how they judge them are independent, so the two are
    Fisher-combined (χ², 4 dof); the voter's p for m is the larger of that and the pull's own p
    (an intersection-union guard: concentration without a pull is a topic habit, not harm), and
    the smallest over the models is Bonferroni-corrected.
    Returns (p, best model, z of the pull, concentration ratio).
    """
    m_voters, k = hits.shape
    if m_voters == 0:
        return np.ones(0), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    p_comb = np.ones((m_voters, k))
    z = np.zeros((m_voters, k))
    q = np.clip(np.asarray(share, dtype=np.float64), 1e-9, 1 - 1e-9)
    for j in range(k):
        h = hits[:, j]
        rho = binomial_overdispersion(h, n, np.full(m_voters, q[j]), floor=share_floor)
        if rho <= 1e-9:
            p_conc = stats.binom.sf(h - 1, n.astype(np.int64), q[j])
        else:
            scale = (1.0 - rho) / rho
            p_conc = betabinom_sf(h - 1, n.astype(np.int64), q[j] * scale, (1 - q[j]) * scale)
        tau2 = sum_heterogeneity(pull[:, j], pull_var[:, j], h, min_n=min_hits)
        z[:, j], p_side = random_effect_pull_test(
            pull[:, j], pull_var[:, j], h, max(tau2, pull_floor**2)
        )
        fisher = -2.0 * (np.log(np.maximum(p_conc, 1e-300)) + np.log(np.maximum(p_side, 1e-300)))
        # Concentration alone is no harm (specialists meet some models more): the pull must be
        # significant by itself, and concentration can only add to, never create, the evidence.
        p_comb[:, j] = np.where(h > 0, np.maximum(stats.chi2.sf(fisher, 4), p_side), 1.0)
    best = np.argmin(p_comb, axis=1).astype(np.int64)
    rows = np.arange(m_voters)
    p = np.minimum(1.0, p_comb[rows, best] * k)
    ratio = np.divide(hits[rows, best], n * q[best], out=np.zeros(m_voters), where=n > 0)
    return p, best, z[rows, best], ratio
