"""Per-voter tests against a *population* of honest people, not one average person.

Honest voters differ: in how often they call ties, in a slight side habit, in taste. A per-voter
test whose null is "this voter behaves exactly like the consensus" turns every such difference into
a tiny p-value once a voter has cast a few hundred votes. The tests here take the null to be "this
voter is a draw from the honest population", estimate how widely that population spreads from the
arena itself (empirical Bayes, method of moments), and never let the spread fall below an
*effect-size floor* from the rule pack — the smallest per-vote deviation we would call harmful.

Estimates weigh every voter equally (each voter's unbiased moment estimate, winsorised), so a few
heavy attackers cannot widen the honest spread enough to hide in it; the floors guard the other way.
On a small arena (a night of a few thousand votes, a hundred audited voters) even a handful of
attackers is several per cent of the population, so every spread is estimated *leaving suspects
out*: voters whose own deviation is beyond ``TRIM_ALPHA`` under the current estimate are set aside
and the spread re-estimated from the others, until the kept set no longer changes
(:func:`leave_suspects_out`). An honest population loses about ``TRIM_ALPHA`` of its voters to that
trimming (its spread shrinks by about 1 %); a heavy attacker no longer sets the null it is tested
against. All functions are pure, on numpy arrays, one value per voter.

References
----------
Williams 1982, "Extra-binomial variation in logistic linear models" (beta-binomial moments);
DerSimonian & Laird 1986 (method-of-moments between-unit variance); Efron 2010, "Large-Scale
Inference" (empirical null).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from auditkit.lazy import lazy_module
from auditkit.stats.betabinom import betabinom_cdf, betabinom_sf
from auditkit.typing import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from scipy import stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)

__all__ = [
    "beta_binomial_two_sided",
    "binomial_overdispersion",
    "centred_heterogeneity",
    "decisive_surprise_sums",
    "leave_suspects_out",
    "logit_shift_spread",
    "population_surprise_test",
    "random_effect_pull_test",
    "saturating_shift_test",
    "score_heterogeneity",
    "slope_population_test",
    "slope_sums",
    "sum_heterogeneity",
    "target_population_test",
]

_Spread = TypeVar("_Spread")

# (voters, models) of the cells asked for -> per vote row: cell index, the model's null mean score,
# its null variance, its observed score (see :func:`target_population_test`).
ShiftVotes = Callable[[IntArray, IntArray], tuple[IntArray, FloatArray, FloatArray, FloatArray]]

# Two-sided level beyond which a voter is a suspect, left out of the spread estimate.
TRIM_ALPHA = 1e-3
_MAX_TRIM_ROUNDS = 40


def _winsorised_mean(est: FloatArray) -> float:
    """Mean of per-voter moment estimates capped at their 99th percentile, never below zero."""
    cap = float(np.quantile(est, 0.99))
    return max(float(np.mean(np.minimum(est, cap))), 0.0)


def leave_suspects_out(
    estimate: Callable[[BoolArray], _Spread],
    p_values: Callable[[_Spread], FloatArray],
    start: _Spread,
    *,
    alpha: float = TRIM_ALPHA,
) -> _Spread:
    """A population spread estimated without the voters that are outliers under it.

    ``estimate(keep)`` is the spread from the voters in ``keep``; ``p_values(spread)`` each voter's
    two-sided p-value of deviating that much under it. Starting from ``start`` (everyone's
    estimate), the voters with ``p >= alpha`` under the current spread are kept and the spread
    re-estimated from them, until the kept set repeats (at most ``_MAX_TRIM_ROUNDS`` rounds).
    Starting from everyone keeps honest heavy tails (a provider's fans) inside the spread: a
    trimming that started from no spread at all would settle below them and call them suspects.
    """
    spread = start
    keep: BoolArray | None = None
    for _ in range(_MAX_TRIM_ROUNDS):
        new_keep = p_values(spread) >= alpha
        if not new_keep.any() or (keep is not None and np.array_equal(new_keep, keep)):
            break
        keep = new_keep
        spread = estimate(keep)
    return spread


def binomial_overdispersion(
    k: FloatArray,
    n: FloatArray,
    p: FloatArray,
    *,
    min_n: int = 2,
    floor: float = 0.0,
    trim: bool = True,
) -> float:
    """Intra-voter correlation ``rho`` of counts ``k ~ BetaBinomial(n, p, rho)`` across voters.

    Under the beta-binomial, ``Var k = n p (1 - p) (1 + (n - 1) rho)``; each voter with ``n >= 2``
    gives the unbiased estimate ``((k - n p)^2 - n p (1 - p)) / (n (n - 1) p (1 - p))`` of ``rho``.
    Their plain average (each clipped to [-1, 1], so no single voter counts more than one unit)
    over the voters left after :func:`leave_suspects_out` (normal approximation of each count
    under the current ``rho``; all voters with ``trim=False``) estimates the population's spread;
    clipped to ``[floor, 0.99]``.
    """
    k, n, p = (np.asarray(x, dtype=np.float64) for x in (k, n, p))
    pq = p * (1.0 - p)
    ok = (n >= max(min_n, 2)) & (pq > 1e-9)
    if not ok.any():
        return float(min(max(floor, 0.0), 0.99))
    k, n, p, pq = k[ok], n[ok], p[ok], pq[ok]
    est = np.clip(((k - n * p) ** 2 - n * pq) / (n * (n - 1.0) * pq), -1.0, 1.0)

    def estimate(keep: BoolArray) -> float:
        return float(min(max(float(np.mean(est[keep])), floor, 0.0), 0.99))

    def p_values(rho: float) -> FloatArray:
        z = (k - n * p) / np.sqrt(n * pq * (1.0 + (n - 1.0) * rho))
        return np.asarray(2.0 * stats.norm.sf(np.abs(z)), dtype=np.float64)

    everyone = estimate(np.ones(est.size, dtype=bool))
    return leave_suspects_out(estimate, p_values, everyone) if trim else everyone


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
    these (winsorised at the 99th percentile, so a handful of attackers weigh little) over the
    voters left after :func:`leave_suspects_out` (``z = S / sqrt(V + n^2 tau^2)``) is returned,
    never below zero (DerSimonian-Laird style).
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    ok = n >= min_n
    if not ok.any():
        return 0.0
    s, v, n = s[ok], v[ok], n[ok]
    est = (s**2 - v) / n**2

    def estimate(keep: BoolArray) -> float:
        return _winsorised_mean(est[keep])

    def p_values(tau2: float) -> FloatArray:
        return _shift_p_values(s, v, n, tau2, 0.0)

    return leave_suspects_out(estimate, p_values, estimate(np.ones(est.size, dtype=bool)))


def centred_heterogeneity(
    total: FloatArray,
    variance: FloatArray,
    n: FloatArray,
    *,
    min_n: int = 5,
    tail_dof: float = 0.0,
    robust_start: bool = False,
) -> tuple[float, float]:
    """The honest population's mean per-vote shift ``m`` and spread ``tau^2`` around it.

    As :func:`sum_heterogeneity`, but the population's centre is estimated too (Efron's empirical
    null): ``m`` is the pooled shift ``sum S / sum n`` of the kept voters, ``tau^2`` the
    winsorised mean of ``((S - n m)^2 - V) / n^2``, both re-estimated leaving out the voters whose
    ``z = (S - n m) / sqrt(V + n^2 tau^2)`` is beyond ``TRIM_ALPHA``. A consensus that attackers
    have already moved (honest voters then all look a little against the model they pushed)
    shifts ``m``, not ``tau``, so the attackers stay outliers. Returns ``(m, tau^2)``.
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    ok = n >= min_n
    if not ok.any():
        return 0.0, 0.0
    s, v, n = s[ok], v[ok], n[ok]

    def spread(keep: BoolArray, m: float) -> float:
        return _winsorised_mean(((s[keep] - n[keep] * m) ** 2 - v[keep]) / n[keep] ** 2)

    def estimate(keep: BoolArray) -> tuple[float, float]:
        m = float(s[keep].sum() / n[keep].sum())
        return m, spread(keep, m)

    def p_values(spread_: tuple[float, float]) -> FloatArray:
        m, tau2 = spread_
        return _shift_p_values(s - n * m, v, n, tau2, tail_dof)

    centre = float(np.median(s / n))  # robust start: attackers' heavy sums do not move it
    if robust_start:
        return leave_suspects_out(estimate, p_values, (centre, 0.0))
    everyone = np.ones(s.size, dtype=bool)
    return leave_suspects_out(estimate, p_values, (centre, spread(everyone, centre)))


def _shift_p_values(
    s: FloatArray, v: FloatArray, n: FloatArray, tau2: float, tail_dof: float
) -> FloatArray:
    """Two-sided p of sums ``s`` under ``N(0, V + n^2 tau^2)`` (Student-t tails if ``tail_dof > 2``)."""
    if tail_dof > 2.0:
        sd = np.sqrt(v + n**2 * tau2 * (tail_dof - 2.0) / tail_dof)
        z = np.divide(s, sd, out=np.zeros_like(s), where=sd > 0)
        return np.asarray(2.0 * stats.t.sf(np.abs(z), tail_dof), dtype=np.float64)
    sd = np.sqrt(v + n**2 * tau2)
    z = np.divide(s, sd, out=np.zeros_like(s), where=sd > 0)
    return np.asarray(2.0 * stats.norm.sf(np.abs(z)), dtype=np.float64)


def random_effect_pull_test(
    total: FloatArray,
    variance: FloatArray,
    n: FloatArray,
    tau2: float,
    *,
    bound: float | FloatArray = 1.0,
    tail_dof: float = 0.0,
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

    ``tail_dof = nu > 2`` makes the honest tastes heavy-tailed: ``mu`` is ``tau`` times a Student
    t with ``nu`` degrees of freedom scaled to variance one (a few heavy specialists and fans judge
    a model far from everyone else, more often than a normal law allows). The p-value is then
    ``2 t_nu.sf(|S| / sqrt(V + n^2 tau^2 (nu - 2) / nu))``: exact when the taste dominates ``V``,
    conservative when the within-voter noise does (its tail is normal, lighter than ``t_nu``).
    Returns (z, p); ``z`` is always the normal-scale ``S / sqrt(V + n^2 tau^2)``.
    """
    s, v, n = (np.asarray(x, dtype=np.float64) for x in (total, variance, n))
    var = v + n**2 * float(tau2)
    sd = np.sqrt(var)
    z = np.divide(s, sd, out=np.zeros_like(s), where=sd > 0)
    p_normal = _shift_p_values(s, v, n, float(tau2), tail_dof)
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
    zero, over the voters left after :func:`leave_suspects_out` is returned (a method-of-moments
    random-effects estimate). A voter is a suspect when ``S'S`` is beyond ``TRIM_ALPHA`` of its
    null law ``S ~ N(0, Sigma)``, ``Sigma = I + tau^2 I^2``, taken as Satterthwaite's
    ``c chi2_nu`` (``c = tr Sigma^2 / tr Sigma``, ``nu = (tr Sigma)^2 / tr Sigma^2``).
    """
    if s.shape[0] == 0:
        return 0.0
    ss = np.einsum("bi,bi->b", s, s)
    tr = np.einsum("bii->b", info)
    info2 = np.einsum("bij,bjk->bik", info, info)
    tr2 = np.einsum("bii->b", info2)
    ok = tr2 > 1e-12
    if not ok.any():
        return 0.0
    ss, tr, tr2 = ss[ok], tr[ok], tr2[ok]
    tr3 = np.einsum("bij,bji->b", info2[ok], info[ok])
    tr4 = np.einsum("bij,bji->b", info2[ok], info2[ok])
    est = (ss - tr) / tr2

    def estimate(keep: BoolArray) -> float:
        return _winsorised_mean(est[keep])

    def p_values(tau2: float) -> FloatArray:
        trace = tr + tau2 * tr2
        trace_sq = tr2 + 2.0 * tau2 * tr3 + tau2**2 * tr4
        c = trace_sq / trace
        nu = trace**2 / trace_sq
        upper = stats.chi2.sf(ss / c, nu)
        return np.asarray(np.minimum(1.0, 2.0 * np.minimum(upper, 1.0 - upper)), dtype=np.float64)

    return leave_suspects_out(estimate, p_values, estimate(np.ones(est.size, dtype=bool)))


def decisive_surprise_sums(
    voter: IntArray, score: FloatArray, p_a: FloatArray, p_b: FloatArray, n_voters: int
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
    m, tau2 = centred_heterogeneity(s, v, n, min_n=min_n)
    centred = s - n * m
    return random_effect_pull_test(
        centred, v, n, max(tau2, floor**2), bound=np.asarray(bound, dtype=np.float64) + abs(m)
    )


def slope_sums(
    voter: IntArray,
    diff: FloatArray,
    score: FloatArray,
    mean: FloatArray,
    var: FloatArray,
    n_voters: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per voter: the score ``U`` of a slope on the consensus gap, its information ``J``, max ``|d|``.

    With ``P(A) = sigma(beta d)`` (``d`` the consensus strength gap, ties scored 0.5), the score of
    ``beta`` at 1 is ``U = sum d (score - E score)`` and its information ``J = sum d^2 Var score``;
    ``U ~ J (beta - 1)`` for a voter whose own slope is ``beta``. Random clicking is ``beta = 0``
    (``U`` far below zero), always picking the favourite ``beta`` large.
    """
    u = np.bincount(voter, weights=diff * (score - mean), minlength=n_voters).astype(np.float64)
    j = np.bincount(voter, weights=diff**2 * var, minlength=n_voters).astype(np.float64)
    bound = np.zeros(n_voters)
    np.maximum.at(bound, voter, np.abs(diff))
    return u, j, bound


def slope_population_test(
    u: FloatArray, j: FloatArray, bound: FloatArray, *, floor: float, min_info: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """Two-sided test of a voter's slope on the consensus against the honest population's slopes.

    Null hypothesis: the voter's slope ``beta`` (how strongly their votes follow the consensus
    strength gaps, :func:`slope_sums`) is a draw from the honest population, ``beta - 1 ~ (m,
    tau^2)`` with ``m`` and ``tau`` estimated from all voters with information ``J >= min_info``
    leaving suspects out (:func:`centred_heterogeneity`; people with tastes of their own follow
    the consensus a little less) and ``tau`` at least ``floor``; given ``beta`` the votes are
    independent. ``U - J m ~ (0, J + J^2 tau^2)``, with a Bernstein guard for few votes
    (:func:`random_effect_pull_test`). A personal taste moves a voter's strengths in random
    directions and barely projects on the consensus gaps; random clicking (``beta = 0``) lies
    ``1 / tau`` spreads away however the votes are spread over models. Returns (z, p).
    """
    u, j, b = (np.asarray(x, dtype=np.float64) for x in (u, j, bound))
    ok = j >= min_info
    m, tau2 = centred_heterogeneity(u[ok], j[ok], j[ok], min_n=0) if ok.any() else (0.0, 0.0)
    z, p = random_effect_pull_test(u - j * m, j, j, max(tau2, floor**2), bound=b * (1.0 + abs(m)))
    return z, np.where(j > 0, p, 1.0)


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
    tail_dof: float = 0.0,
    pull_alpha: float = 0.0,
    pull_ceiling: float = np.inf,
    shift_votes: ShiftVotes | None = None,
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Is a voter concentrated on one model's battles *and* pulling it beyond honest taste?

    Per (voter, model m), arrays shaped (voters, models): ``hits`` battles with m, ``pull`` the
    summed residual of m's score, ``pull_var`` its null variance; ``n`` votes per voter; ``share``
    the share of all battles involving m. Two null hypotheses, both about the honest population:
    (1) concentration — the voter's share of m-battles is a draw from the population's Beta around
    ``share[m]`` (beta-binomial, intra-voter correlation estimated per model, at least
    ``share_floor``; topic specialists meet some models more; estimated from every voter, since
    specialists are the honest tail), one-sided; (2) pull — the voter's per-vote pull for or
    against m is a draw ``mu ~ (c_m, tau_m^2)`` from the population's taste spread around its
    centre (:func:`centred_heterogeneity`, leaving suspects out; ``tau_m`` at least
    ``pull_floor`` and at most ``pull_ceiling``, a prior bound on how far honest tastes about one
    model spread, for arenas so small that a handful of attackers is a third of a model's heavy
    voters; Student-t tails with ``tail_dof`` when given, :func:`random_effect_pull_test`),
    two-sided. Under the null which battles a voter meets and how
    they judge them are independent, so the two are Fisher-combined (χ², 4 dof). Concentration
    alone is no harm (a topic habit): with ``pull_alpha = 0`` the voter's p for m is the larger of
    the combination and the pull's own p (concentration only adds to the pull's evidence); with
    ``pull_alpha > 0`` the combination counts once the pull alone is at ``p <= pull_alpha``
    (1 otherwise) — still a valid test of the same null, as requiring the pull only rejects less.
    The smallest p over the models is Bonferroni-corrected.

    With ``shift_votes`` (and ``pull_alpha > 0``) the pull's evidence on the cells that pass
    ``pull_alpha`` is measured on the logit scale instead (:func:`saturating_shift_test` against
    :func:`logit_shift_spread`, floors and ceiling times four: a pull of ``pull_floor`` in an even
    battle is ``4 pull_floor`` logits): the same null, honest tastes as strengths, which sees that
    a record no finite honest boost produces (the model wins whoever it meets) lies further out
    than its summed residual says. ``shift_votes(voters, models)`` returns, for those cells, each
    vote row's cell index, the model's null mean score, its null variance and its observed score.
    Returns (p, best model, z of the pull, concentration ratio).
    """
    m_voters, k = hits.shape
    if m_voters == 0:
        return np.ones(0), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    z = np.zeros((m_voters, k))
    p_conc_all = np.ones((m_voters, k))
    p_side_all = np.ones((m_voters, k))
    q = np.clip(np.asarray(share, dtype=np.float64), 1e-9, 1 - 1e-9)
    for j in range(k):
        h = hits[:, j]
        rho = binomial_overdispersion(h, n, np.full(m_voters, q[j]), floor=share_floor, trim=False)
        if rho <= 1e-9:
            p_conc = stats.binom.sf(h - 1, n.astype(np.int64), q[j])
        else:
            scale = (1.0 - rho) / rho
            p_conc = betabinom_sf(h - 1, n.astype(np.int64), q[j] * scale, (1 - q[j]) * scale)
        centre, tau2 = centred_heterogeneity(
            pull[:, j], pull_var[:, j], h, min_n=min_hits, robust_start=True
        )
        z[:, j], p_side = random_effect_pull_test(
            pull[:, j] - h * centre,
            pull_var[:, j],
            h,
            min(max(tau2, pull_floor**2), max(pull_ceiling, pull_floor) ** 2),
            tail_dof=tail_dof,
        )
        p_conc_all[:, j], p_side_all[:, j] = p_conc, p_side
    passed = p_side_all <= pull_alpha
    evidence = p_side_all
    if shift_votes is not None and pull_alpha > 0 and passed.any():
        evidence = p_side_all.copy()
        floors = (4.0 * pull_floor, 4.0 * max(pull_ceiling, pull_floor))
        evidence[passed] = _logit_pull_p(
            hits, pull, pull_var, passed, shift_votes, floors, min_hits, tail_dof
        )
    log_conc = np.log(np.maximum(p_conc_all, 1e-300))
    fisher = -2.0 * (log_conc + np.log(np.maximum(evidence, 1e-300)))
    combined = stats.chi2.sf(fisher, 4)
    if pull_alpha > 0:
        combined = np.where(passed, combined, 1.0)
    else:
        combined = np.maximum(combined, p_side_all)
    p_comb = np.where(hits > 0, combined, 1.0)
    best = np.argmin(p_comb, axis=1).astype(np.int64)
    rows = np.arange(m_voters)
    p = np.minimum(1.0, p_comb[rows, best] * k)
    ratio = np.divide(hits[rows, best], n * q[best], out=np.zeros(m_voters), where=n > 0)
    return p, best, z[rows, best], ratio


def logit_shift_spread(
    pull: FloatArray, pull_var: FloatArray, hits: FloatArray, *, min_hits: int = 5
) -> tuple[float, float]:
    """The honest population's centre and spread of per-voter *logit* shifts about one model.

    A voter who sees a model ``delta`` logits (Elo / 173.7) stronger than the consensus moves the
    summed residual ``S`` of its score by about ``I delta`` (``I``: the summed null variance, the
    Fisher information of ``delta``), so ``E (S - I m)^2 = I + I^2 tau^2`` and
    :func:`centred_heterogeneity` with ``I`` as the scale gives ``(m, tau^2)`` on the logit scale,
    where honest tastes live (a fan's boost is a strength, not a share of votes). Voters with fewer
    than ``min_hits`` battles of the model are left out.
    """
    pull, pull_var, hits = (np.asarray(x, dtype=np.float64) for x in (pull, pull_var, hits))
    ok = (hits >= min_hits) & (pull_var > 0)
    if not ok.any():
        return 0.0, 0.0
    return centred_heterogeneity(pull[ok], pull_var[ok], pull_var[ok], min_n=0, robust_start=True)


# Probability levels of the prior grid in :func:`saturating_shift_test`: dense in the middle,
# geometric in both tails (the p-values that matter come from the prior's far tail).
_TAIL_LEVELS = 10.0 ** -np.arange(1.0, 13.0, 0.5)
_GRID_LEVELS = np.unique(np.r_[_TAIL_LEVELS, np.linspace(0.1, 0.9, 17), 1.0 - _TAIL_LEVELS])


def saturating_shift_test(
    cell: IntArray,
    mean: FloatArray,
    var: FloatArray,
    score: FloatArray,
    n_cells: int,
    centre: FloatArray,
    tau: FloatArray,
    *,
    tail_dof: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Two-sided test of a voter's record with one model against honest logit-scale tastes.

    One *cell* is one (voter, model); each vote row belongs to ``cell`` and carries the model's
    null mean score ``mean`` (leave-voter-out consensus, ties as half), its null variance ``var``
    and the model's observed ``score``. Null hypothesis: the voter sees the model ``delta`` logits
    away from the consensus, ``delta`` a draw from the honest population's law about that model,
    ``centre + tau * T`` (``T`` standard normal, or a Student t with ``tail_dof > 2`` scaled to
    variance one), and given ``delta`` the votes are independent with mean
    ``sigma(logit(mean) + delta)`` and variance ``var`` scaled by the Bernoulli variance ratio.

    Unlike the linear pull test this respects saturation: a fan's boost moves battles the model
    would lose, barely the ones it wins anyway, so *winning whatever the opponent* (a vote for the
    model whenever it is recognised) needs a boost far in the population's tail, while a summed
    residual in score units cannot exceed ``sum(1 - mean)`` and so understates it. The summed
    residual ``S`` is referred to ``P(S >= s) = E_delta P(S >= s | delta)`` (normal conditional law
    with a half-lattice continuity correction), integrated over the prior by an upper Riemann sum
    on a grid of its quantiles (``P(S >= s | delta)`` grows with ``delta``: the sum bounds the
    integral from above; the mass beyond the grid counts as 1), and likewise the lower tail.
    Returns (upper-tail p, two-sided p) per cell; cells without votes get 1.
    """
    cell = np.asarray(cell, dtype=np.int64)
    mean = np.clip(np.asarray(mean, dtype=np.float64), 1e-9, 1.0 - 1e-9)
    var = np.asarray(var, dtype=np.float64)
    score = np.asarray(score, dtype=np.float64)
    centre = np.asarray(centre, dtype=np.float64)
    tau = np.asarray(tau, dtype=np.float64)
    upper = np.ones(n_cells)
    lower = np.ones(n_cells)
    if cell.size == 0 or n_cells == 0:
        return upper, lower
    s_obs = np.bincount(cell, weights=score - mean, minlength=n_cells)
    present = np.bincount(cell, minlength=n_cells) > 0
    if tail_dof > 2.0:
        quantiles = stats.t.ppf(_GRID_LEVELS, tail_dof) * np.sqrt((tail_dof - 2.0) / tail_dof)
    else:
        quantiles = stats.norm.ppf(_GRID_LEVELS)
    # Mass of each interval between grid points; the outermost masses lie beyond the grid.
    mass = np.diff(np.r_[0.0, _GRID_LEVELS, 1.0])
    logit = np.log(mean) - np.log1p(-mean)
    bern = mean * (1.0 - mean)
    ratio = np.divide(var, bern, out=np.zeros_like(var), where=bern > 0)
    cdf_at = np.empty((quantiles.size, n_cells))
    sf_at = np.empty((quantiles.size, n_cells))
    for g, q in enumerate(quantiles):
        delta = centre[cell] + tau[cell] * q
        shifted = 1.0 / (1.0 + np.exp(-(logit + delta)))
        m_g = np.bincount(cell, weights=shifted - mean, minlength=n_cells)
        w_g = np.bincount(cell, weights=ratio * shifted * (1.0 - shifted), minlength=n_cells)
        sd = np.sqrt(np.maximum(w_g, 1e-12))
        sf_at[g] = stats.norm.sf((s_obs - 0.25 - m_g) / sd)  # P(S >= s | delta)
        cdf_at[g] = stats.norm.cdf((s_obs + 0.25 - m_g) / sd)  # P(S <= s | delta)
    # Upper tail: P(S >= s | delta) grows with delta; bound each interval by its right end.
    upper_sum = mass[1:-1, None] * sf_at[1:] if quantiles.size > 1 else np.zeros((0, n_cells))
    upper = mass[0] * sf_at[0] + upper_sum.sum(axis=0) + mass[-1]
    # Lower tail: P(S <= s | delta) falls with delta; bound each interval by its left end.
    lower_sum = mass[1:-1, None] * cdf_at[:-1] if quantiles.size > 1 else np.zeros((0, n_cells))
    lower = mass[0] + lower_sum.sum(axis=0) + mass[-1] * cdf_at[-1]
    upper = np.where(present, np.minimum(upper, 1.0), 1.0)
    two_sided = np.where(present, np.minimum(1.0, 2.0 * np.minimum(upper, lower)), 1.0)
    return upper, two_sided


def _logit_pull_p(
    hits: FloatArray,
    pull: FloatArray,
    pull_var: FloatArray,
    cells: BoolArray,
    shift_votes: ShiftVotes,
    floors: tuple[float, float],
    min_hits: int,
    tail_dof: float,
) -> FloatArray:
    """:func:`saturating_shift_test`'s two-sided p for the (voter, model) ``cells`` (row-major)."""
    k = hits.shape[1]
    centre = np.zeros(k)
    tau = np.zeros(k)
    for j in range(k):
        c, tau2 = logit_shift_spread(pull[:, j], pull_var[:, j], hits[:, j], min_hits=min_hits)
        centre[j], tau[j] = c, min(max(float(np.sqrt(tau2)), floors[0]), floors[1])
    voters, models = np.nonzero(cells)
    cell, mean, var, score = shift_votes(voters, models)
    _, p = saturating_shift_test(
        cell, mean, var, score, voters.size, centre[models], tau[models], tail_dof=tail_dof
    )
    return p
