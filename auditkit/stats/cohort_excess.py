"""How many of a cohort's votes on one model are beyond what honest voters would cast?

A swarm of new accounts leaves two traces in the new cohort's votes on its model ``m``, and the
two are independent of each other:

- **outcomes**: ``m`` scores more (lift) or less (sink) in its new-cohort battles than the
  established voters' Bradley-Terry fit predicts; every swarm vote is a win (a loss) of ``m``;
- **counts**: ``m`` is in more of the new cohort's battles than the arena's sampling puts it in
  (its share among the established voters' battles): a swarm casts votes only where ``m`` is.

Each gives a method-of-moments estimate of the swarm's size ``S`` (votes). Honest newcomers are
not established voters: as a cohort they judge every model a little differently (other topics,
other tastes) and may meet models in a slightly different mix. How much, is estimated from the
other models (the *reference* models, not flagged), on battles where no flagged model sits, so the
swarm does not enter its own yardstick:

- outcome offset per battle ``r_j = (W_j - E_j) / n_j`` (score minus its expectation, per battle):
  ``r_j = delta_j + noise``, the cohort's honest taste offset ``delta_j ~ (0, tau^2)``;
  ``tau^2`` is the reference models' variance of ``r_j`` beyond the binomial (DerSimonian-Laird);
- count residual ``(n_j - s_j N) / sqrt(N s_j (1 - s_j))``: over-dispersed by ``phi`` (Efron's
  empirical null: median of the squared residuals over the median of χ²₁, at least 1).

Null hypothesis (``S = 0``): the cohort's votes on ``m`` are honest newcomers' — their outcome
offset is a draw from the reference models' spread around zero and their share of ``m``'s battles
is the arena's, up to the reference models' over-dispersion. Under that null each estimate is
centred on zero with the variance given; the two are combined by inverse variance (the taste
spread ``tau^2`` counts in the outcome estimate's variance, so an honest cohort's liking for ``m``
is shrunk toward none). The result is clipped to ``[0, votes of the swarm's kind]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from auditkit.lazy import lazy_module

if TYPE_CHECKING:
    from scipy import special, stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = [
    "AllWinFloor",
    "ExcessEstimate",
    "all_win_floor",
    "cohort_count_test",
    "combine_traces",
    "empirical_null_phi",
    "excess_votes",
    "floored_excess",
]

_MEDIAN_CHI2_1 = 0.454936


def empirical_null_phi(z2: NDArray[np.float64]) -> float:
    """Efron's (2004) empirical-null inflation from squared z-statistics across models:
    ``max(1, median(z^2) / median(chi2_1))``; one when fewer than three are given."""
    if z2.size < 3:
        return 1.0
    return max(1.0, float(np.median(z2)) / _MEDIAN_CHI2_1)


@dataclass(frozen=True)
class ExcessEstimate:
    """The swarm's estimated size in votes, its standard error and the two estimates it combines."""

    votes: float
    se: float
    by_outcome: float
    by_outcome_se: float
    by_count: float
    by_count_se: float
    taste_sd: float  # tau: the honest cohort's per-battle outcome offset spread
    count_phi: float
    candidates: int  # votes of the swarm's kind (wins of m for a lift, losses for a sink)


def _side_sums(
    a: NDArray[np.int64], b: NDArray[np.int64], values: NDArray[np.float64], k: int
) -> NDArray[np.float64]:
    return np.asarray(
        np.bincount(a, weights=values, minlength=k) + np.bincount(b, weights=values, minlength=k),
        dtype=np.float64,
    )


def excess_votes(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta: NDArray[np.float64],
    model: int,
    reference: NDArray[np.bool_],
    other_a: NDArray[np.int64],
    other_b: NDArray[np.int64],
    *,
    lift: bool = True,
) -> ExcessEstimate:
    """The cohort's excess votes for (``lift``) or against ``model`` (module docstring).

    ``a, b, score``: the cohort's votes (model codes, A's score with ties as half); ``theta``:
    strengths (natural log) fitted on the other cohort, whose battles are ``other_a, other_b``
    (they give the arena's share of battles per model); ``reference``: models not flagged (their
    battles calibrate the honest spread).
    """
    k = theta.size
    n_all = a.size
    share = _side_sums(other_a, other_b, np.ones(other_a.size), k) / max(other_a.size, 1)
    other_clean = reference[other_a] & reference[other_b]
    share_clean = _side_sums(
        other_a[other_clean], other_b[other_clean], np.ones(int(other_clean.sum())), k
    ) / max(int(other_clean.sum()), 1)
    p_a = special.expit(theta[a] - theta[b])
    # Outcome side: m's score, expectation and binomial variance in its battles.
    in_m = (a == model) | (b == model)
    mine = np.where(a == model, score, 1.0 - score)[in_m]
    expect = np.where(a == model, p_a, 1.0 - p_a)[in_m]
    n_m = float(in_m.sum())
    candidates = int(np.sum(mine == (1.0 if lift else 0.0)))
    # Reference calibration on battles without any flagged model.
    clean = reference[a] & reference[b]
    ca, cb = a[clean], b[clean]
    resid = score[clean] - p_a[clean]
    r_sum = np.bincount(ca, weights=resid, minlength=k) - np.bincount(
        cb, weights=resid, minlength=k
    )
    pv = p_a[clean] * (1.0 - p_a[clean])
    v_sum = _side_sums(ca, cb, pv, k)
    n_ref = _side_sums(ca, cb, np.ones(ca.size), k)
    usable = reference & (n_ref >= 30)
    tau2 = 0.0
    if usable.sum() >= 3:
        r = r_sum[usable] / n_ref[usable]
        noise = v_sum[usable] / n_ref[usable] ** 2
        weight = 1.0 / noise
        centre = float(np.sum(weight * r) / np.sum(weight))
        q = float(np.sum(weight * (r - centre) ** 2))
        c = float(np.sum(weight) - np.sum(weight**2) / np.sum(weight))
        tau2 = max(0.0, (q - (usable.sum() - 1)) / c) if c > 0 else 0.0
    # Outcome estimate: W - E = sum over swarm votes of (1 - p) (lift) or -p (sink).
    gap = float(np.sum(mine - expect))
    p_bar = float(np.mean(expect)) if n_m else 0.5
    per_vote = (1.0 - p_bar) if lift else p_bar
    sign = 1.0 if lift else -1.0
    by_outcome = sign * gap / max(per_vote, 1e-6)
    var_outcome = (float(np.sum(expect * (1.0 - expect))) + n_m**2 * tau2) / max(
        per_vote, 1e-6
    ) ** 2
    # Count estimate: the cohort's share of m's battles against the arena's (share[model]).
    s_m = float(share[model])
    by_count = (n_m - s_m * n_all) / max(1.0 - s_m, 1e-6)
    n_clean = float(clean.sum())
    phi = 1.0
    if usable.sum() >= 3 and n_clean > 0:
        expected = share_clean[usable] * n_clean
        # The cohort's binomial count and the noise of the share it is set against.
        spread = (
            expected * (1.0 - share_clean[usable]) * (1.0 + n_clean / max(other_clean.sum(), 1))
        )
        z2 = (n_ref[usable] - expected) ** 2 / np.maximum(spread, 1e-9)
        phi = empirical_null_phi(z2)
    share_noise = 1.0 + n_all / max(other_a.size, 1)
    var_count = phi * n_all * s_m * (1.0 - s_m) * share_noise / max(1.0 - s_m, 1e-6) ** 2
    precision = 1.0 / max(var_outcome, 1e-9) + 1.0 / max(var_count, 1e-9)
    combined = (by_outcome / max(var_outcome, 1e-9) + by_count / max(var_count, 1e-9)) / precision
    votes = float(np.clip(combined, 0.0, candidates))
    return ExcessEstimate(
        votes=votes,
        se=float(np.sqrt(1.0 / precision)),
        by_outcome=by_outcome,
        by_outcome_se=float(np.sqrt(var_outcome)),
        by_count=by_count,
        by_count_se=float(np.sqrt(var_count)),
        taste_sd=float(np.sqrt(tau2)),
        count_phi=phi,
        candidates=candidates,
    )


@dataclass(frozen=True)
class AllWinFloor:
    """Votes in the cohort's multi-vote accounts whose every vote is a win (loss) of one model."""

    votes: float  # observed - expected honest (at least 0): a floor under the swarm's size
    observed: int
    expected: float  # honest expectation, calibrated on the reference models


def _hit_model(
    a: NDArray[np.int64], b: NDArray[np.int64], score: NDArray[np.float64], lift: bool
) -> NDArray[np.int64]:
    """Per vote, the model that won it outright (``lift``) or lost it outright; -1 for a tie."""
    first, second = (a, b) if lift else (b, a)
    return np.asarray(
        np.where(score == 1.0, first, np.where(score == 0.0, second, -1)), dtype=np.int64
    )


def all_win_floor(
    account: NDArray[np.int64],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    model: int,
    reference: NDArray[np.bool_],
    other_a: NDArray[np.int64],
    other_b: NDArray[np.int64],
    other_score: NDArray[np.float64],
    *,
    lift: bool = True,
) -> AllWinFloor:
    """A floor under a swarm's size from the accounts of two or more votes that all go one way.

    ``account``: each cohort vote's account code (``0..n-1``); ``a, b, score``: the cohort's votes;
    ``other_*``: the other (established) cohort's votes. An account of ``k >= 2`` votes that are
    all outright wins of ``model`` (all losses, for a sink) is what a multi-vote swarm account
    looks like, and rare for an honest newcomer.

    Null hypothesis (honest newcomers): an account of ``k`` votes is all wins of model ``r`` with
    chance ``c_k q_r^k``, where ``q_r`` is the share of the established cohort's votes that ``r``
    wins outright (swarm-free), and ``c_k`` (people meet the same models again and keep their
    tastes, so votes are not independent) is the ratio of observed to predicted such accounts
    pooled over the reference models. The expected honest votes in all-win accounts of ``model``
    are subtracted from the observed ones; what remains is swarm under the null, so the swarm has
    at least that many votes (in expectation). A swarm using one-vote accounts, or mixing cover
    votes into its accounts, leaves this floor near zero: it only ever raises an estimate.
    """
    k_models = reference.size
    if account.size == 0:
        return AllWinFloor(0.0, 0, 0.0)
    hit = _hit_model(a, b, score, lift)
    n_accounts = int(account.max()) + 1
    size = np.bincount(account, minlength=n_accounts)
    low = np.full(n_accounts, k_models, dtype=np.int64)
    high = np.full(n_accounts, -1, dtype=np.int64)
    np.minimum.at(low, account, hit)
    np.maximum.at(high, account, hit)
    all_one_way = (low == high) & (low >= 0) & (size >= 2)
    top = int(size.max())
    observed = np.zeros((k_models, top + 1))
    np.add.at(observed, (low[all_one_way], size[all_one_way]), 1.0)
    accounts_of_size = np.bincount(size, minlength=top + 1).astype(np.float64)
    other_hit = _hit_model(other_a, other_b, other_score, lift)
    q = np.bincount(other_hit[other_hit >= 0], minlength=k_models) / max(other_a.size, 1)
    power = np.arange(top + 1)
    predicted = accounts_of_size[None, :] * q[:, None] ** power[None, :]
    calibration = np.divide(
        observed[reference].sum(axis=0),
        predicted[reference].sum(axis=0),
        out=np.ones(top + 1),
        where=predicted[reference].sum(axis=0) > 0,
    )
    seen = float(np.sum(power * observed[model]))
    expected = float(np.sum(power * calibration * predicted[model]))
    return AllWinFloor(max(0.0, seen - expected), int(seen), expected)


def floored_excess(estimate: float, se: float, floor: float) -> float:
    """The swarm's size given an estimate ``estimate ± se`` and a floor it cannot be below.

    The posterior mean of ``S`` under a flat prior on ``[floor, inf)`` and a normal likelihood
    centred on ``estimate``: the normal truncated to ``S >= floor``. Far above the floor it is the
    estimate; at or below it, the floor plus what the estimate's own spread leaves above it (the
    estimate's uncertainty is carried into the correction rather than cut off at the floor).
    """
    if floor <= 0.0 or se <= 0.0:
        return max(estimate, floor)
    alpha = (floor - estimate) / se
    return float(estimate + se * np.exp(stats.norm.logpdf(alpha) - stats.norm.logsf(alpha)))


def cohort_count_test(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    other_a: NDArray[np.int64],
    other_b: NDArray[np.int64],
    n_models: int,
) -> tuple[NDArray[np.float64], float]:
    """Per model: does the cohort meet it more (or less) often than the other cohort does?

    ``a, b``: the cohort's battles; ``other_a, other_b``: the other (established) cohort's. The
    arena serves battles without regard to who votes, so each model's share of the cohort's
    battles estimates the same sampling share as in the other cohort. ``z_m = (n_m - s_m N) /
    sqrt(N s_m (1 - s_m) (1 + N / N_o))`` with ``s_m`` the share among the other cohort's ``N_o``
    battles (the second term is the noise of ``s_m`` itself). Null hypothesis: the cohort's
    battles are drawn with the other cohort's shares, up to a common over-dispersion ``phi``
    (Efron's empirical null across models: ``max(1, median(z^2) / median(χ²₁))``: honest
    newcomers' own topic mix). Returns (z / sqrt(phi), phi).
    """
    share = _side_sums(other_a, other_b, np.ones(other_a.size), n_models) / max(other_a.size, 1)
    n = float(a.size)
    count = _side_sums(a, b, np.ones(a.size), n_models)
    # Two binomial noises: the cohort's own count and the other cohort's share it is set against.
    spread = n * share * (1.0 - share) * (1.0 + n / max(other_a.size, 1))
    z = np.divide(count - share * n, np.sqrt(spread), out=np.zeros(n_models), where=spread > 0)
    phi = empirical_null_phi(z[spread > 0] ** 2)
    return np.asarray(z / np.sqrt(phi), dtype=np.float64), phi


def combine_traces(
    z_outcome: NDArray[np.float64], z_count: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One z and two-sided p per model from the outcome and count traces (both null-scaled).

    A swarm moves both: more of the model's battles (``z_count > 0``) whichever way its votes go,
    and its outcomes up (lift) or down (sink). The count trace is therefore signed by the outcome
    trace: ``z = (z_o + sign(z_o) z_c) / sqrt(2)`` (Stouffer). Null hypothesis: both are
    independent standard normals; then ``sign(z_o) z_c`` is standard normal and independent of
    ``z_o`` (``z_c`` is symmetric), so ``z`` is standard normal too. An honest cohort that merely
    meets a model more often, or judges it differently, moves one trace, not both.
    """
    sign = np.where(z_outcome < 0, -1.0, 1.0)
    z = (z_outcome + sign * z_count) / np.sqrt(2.0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    return np.asarray(z, dtype=np.float64), np.asarray(p, dtype=np.float64)
