"""Per-voter hypothesis tests for pairwise-vote arenas: pure functions on numpy arrays.

Every function takes one row per vote with an integer ``voter`` code in ``[0, n_voters)`` and returns
one value per voter (arrays of length ``n_voters``); voters without votes get p-value 1. Nothing here
does I/O or reads the rule pack; thresholds arrive as arguments. Vote order matters only where a
docstring says so (then rows must already be sorted by voter, then time).

The outcome model shared by the model-based tests is Bradley-Terry with ties scored as half a win
(LMArena's convention): with ``d = theta_a - theta_b`` and a pair tie rate ``t``,
``P(A) = sigma(d) - t/2``, ``P(B) = sigma(-d) - t/2``, ``P(tie) = t`` so that ``E[score_A] = sigma(d)``
exactly as the ties-as-half BT fit assumes (``t`` is clipped so no probability goes below zero).

References
----------
Chiang et al. 2024, "Chatbot Arena: An Open Platform for Evaluating LLMs by Human Preference",
arXiv 2403.04132, section 5.1 (anomalous users). Min et al. 2025, "Improving Your Model Ranking on
Chatbot Arena by Vote Rigging". Benjamini & Hochberg 1995. Ville 1939 / Ramdas et al. 2023,
"Game-theoretic statistics and safe anytime-valid inference" (test martingales).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from auditkit.lazy import lazy_module
from auditkit.stats.pvalues import benjamini_hochberg, binomial_two_sided
from auditkit.typing import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from scipy import special, stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = [
    "OutcomeProbs",
    "SequentialResult",
    "arena_consistency_test",
    "benjamini_hochberg",
    "bernstein_two_sided",
    "binomial_two_sided",
    "burst_test",
    "group_score_test",
    "loo_strengths_one_step",
    "outcome_probs",
    "position_bias_test",
    "repeated_prompt_test",
    "score_vectors",
    "sequential_mixture_test",
    "speed_test",
    "target_concentration_test",
    "tie_rate_test",
    "vote_surprise_test",
    "voter_score_test",
]

_TINY = 1e-300


@dataclass(frozen=True)
class OutcomeProbs:
    """Per-vote outcome probabilities under the null model (each array one entry per vote)."""

    p_a: FloatArray
    p_b: FloatArray
    p_tie: FloatArray

    def of(self, score_a: FloatArray) -> FloatArray:
        """Probability of the observed outcome (score 1, 0 or 0.5 for model A)."""
        return np.where(score_a == 1.0, self.p_a, np.where(score_a == 0.0, self.p_b, self.p_tie))

    @property
    def mean(self) -> FloatArray:
        """E[score_A] (= sigma(d) by construction)."""
        return self.p_a + 0.5 * self.p_tie

    @property
    def var(self) -> FloatArray:
        """Var[score_A]."""
        second = self.p_a + 0.25 * self.p_tie
        return np.maximum(second - self.mean**2, 0.0)


def outcome_probs(diff: FloatArray, tie_rate: FloatArray | float) -> OutcomeProbs:
    """Outcome probabilities of BT-with-ties-as-half for strength gaps ``diff`` (natural log scale)."""
    sig = special.expit(np.asarray(diff, dtype=np.float64))
    t = np.broadcast_to(np.asarray(tie_rate, dtype=np.float64), sig.shape)
    t = np.minimum(t, 1.98 * np.minimum(sig, 1.0 - sig))
    return OutcomeProbs(p_a=sig - t / 2, p_b=(1.0 - sig) - t / 2, p_tie=t.copy())


def _counts(voter: IntArray, n_voters: int, weights: FloatArray | None = None) -> FloatArray:
    return np.bincount(voter, weights=weights, minlength=n_voters).astype(np.float64)


def bernstein_two_sided(
    total: FloatArray, variance: FloatArray, bound: FloatArray | float
) -> FloatArray:
    """Two-sided Bernstein tail bound for a sum of independent, zero-mean, bounded terms.

    ``P(|S| >= t) <= 2 exp(-t^2 / (2 V + 2 b t / 3))`` with ``V`` the summed variance and ``b`` a bound
    on each term's absolute value (Bernstein 1924). Valid at every sample size, unlike the normal
    approximation, whose tail is far too thin for a handful of lopsided votes.
    """
    t = np.abs(np.asarray(total, dtype=np.float64))
    v = np.asarray(variance, dtype=np.float64)
    b = np.asarray(bound, dtype=np.float64)
    denom = 2.0 * v + 2.0 * b * t / 3.0
    expo = np.divide(t**2, denom, out=np.zeros_like(t), where=denom > 0)
    return np.asarray(np.minimum(1.0, 2.0 * np.exp(-expo)), dtype=np.float64)


def arena_consistency_test(
    voter: IntArray,
    pair: IntArray,
    score: FloatArray,
    n_voters: int,
    *,
    alpha: float = 0.05,
    n_checks: int = 5,
    max_votes: int | None = None,
    random_state: int = 0,
    rank: str = "literal",
    pair_level: FloatArray | None = None,
    uniforms: FloatArray | None = None,
) -> tuple[FloatArray, BoolArray]:
    """The Chatbot Arena paper's anomalous-user test (Chiang et al. 2024, arXiv 2403.04132, §5.1).

    Method, as the paper describes it: each of a user's votes on an (oriented) model pair gets the
    rank p-value ``p_i = (1 + #{h in H_pair : h >= x_i}) / (|H_pair| + 1)`` against the historical
    votes ``H_pair`` of *other* users on the same pair (scores 1/0.5/0 for the pair's first model);
    the first ``j`` p-values are Fisher-combined, ``M_j = -2 sum log p_i``, and the user is flagged if
    ``M_j > chi2_{2j, 1 - alpha/n_checks}`` at any of ``n_checks`` randomly drawn checkpoints ``j``.

    Null hypothesis: the user's votes are exchangeable with other users' votes on the same pair.
    Caveats (why this is only the baseline): read literally (``rank="literal"``) the p-value is
    one-sided — only votes *for* the pair's first model can look anomalous, so a voter who always
    backs one model is caught only on the pairs where it is listed first; discrete rank p-values make
    Fisher's χ² reference conservative; and the per-user α has no multiplicity control across users.
    ``rank="rarity"`` ranks each vote by how rare its outcome is among the others' votes on the pair
    (the conformal p-value with nonconformity = rarity), which removes the orientation problem.
    Rows must be sorted by voter, then time. Returns (the smallest Bonferroni-adjusted p over the
    checkpoints per voter, flagged).

    To run it over blocks of voters with the answer of one call: ``pair_level`` gives the counts of
    each score level (0, 0.5, 1) per pair over *all* voters, and ``uniforms`` the block's rows of the
    ``(voters, n_checks)`` uniform draws that ``random_state`` makes for all voters at once.
    """
    if rank not in ("literal", "rarity"):
        raise ValueError("rank must be 'literal' or 'rarity'")
    voter = np.asarray(voter, dtype=np.int64)
    pair = np.asarray(pair, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    n = voter.size
    out_p = np.ones(n_voters)
    if n == 0:
        return out_p, np.zeros(n_voters, dtype=bool)
    # Counts of scores >= x on each pair, total and from the voter himself (subtracted = "others").
    levels = np.array([0.0, 0.5, 1.0])
    level = np.searchsorted(levels, score)
    if pair_level is None:
        pair_level = np.zeros((int(pair.max()) + 1, 3))
        np.add.at(pair_level, (pair, level), 1.0)
    n_pairs = pair_level.shape[0]
    pair_ge = np.cumsum(pair_level[:, ::-1], axis=1)[:, ::-1]  # [pair, l] = #score >= level l
    key = voter * n_pairs + pair
    uniq, inverse = np.unique(key, return_inverse=True)
    own_level = np.zeros((uniq.size, 3))
    np.add.at(own_level, (inverse, level), 1.0)
    own_ge = np.cumsum(own_level[:, ::-1], axis=1)[:, ::-1]
    own_total = own_level.sum(axis=1)
    total_others = pair_level.sum(axis=1)[pair] - own_total[inverse]
    if rank == "literal":
        ge_others = pair_ge[pair, level] - own_ge[inverse, level]
    else:
        others = pair_level[pair] - own_level[inverse]  # (n, 3) counts of each outcome
        mine = others[np.arange(n), level]
        ge_others = np.sum(others * (others <= mine[:, None]), axis=1)
    p_vote = (1.0 + ge_others) / (total_others + 1.0)
    log_term = -2.0 * np.log(p_vote)
    starts = np.r_[0, np.flatnonzero(np.diff(voter)) + 1]
    cum = np.cumsum(log_term)
    offset = np.repeat(np.r_[0.0, cum[starts[1:] - 1]], np.diff(np.r_[starts, n]))
    m_j = cum - offset  # M_j at position j of each voter
    position = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))  # j - 1
    counts = np.diff(np.r_[starts, n])
    if uniforms is None:
        uniforms = np.random.default_rng(random_state).random((starts.size, n_checks))
    horizon = counts if max_votes is None else np.minimum(counts, max_votes)
    # n_checks checkpoints per voter drawn uniformly from 1..horizon (with replacement).
    draws = np.floor(uniforms * horizon[:, None]).astype(np.int64)
    rows = starts[:, None] + draws
    stat = m_j[rows]
    dof = 2.0 * (position[rows] + 1.0)
    p_checks = np.minimum(1.0, stats.chi2.sf(stat, dof) * n_checks)
    best = p_checks.min(axis=1)
    voters_here = voter[starts]
    out_p[voters_here] = best
    flagged = np.zeros(n_voters, dtype=bool)
    flagged[voters_here] = best <= alpha
    return out_p, flagged


def score_vectors(
    voter: IntArray,
    model_a: IntArray,
    model_b: IntArray,
    score: FloatArray,
    probs: OutcomeProbs,
    n_voters: int,
    n_models: int,
) -> tuple[FloatArray, FloatArray]:
    """Per-voter BT score vectors ``S_v = X_v' r_v`` and Fisher information ``I_v = X_v' W_v X_v``.

    ``X`` has +1 at model A and -1 at model B, ``r = score - E[score]``, ``W = Var[score]``: the
    gradient and information of a voter-specific strength offset at zero. Shapes (n_voters, K) and
    (n_voters, K, K); keep ``n_voters * K * K`` moderate (the caller batches).
    """
    resid = np.asarray(score, dtype=np.float64) - probs.mean
    var = probs.var
    k = n_models
    cell_a = voter * k + model_a
    cell_b = voter * k + model_b
    size = n_voters * k
    s = np.bincount(cell_a, weights=resid, minlength=size) - np.bincount(
        cell_b, weights=resid, minlength=size
    )
    base = voter * (k * k)
    diag = np.bincount(base + model_a * (k + 1), weights=var, minlength=size * k)
    diag += np.bincount(base + model_b * (k + 1), weights=var, minlength=size * k)
    off = np.bincount(base + model_a * k + model_b, weights=var, minlength=size * k)
    off += np.bincount(base + model_b * k + model_a, weights=var, minlength=size * k)
    info = np.asarray((diag - off).reshape(n_voters, k, k), dtype=np.float64)
    return np.asarray(s.reshape(n_voters, k), dtype=np.float64), info


def _quadratic_pinv(
    s: FloatArray, info: FloatArray, rel_ridge: float = 1e-9, ridge: float = 0.0, tau2: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Batched ``s' I^+ s`` and rank(I) for singular information matrices.

    ``I`` is singular (strengths are relative; unvisited models have zero rows) but ``s`` lies in its
    range, so with a tiny ridge ``e``: ``s'(I + eI)^-1 s -> s' I^+ s`` and
    ``trace(I (I + eI)^-1) = sum lambda / (lambda + e) -> rank(I)``. A batched inverse is far cheaper
    than a batched eigendecomposition at the sizes met here.
    """
    if s.shape[0] == 0:
        return np.zeros(0), np.zeros(0)
    k = info.shape[1]
    diag = np.einsum("bii->bi", info)
    eps = rel_ridge * np.maximum(diag.max(axis=1), _TINY)
    eye = np.eye(k)[None, :, :]
    inv = np.linalg.inv(info + eps[:, None, None] * eye)
    rank = np.rint(np.einsum("bij,bji->b", info, inv))
    if ridge > 0 or tau2 > 0:
        # Random-effects covariance of the score: I + tau^2 I^2 (delta ~ N(0, tau^2) per model).
        cov = info + tau2 * np.einsum("bij,bjk->bik", info, info) if tau2 > 0 else info
        inv = np.linalg.inv(cov + (eps[:, None, None] + ridge) * eye)
    quad = np.einsum("bi,bij,bj->b", s, inv, s)
    return np.maximum(quad, 0.0), rank.astype(np.float64)


def voter_score_test(
    voter: IntArray,
    model_a: IntArray,
    model_b: IntArray,
    score: FloatArray,
    probs: OutcomeProbs,
    n_voters: int,
    n_models: int,
    *,
    ridge: float = 0.0,
    tau2: float = 0.0,
    batch_cells: int = 4_000_000,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rao score test that a voter's votes follow the consensus BT model (``consensus_loo``).

    Null hypothesis: the voter's outcomes are drawn from ``probs`` (BT fitted on everyone else, with
    the tie model of the module docstring), independently across votes. Alternative: the voter has
    their own strength offsets ``delta`` (``P(A) = sigma(d + delta_a - delta_b) ...``) — target
    stuffing, omnipresent stuffing (down-voting rivals) and random/contrarian bots all shift
    ``delta``. Statistic ``S' I^+ S`` is asymptotically χ² with rank(I) degrees of freedom (both
    "too unlikely" and "too predictable" directions: a vote pattern always picking the stronger model
    inflates ``delta`` along ``theta``). A ``ridge`` (in units of Fisher information, ~4 votes per
    unit) shrinks directions the voter's few votes barely inform: ``S'(I + ridge)^-1 S <= S' I^+ S``,
    so the χ² reference stays conservative where the asymptotics are poorest (one lopsided upset
    would otherwise look like overwhelming evidence). With ``tau2 > 0`` the null is a *population*
    of honest tastes, ``delta ~ N(0, tau2 I)`` (natural-log strength scale): then
    ``S ~ N(0, I + tau2 I^2)`` to first order and the statistic ``S'(I + tau2 I^2 + ridge)^-1 S``
    tends to ``|delta|^2 / tau2`` as votes accumulate — an effect size, not a sample size
    (:func:`auditkit.stats.population_nulls.score_heterogeneity` estimates ``tau2`` from the arena).
    Returns (statistic, dof, p-value) per voter.
    """
    voter = np.asarray(voter, dtype=np.int64)
    stat = np.zeros(n_voters)
    dof = np.zeros(n_voters)
    active = np.flatnonzero(np.bincount(voter, minlength=n_voters) > 0)
    if active.size == 0:
        return stat, dof, np.ones(n_voters)
    remap = np.full(n_voters, -1, dtype=np.int64)
    remap[active] = np.arange(active.size)
    local = remap[voter]
    per_batch = max(1, batch_cells // max(1, n_models * n_models))
    order = np.argsort(local, kind="stable")
    local_sorted = local[order]
    for lo in range(0, active.size, per_batch):
        hi = min(active.size, lo + per_batch)
        a, b = np.searchsorted(local_sorted, [lo, hi])
        rows = order[a:b]
        sub = OutcomeProbs(probs.p_a[rows], probs.p_b[rows], probs.p_tie[rows])
        s, info = score_vectors(
            local[rows] - lo, model_a[rows], model_b[rows], score[rows], sub, hi - lo, n_models
        )
        quad, rank = _quadratic_pinv(s, info, ridge=ridge, tau2=tau2)
        stat[active[lo:hi]] = quad
        dof[active[lo:hi]] = rank
    p = np.where(dof > 0, stats.chi2.sf(stat, np.maximum(dof, 1.0)), 1.0)
    return stat, dof, p


def vote_surprise_test(
    voter: IntArray, score: FloatArray, probs: OutcomeProbs, n_voters: int
) -> tuple[FloatArray, FloatArray]:
    """Two-sided test on the summed surprise ``-log P(observed outcome)`` of a voter's votes.

    Each vote's probability comes from the null model (BT fit on everyone else); under the null the
    per-vote surprise has mean = the outcome entropy and a known variance, and independent votes add,
    so the centred sum is tested with the Bernstein bound (valid for few votes; ``z`` reported). Large ``z``: votes
    less likely than the consensus predicts (contrarian, rigging, random clicking on lopsided pairs);
    small ``z``: more predictable than any human (always the favourite, never a tie). Null
    hypothesis: the voter's outcomes are drawn from ``probs``. Returns (z, two-sided p).
    """
    pi = np.stack([probs.p_a, probs.p_b, probs.p_tie], axis=1)
    logp = np.log(np.maximum(pi, _TINY))
    mean = -np.sum(pi * logp, axis=1)
    var = np.maximum(np.sum(pi * logp**2, axis=1) - mean**2, 0.0)
    observed = -np.log(np.maximum(probs.of(np.asarray(score, dtype=np.float64)), _TINY))
    centred = observed - mean
    total = _counts(voter, n_voters, centred)
    variance = _counts(voter, n_voters, var)
    # Bernstein needs a bound on each term in the direction of the deviation: above the mean the
    # surprise can reach -log(min probability); below it never falls under zero (bound = mean).
    up = np.zeros(n_voters)
    np.maximum.at(up, voter, np.max(-logp, axis=1) - mean)
    down = np.zeros(n_voters)
    np.maximum.at(down, voter, mean)
    spread = np.sqrt(variance)
    z = np.divide(total, spread, out=np.zeros(n_voters), where=spread > 0)
    # Two one-sided Bernstein tests (each with the bound of its own direction), Bonferroni-combined:
    # p = 2 * B_direction(|S|) for the direction the sum actually deviates in.
    p = bernstein_two_sided(total, variance, np.where(total > 0, up, down))
    return z, np.where(spread > 0, p, 1.0)


def loo_strengths_one_step(theta: FloatArray, s: FloatArray, info_total: FloatArray) -> FloatArray:
    """Leave-voter-out strengths by one Newton step: ``theta_{-v} = theta - I_total^+ S_v``.

    At the full-data MLE the total score is zero, so after deleting voter ``v`` the remaining score
    at ``theta`` is ``-S_v`` and one Newton step with the (nearly unchanged) total information gives
    the influence-function approximation. Accurate when the voter holds a small share of each pair's
    votes; the detector refits heavy voters exactly. Rows of ``s`` are voters; result rows likewise.
    """
    pinv = np.linalg.pinv(info_total, rcond=1e-10)
    shifted = theta[None, :] - s @ pinv.T
    return shifted - shifted.mean(axis=1, keepdims=True)


def position_bias_test(
    voter: IntArray,
    picked_a: BoolArray,
    decisive: BoolArray,
    n_voters: int,
    *,
    tolerance: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Exact binomial test that a voter picks the left answer (A) far more (or less) than half.

    Null hypothesis: among the voter's decisive votes (ties excluded — a tie is no choice of side),
    picks of A are Binomial(n_decisive, pi) with ``|pi - 1/2| <= tolerance``; the arena assigns sides
    at random, so side and model preference are independent. The tolerance admits the small side
    habits honest people have (a composite null: each tail is tested at its boundary, 1/2 ± tol,
    and the smaller tail doubled). Returns (k_a, n_decisive, p).
    """
    k = _counts(voter, n_voters, (picked_a & decisive).astype(np.float64))
    n = _counts(voter, n_voters, decisive.astype(np.float64))
    if tolerance <= 0.0:
        return k, n, binomial_two_sided(k, n, 0.5)
    upper = stats.binom.sf(k - 1, n, min(0.5 + tolerance, 1 - 1e-12))
    lower = stats.binom.cdf(k, n, max(0.5 - tolerance, 1e-12))
    p = np.where(n > 0, np.minimum(1.0, 2.0 * np.minimum(upper, lower)), 1.0)
    return k, n, p


def tie_rate_test(
    voter: IntArray, is_tie: BoolArray, tie_prob: FloatArray, n_voters: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Two-sided test of a voter's tie/both-bad count against the rate the model predicts.

    Null hypothesis: the voter's votes are ties independently with the pair probabilities
    ``tie_prob`` (Poisson-binomial), approximated by Binomial(n, mean tie_prob) — exact when the tie
    rate is one constant, conservative otherwise (the Poisson-binomial has the smaller variance).
    Flags tie/both-bad spam and bots that never tie. Returns (ties, expected ties, p).
    """
    k = _counts(voter, n_voters, is_tie.astype(np.float64))
    n = _counts(voter, n_voters)
    expected = _counts(voter, n_voters, np.asarray(tie_prob, dtype=np.float64))
    p_bar = np.divide(expected, n, out=np.zeros(n_voters), where=n > 0)
    return k, expected, binomial_two_sided(k, n, p_bar)


def target_concentration_test(
    voter: IntArray,
    model_a: IntArray,
    model_b: IntArray,
    score: FloatArray,
    probs: OutcomeProbs,
    model_share: FloatArray,
    n_voters: int,
    n_models: int,
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Is a voter concentrated on one model's battles *and* one-sided for or against it?

    For each (voter, model m): (1) concentration — one-sided exact binomial test that the number of
    the voter's battles involving m exceeds Binomial(n_v, q_m), ``q_m = model_share[m]`` the share of
    all battles that involve m under the observed sampling policy; (2) one-sidedness — the score
    ``sum(f - E f)`` with f = m's score (1 win, 0.5 tie, 0 loss) under the null ``probs``, two-sided
    Bernstein bound (terms lie in [-1, 1]; reported as ``z = sum / sqrt(sum Var f)``). Null hypothesis: the voter sees battles as the arena samples them
    and votes like the consensus. Under the null the two parts are independent (which battles vs.
    how they are voted), so they are Fisher-combined (χ² with 4 dof) and Bonferroni-corrected over
    the K models. Returns (p, best model index, z of the best model, concentration ratio).
    """
    voter = np.asarray(voter, dtype=np.int64)
    n_v = _counts(voter, n_voters)
    resid = np.asarray(score, dtype=np.float64) - probs.mean
    var = probs.var
    cell_a = voter * n_models + model_a
    cell_b = voter * n_models + model_b
    size = n_voters * n_models
    hits = (np.bincount(cell_a, minlength=size) + np.bincount(cell_b, minlength=size)).astype(
        np.float64
    )
    s = np.bincount(cell_a, weights=resid, minlength=size) - np.bincount(
        cell_b, weights=resid, minlength=size
    )
    v = np.bincount(cell_a, weights=var, minlength=size) + np.bincount(
        cell_b, weights=var, minlength=size
    )
    hits = hits.reshape(n_voters, n_models)
    z = np.divide(s, np.sqrt(v), out=np.zeros(size), where=v > 0).reshape(n_voters, n_models)
    q = np.clip(np.asarray(model_share, dtype=np.float64), 1e-12, 1.0)
    p_conc = np.where(hits > 0, stats.binom.sf(hits - 1, n_v[:, None], q[None, :]), 1.0)
    p_side = bernstein_two_sided(np.asarray(s, float), np.asarray(v, float), 1.0)
    p_side = p_side.reshape(n_voters, n_models)
    fisher = -2.0 * (np.log(np.maximum(p_conc, _TINY)) + np.log(np.maximum(p_side, _TINY)))
    p_comb = np.where(hits > 0, stats.chi2.sf(fisher, 4), 1.0)
    best = np.argmin(p_comb, axis=1).astype(np.int64)
    rows = np.arange(n_voters)
    p = np.minimum(1.0, p_comb[rows, best] * n_models)
    ratio = np.divide(hits[rows, best], n_v * q[best], out=np.zeros(n_voters), where=n_v > 0)
    return p, best, z[rows, best], ratio


def speed_test(
    voter: IntArray,
    tstamp: FloatArray,
    n_voters: int,
    *,
    min_gap_seconds: float,
    null_fast_rate: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One-sided binomial test for too many inter-vote gaps shorter than reading two answers takes.

    Null hypothesis: each of the voter's consecutive gaps is below ``min_gap_seconds`` independently
    with probability at most ``null_fast_rate`` (a human baseline from the rule pack). Rows must be
    sorted by voter, then time; NaN timestamps are ignored. Several honest people behind one address
    interleave and shorten gaps — which is why this test alone is low severity by default.
    Returns (fast gaps, gaps, p).
    """
    t = np.asarray(tstamp, dtype=np.float64)
    same = np.r_[False, voter[1:] == voter[:-1]]
    gap = np.r_[np.nan, np.diff(t)]
    valid = same & np.isfinite(gap)
    fast = valid & (gap < min_gap_seconds)
    k = _counts(voter, n_voters, fast.astype(np.float64))
    n = _counts(voter, n_voters, valid.astype(np.float64))
    p = np.where(n > 0, stats.binom.sf(k - 1, n, null_fast_rate), 1.0)
    return k, n, p


def burst_test(
    voter: IntArray,
    tstamp: FloatArray,
    n_voters: int,
    *,
    window_seconds: float,
) -> tuple[FloatArray, FloatArray]:
    """Scan test: the most votes a voter cast within any ``window_seconds``, against their own rate.

    Null hypothesis: the voter's votes arrive as a homogeneous Poisson process over their active span
    (rate n / span). For the maximum count k in a sliding window, the Bonferroni scan bound
    ``P(max >= k) <= (span / window) * P(Poisson(rate * window) >= k)`` (Naus 1982) gives the p-value.
    Rows sorted by voter, then time. Returns (max votes in a window, p).
    """
    t = np.asarray(tstamp, dtype=np.float64)
    n = voter.size
    best = np.zeros(n_voters)
    pval = np.ones(n_voters)
    ok = np.isfinite(t)
    if n == 0 or not ok.any():
        return best, pval
    v = voter[ok]
    tt = t[ok]
    # For each vote, how many of the same voter's votes fall in [t, t + window): a sorted search on
    # a composite key keeps it vectorised (voters' times are offset so windows never cross voters).
    span_all = float(tt.max() - tt.min()) + 2.0 * window_seconds + 1.0
    key = v.astype(np.float64) * span_all + (tt - tt.min())
    end = np.searchsorted(key, key + window_seconds, side="left")
    count = (end - np.arange(key.size)).astype(np.float64)
    np.maximum.at(best, v, count)
    first = np.full(n_voters, np.inf)
    last = np.full(n_voters, -np.inf)
    np.minimum.at(first, v, tt)
    np.maximum.at(last, v, tt)
    n_v = _counts(v, n_voters)
    span = np.maximum(last - first, window_seconds)
    rate = np.divide(n_v, span, out=np.zeros(n_voters), where=np.isfinite(span))
    windows = np.maximum(span / window_seconds, 1.0)
    tail = stats.poisson.sf(best - 1, rate * window_seconds)
    pval = np.where((n_v >= 2) & np.isfinite(span), np.minimum(1.0, windows * tail), 1.0)
    return best, pval


def repeated_prompt_test(
    voter: IntArray, prompt_code: IntArray, n_voters: int, *, null_repeat_rate: float
) -> tuple[FloatArray, FloatArray]:
    """One-sided binomial test for a voter re-submitting identical prompts.

    ``prompt_code`` is an integer per normalised prompt (-1 = no prompt). A vote is a *repeat* if the
    voter already used that prompt. Null hypothesis: each of the voter's prompted votes is a repeat
    with probability at most ``null_repeat_rate`` (honest regenerations). Returns (repeats, p).
    """
    has = prompt_code >= 0
    v = voter[has]
    code = prompt_code[has]
    key = np.unique(np.stack([v, code], axis=1), axis=0, return_counts=True)
    distinct = _counts(key[0][:, 0], n_voters)
    n = _counts(v, n_voters)
    repeats = n - distinct
    p = np.where(n > 0, stats.binom.sf(repeats - 1, n, null_repeat_rate), 1.0)
    return repeats, p


@dataclass(frozen=True)
class SequentialResult:
    """Anytime-valid evidence per voter from a mixture test martingale."""

    log_max: FloatArray  # per voter: log of the running maximum of the martingale
    p_value: FloatArray  # per voter: min(1, 1 / sup_n M_n) — valid at any stopping time
    log_path: FloatArray  # per vote: log M_n after that vote (rows in input order)


def logsumexp_columns(a: FloatArray) -> FloatArray:
    """``scipy.special.logsumexp(a, axis=0)`` of a 2-D float64 array, value for value.

    The same operations in the same order as SciPy's (its largest term per column taken out of
    the sum, ``log1p`` of the rest over their count, plus ``log`` of the count and the largest;
    the plain ``log(sum(exp(a)))`` where that is not finite), so the same floats. Why: SciPy
    computes the plain form for every column first (a second ``exp`` over the whole array, 12 %
    of the voter audit at 10M votes); here it is computed only for the columns that need it.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a_max = np.max(a, axis=0, keepdims=True)
        at_max = a == a_max
        # The largest terms count apart: SciPy sets them to -inf before the exp, whose 0 is set
        # here after it (the same 0; where a column's largest is infinite or NaN, SciPy's
        # value differs but is not finite, so the plain form below replaces both alike).
        m = np.count_nonzero(at_max, axis=0, keepdims=True).astype(a.dtype)
        terms = np.exp(a - a_max)
        terms[at_max] = 0.0
        del at_max
        s = np.sum(terms, axis=0, keepdims=True, dtype=a.dtype)
        del terms
        s = np.where(s == 0, s, s / m)
        sign = np.sign(s + 1) * np.sign(m)
        s = np.where(s < -1, -s - 2, s)
        out = np.log1p(s) + np.log(np.abs(m)) + a_max
        out[sign < 0] = np.nan
        bad = np.flatnonzero(~np.isfinite(out[0]))
        if bad.size:
            plain = np.log(np.sum(np.exp(a[:, bad]), axis=0, keepdims=True))
            out[0, bad] = plain[0]
    return np.asarray(out[0], dtype=np.float64)


def sequential_mixture_test(
    voter: IntArray,
    features: Sequence[FloatArray],
    probs_of_outcomes: Sequence[FloatArray],
    outcome_index: IntArray,
    n_voters: int,
    *,
    grid: Sequence[float] = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0),
) -> SequentialResult:
    """Sequential test: a uniform mixture of exponentially tilted likelihood-ratio martingales.

    For one vote with null outcome distribution ``pi`` (over the outcomes listed in
    ``probs_of_outcomes``) and a feature vector ``f`` of the outcome, the tilted factor
    ``exp(lambda . f(y)) / E_pi[exp(lambda . f)]`` has null expectation one, so its product over a
    voter's votes is a nonnegative test martingale for every fixed ``lambda``, and so is their
    uniform mixture over a grid of ``lambda`` (each feature gets the grid values, one feature at a
    time, plus their joint use). Null hypothesis: each vote is drawn from ``pi`` given the past.
    Guarantee (Ville's inequality): ``P(sup_n M_n >= 1/alpha) <= alpha``, so ``1 / sup M`` is an
    anytime-valid p-value and a voter can be flagged at the first vote where the evidence suffices.
    ``features[j]`` is ``(n_votes, n_outcomes)``: feature j for each possible outcome of each vote.
    Rows must be sorted by voter, then time.
    """
    n = voter.size
    if n == 0:
        return SequentialResult(np.zeros(n_voters), np.ones(n_voters), np.zeros(0))
    pi = np.stack([np.asarray(p, dtype=np.float64) for p in probs_of_outcomes], axis=1)
    lambdas: list[FloatArray] = []
    n_feat = len(features)
    for j in range(n_feat):
        for g in grid:
            vec = np.zeros(n_feat)
            vec[j] = g
            lambdas.append(vec)
    if n_feat > 1:
        for g in grid:
            lambdas.append(np.full(n_feat, g / np.sqrt(n_feat)))
    rows = np.arange(n)
    n_out = pi.shape[1]
    # Per outcome column and feature; the observed outcome's feature values once for all lambdas.
    cols = [
        [np.ascontiguousarray(np.asarray(f, dtype=np.float64)[:, o]) for f in features]
        for o in range(n_out)
    ]
    chosen = [np.asarray(f, dtype=np.float64)[rows, outcome_index] for f in features]
    pi_cols = [np.ascontiguousarray(pi[:, o]) for o in range(n_out)]
    starts = np.r_[0, np.flatnonzero(np.diff(voter)) + 1]
    lengths = np.diff(np.r_[starts, n])
    log_paths = np.empty((len(lambdas), n))
    # Features in {-1, 0, 1} (the usual case) make few distinct tilts: each is computed once per
    # lambda on a small table and looked up (exp of the same value is the same value).
    codes = _ternary_codes([*itertools.chain.from_iterable(cols), *chosen], n_feat)
    for i, lam in enumerate(lambdas):
        # tilt = f . lambda and the normaliser sum_o pi_o exp(tilt_o), both summed left to right
        # over the nonzero terms: the same floating-point operations as ``feat @ lam`` and
        # ``np.sum(..., axis=1)`` on these few columns (bit-identical), without the stacked arrays.
        if codes is not None:
            table, code_of = _dot_terms(_TERNARY, lam, _TERNARY[0].size), codes
            exp_table = np.exp(table)
            norm = _dot_terms([pi_cols[o] * exp_table[code_of[o]] for o in range(n_out)])
            tilt_chosen = table[code_of[n_out]]
        else:
            norm = _dot_terms(
                [pi_cols[o] * np.exp(_dot_terms(cols[o], lam, n)) for o in range(n_out)]
            )
            tilt_chosen = _dot_terms(chosen, lam, n)
        log_norm = np.log(norm)  # |tilt| is small: no overflow
        step = tilt_chosen - log_norm
        cum = np.cumsum(step)
        base = np.repeat(np.r_[0.0, cum[starts[1:] - 1]], lengths)
        log_paths[i] = cum - base
    log_mix = logsumexp_columns(log_paths) - np.log(len(lambdas))
    log_max = np.zeros(n_voters)
    np.maximum.at(log_max, voter, log_mix)
    p = np.minimum(1.0, np.exp(-log_max))
    return SequentialResult(log_max=log_max, p_value=p, log_path=log_mix)


# Every combination of three features in {-1, 0, 1}: feature j of combination c is _TERNARY[j][c].
_TERNARY = [np.array([(c // 3**j) % 3 - 1.0 for c in range(27)]) for j in range(3)]


def _ternary_codes(groups: Sequence[FloatArray], n_feat: int) -> list[NDArray[np.int8]] | None:
    """Per group of ``n_feat`` feature columns (flattened), each row's combination index into
    ``_TERNARY``; None unless there are three features, all in {-1, 0, 1}."""
    if n_feat != 3:
        return None
    for column in groups:
        if not np.all((column == -1.0) | (column == 0.0) | (column == 1.0)):
            return None
    out: list[NDArray[np.int8]] = []
    for lo in range(0, len(groups), n_feat):
        f0, f1, f2 = groups[lo : lo + n_feat]
        out.append(((f0 + 1.0) + 3.0 * (f1 + 1.0) + 9.0 * (f2 + 1.0)).astype(np.int8))
    return out


def _dot_terms(
    terms: Sequence[FloatArray], weights: FloatArray | None = None, n: int = 0
) -> FloatArray:
    """``sum_j w_j terms_j`` (plain sum without weights), added left to right; zero weights skipped
    (adding ``x * 0`` changes no bit of a finite sum)."""
    pairs = [
        (t, None if weights is None else float(w))
        for t, w in zip(terms, terms if weights is None else weights, strict=True)
        if weights is None or w != 0.0
    ]
    if not pairs:
        return np.zeros(n)
    first, w0 = pairs[0]
    total = first * w0 if w0 is not None else first.copy()
    for term, w in pairs[1:]:
        total += term * w if w is not None else term
    return total


def group_score_test(
    member_s: FloatArray, member_v: FloatArray, direction: float
) -> tuple[float, float]:
    """Joint one-sided score test for a group of voters pushing one model in one direction.

    ``member_s``/``member_v`` are each member's score residual sum and variance for the target model
    computed on votes *not* used to form the group (sample splitting keeps the test valid after
    selection). Null hypothesis: the members vote like the consensus on those held-out votes, so
    ``Z = direction * sum(s) / sqrt(sum(v))`` is approximately N(0, 1). Returns (Z, one-sided p).
    """
    total_v = float(np.sum(member_v))
    if total_v <= 0:
        return 0.0, 1.0
    z = direction * float(np.sum(member_s)) / float(np.sqrt(total_v))
    return z, float(stats.norm.sf(z))
