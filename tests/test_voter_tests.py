"""Specifications of the per-voter statistics in ``auditkit.stats.voter_tests``.

Each test plants a defect with a known answer (hand-computed or from scipy's reference
implementation) or checks the error guarantee a docstring promises on data drawn from the null.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from auditkit.stats import voter_tests as vt


def _null_votes(
    n_voters: int, votes_each: int, n_models: int, seed: int, tie: float = 0.25
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, vt.OutcomeProbs]:
    """Votes drawn exactly from the module's outcome model (the null of every model-based test)."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(-1.0, 1.0, n_models)
    voter = np.repeat(np.arange(n_voters), votes_each)
    n = voter.size
    a = rng.integers(0, n_models, n)
    b = (a + rng.integers(1, n_models, n)) % n_models
    probs = vt.outcome_probs(theta[a] - theta[b], tie)
    u = rng.random(n)
    score = np.where(u < probs.p_a, 1.0, np.where(u < probs.p_a + probs.p_b, 0.0, 0.5))
    return voter, a, b, score, probs


def test_outcome_probs_keep_the_ties_as_half_mean_and_sum_to_one() -> None:
    diff = np.array([-3.0, -0.5, 0.0, 0.7, 4.0])
    probs = vt.outcome_probs(diff, 0.3)
    np.testing.assert_allclose(probs.p_a + probs.p_b + probs.p_tie, 1.0)
    np.testing.assert_allclose(probs.mean, special.expit(diff))
    assert (probs.p_b >= 0).all() and (probs.p_a >= 0).all()
    # A lopsided pair cannot tie more often than the weaker side's share allows.
    assert probs.p_tie[-1] < 0.3


def test_binomial_two_sided_matches_scipy_binomtest() -> None:
    for k, n, p in [(9, 10, 0.5), (0, 12, 0.3), (30, 100, 0.25), (5, 5, 0.9)]:
        ours = vt.binomial_two_sided(np.array([k]), np.array([n]), p)[0]
        ref = stats.binomtest(k, n, p).pvalue
        # scipy sums all outcomes as unlikely as k; doubling the smaller tail is at least as
        # conservative and equal for the symmetric case.
        assert ours >= ref - 1e-12
        if p == 0.5:
            assert ours == pytest.approx(ref)


def test_position_bias_flags_a_left_clicker_and_ignores_ties() -> None:
    voter = np.zeros(120, dtype=np.int64)
    picked_a = np.r_[np.ones(90, bool), np.zeros(10, bool), np.zeros(20, bool)]
    decisive = np.r_[np.ones(100, bool), np.zeros(20, bool)]
    k, n, p = vt.position_bias_test(voter, picked_a, decisive, 1)
    assert (k[0], n[0]) == (90, 100)
    assert p[0] == pytest.approx(stats.binomtest(90, 100, 0.5).pvalue)


def test_tie_rate_test_equals_the_binomial_test_at_a_constant_rate() -> None:
    voter = np.zeros(50, dtype=np.int64)
    is_tie = np.r_[np.ones(30, bool), np.zeros(20, bool)]
    ties, expected, p = vt.tie_rate_test(voter, is_tie, np.full(50, 0.2), 1)
    assert ties[0] == 30 and expected[0] == pytest.approx(10.0)
    assert p[0] == pytest.approx(2 * stats.binom.sf(29, 50, 0.2))


def test_arena_consistency_golden_single_vote() -> None:
    # Voter 0 votes 1 once on pair 0; voter 1's votes there are [0, 0, 0, 1]. Rank p-value
    # (1 + #{others >= 1}) / (4 + 1) = 0.4; with one vote M_1 = -2 ln 0.4 and χ²₂'s survival
    # function exp(-x/2) returns exactly 0.4 (one checkpoint, so no Bonferroni factor).
    voter = np.array([0, 1, 1, 1, 1])
    pair = np.zeros(5, dtype=np.int64)
    score = np.array([1.0, 0.0, 0.0, 0.0, 1.0])
    p, flagged = vt.arena_consistency_test(voter, pair, score, 2, n_checks=1)
    assert p[0] == pytest.approx(0.4)
    assert not flagged[0]


def test_arena_consistency_flags_a_voter_always_against_the_crowd() -> None:
    rng = np.random.default_rng(3)
    n_others = 2000
    voter = np.r_[np.zeros(60, dtype=np.int64), 1 + rng.integers(0, 200, n_others)]
    pair = rng.integers(0, 5, voter.size)
    score = np.r_[np.ones(60), (rng.random(n_others) < 0.1).astype(float)]
    order = np.lexsort((np.arange(voter.size), voter))
    p, flagged = vt.arena_consistency_test(voter[order], pair[order], score[order], 201)
    assert flagged[0] and p[0] < 1e-6
    assert flagged[1:].mean() < 0.05


def test_voter_score_test_is_calibrated_under_the_null_and_catches_a_stuffer() -> None:
    voter, a, b, score, probs = _null_votes(2000, 40, 8, seed=1)
    # Plant voter 0: whenever model 3 plays, model 3 wins.
    mine = voter == 0
    score = score.copy()
    score[mine & (a == 3)] = 1.0
    score[mine & (b == 3)] = 0.0
    _stat, dof, p = vt.voter_score_test(voter, a, b, score, probs, 2000, 8)
    assert p[0] < 1e-3  # ~10 of its 40 votes involve model 3
    assert (dof[1:] <= 7).all()
    # Honest voters: p-values approximately uniform (χ² approximation at 40 votes).
    assert np.mean(p[1:] <= 0.05) == pytest.approx(0.05, abs=0.02)
    assert np.mean(p[1:] <= 0.01) < 0.02


def test_score_vectors_information_is_the_covariance_of_the_score() -> None:
    voter, a, b, score, probs = _null_votes(1, 30, 4, seed=2)
    s, info = vt.score_vectors(voter, a, b, score, probs, 1, 4)
    np.testing.assert_allclose(s.sum(axis=1), 0.0, atol=1e-12)  # strengths are relative
    np.testing.assert_allclose(info[0], info[0].T)
    np.testing.assert_allclose(info[0].sum(axis=1), 0.0, atol=1e-12)


def test_sequential_mixture_respects_ville_under_the_null() -> None:
    voter, _a, _b, score, probs = _null_votes(3000, 30, 6, seed=4)
    sign = np.sign(probs.p_a - probs.p_b)
    upset = np.stack([-sign, sign, np.zeros_like(sign)], axis=1)
    tie = np.tile([0.0, 0.0, 1.0], (voter.size, 1))
    outcome = np.where(score == 1.0, 0, np.where(score == 0.0, 1, 2))
    res = vt.sequential_mixture_test(
        voter, [upset, tie], [probs.p_a, probs.p_b, probs.p_tie], outcome, 3000
    )
    # Ville: P(sup M >= 1/alpha) <= alpha at every alpha.
    assert np.mean(res.p_value <= 0.05) <= 0.05
    assert np.mean(res.p_value <= 0.2) <= 0.2


def test_sequential_mixture_catches_a_random_clicker_early() -> None:
    rng = np.random.default_rng(5)
    n = 200
    voter = np.zeros(n, dtype=np.int64)
    probs = vt.outcome_probs(rng.choice([-2.0, 2.0], n), 0.25)
    outcome = rng.integers(0, 2, n)  # never a tie, sides at random
    sign = np.sign(probs.p_a - probs.p_b)
    upset = np.stack([-sign, sign, np.zeros_like(sign)], axis=1)
    tie = np.tile([0.0, 0.0, 1.0], (n, 1))
    res = vt.sequential_mixture_test(
        voter, [upset, tie], [probs.p_a, probs.p_b, probs.p_tie], outcome, 1
    )
    assert res.p_value[0] < 1e-6
    first = int(np.flatnonzero(res.log_path >= np.log(1e4))[0])
    assert first < 100  # flagged well before the end: anytime-valid stopping


def test_target_concentration_finds_the_target_model() -> None:
    voter, a, b, score, probs = _null_votes(300, 30, 10, seed=6)
    # Voter 0 only votes on model 7's battles and always for model 7.
    rows = np.flatnonzero(voter == 0)
    a[rows] = 7
    b[rows] = np.arange(rows.size) % 7
    score[rows] = 1.0
    theta = np.linspace(-1.0, 1.0, 10)
    probs = vt.outcome_probs(theta[a] - theta[b], 0.25)
    share = (np.bincount(a, minlength=10) + np.bincount(b, minlength=10)) / a.size
    p, best, z, ratio = vt.target_concentration_test(voter, a, b, score, probs, share, 300, 10)
    assert best[0] == 7 and z[0] > 3 and ratio[0] > 3
    assert p[0] < 1e-10
    assert np.mean(p[1:] < 0.01) < 0.02


def test_speed_and_burst_tests_flag_a_bot_not_a_reader() -> None:
    t_bot = np.arange(100) * 2.0  # a vote every 2 s
    t_human = np.cumsum(np.full(100, 90.0))  # every 90 s
    voter = np.r_[np.zeros(100, dtype=np.int64), np.ones(100, dtype=np.int64)]
    tstamp = np.r_[t_bot, t_human]
    fast, gaps, p = vt.speed_test(voter, tstamp, 2, min_gap_seconds=4.0, null_fast_rate=0.05)
    assert (fast.tolist(), gaps.tolist()) == ([99.0, 0.0], [99.0, 99.0])
    assert p[0] < 1e-100 and p[1] == 1.0
    # A burst: 30 votes within one minute in an otherwise slow week.
    t = np.r_[np.linspace(0, 7 * 86400, 50), 3 * 86400 + np.arange(30) * 2.0]
    t.sort()
    best, p_burst = vt.burst_test(np.zeros(80, dtype=np.int64), t, 1, window_seconds=60.0)
    assert best[0] >= 30 and p_burst[0] < 1e-20


def test_repeated_prompt_counts_repeats_per_voter() -> None:
    voter = np.array([0, 0, 0, 0, 1, 1])
    prompt = np.array([5, 5, 5, 6, 5, -1])
    repeats, p = vt.repeated_prompt_test(voter, prompt, 2, null_repeat_rate=0.05)
    assert repeats.tolist() == [2.0, 0.0]
    assert p[0] == pytest.approx(stats.binom.sf(1, 4, 0.05))


def test_benjamini_hochberg_matches_statsmodels_definition() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    reject, q = vt.benjamini_hochberg(p, 0.05)
    # Hand computation: p_(k) <= 0.05 k / 10 holds for k = 1, 2 only.
    assert reject.tolist() == [True, True] + [False] * 8
    assert q[0] == pytest.approx(0.01)


def test_group_score_test_pools_weak_members() -> None:
    # 40 accounts each +0.8 on the target with variance 1: individually z = 0.8, jointly z = 5.06.
    z, p = vt.group_score_test(np.full(40, 0.8), np.ones(40), 1.0)
    assert z == pytest.approx(0.8 * 40 / np.sqrt(40))
    assert p < 1e-6
    assert vt.group_score_test(np.full(40, 0.8), np.ones(40), -1.0)[1] > 0.99


def test_one_step_loo_matches_exact_refit_for_a_light_voter() -> None:
    bt = pytest.importorskip("auditkit.stats.bradley_terry")
    voter, a, b, score, _probs = _null_votes(200, 50, 5, seed=7, tie=0.0)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    s_lo = np.where(a == lo, score, 1 - score)
    pair = lo * 5 + hi
    n = np.bincount(pair, minlength=25).astype(float)
    w = np.bincount(pair, weights=s_lo, minlength=25)
    present = np.flatnonzero(n > 0)
    theta = bt.fit_bt_pairs(present // 5, present % 5, w[present], n[present], 5)
    full = vt.outcome_probs(theta[a] - theta[b], 0.0)
    s, _ = vt.score_vectors(voter, a, b, score, full, 200, 5)
    info_total = vt.score_vectors(np.zeros_like(voter), a, b, score, full, 1, 5)[1][0]
    approx = vt.loo_strengths_one_step(theta, s[:1], info_total)[0]
    mine = voter == 0
    n0 = np.bincount(pair[mine], minlength=25).astype(float)
    w0 = np.bincount(pair[mine], weights=s_lo[mine], minlength=25)
    exact = bt.fit_bt_pairs(
        present // 5, present % 5, (w - w0)[present], (n - n0)[present], 5, init=theta
    )
    np.testing.assert_allclose(approx, exact, atol=2e-3)


def test_vote_surprise_is_valid_and_two_sided() -> None:
    voter, _a, _b, score, probs = _null_votes(2000, 40, 8, seed=8)
    z, p = vt.vote_surprise_test(voter, score, probs, 2000)
    # The Bernstein bound is conservative at every sample size; z itself is standardised.
    assert np.mean(p <= 0.05) <= 0.05
    assert np.std(z) == pytest.approx(1.0, abs=0.1)
    # Too predictable: voter 0 always picks the favourite and never ties -> z far below zero.
    fav = np.where(probs.p_a >= probs.p_b, 1.0, 0.0)
    planted = np.where(voter == 0, fav, score)
    z2, p2 = vt.vote_surprise_test(voter, planted, probs, 2000)
    assert z2[0] < -3 and p2[0] < 0.05
    # Contrarian: voter 1 always picks the underdog -> z far above zero.
    planted = np.where(voter == 1, 1.0 - fav, score)
    z3, _ = vt.vote_surprise_test(voter, planted, probs, 2000)
    assert z3[1] > 3


def test_arena_consistency_rarity_ranking_golden() -> None:
    # Pair 0 votes: voter 0 → [1]; voter 1 → [0, 0, 0, 1]; voter 2 → [0].
    # Voter 0's others: [0, 0, 0, 1, 0], outcome counts (0: 4, 1: 1); its vote 1 is the rarer one,
    # so #{others at most as frequent} = 1 and p = (1 + 1) / (5 + 1) = 1/3.
    # Voter 2's others: [1, 0, 0, 0, 1], counts (0: 3, 1: 2); its vote 0 is the common one, all 5
    # others are at most as frequent, p = (1 + 5) / 6 = 1. One vote each: M_1 = -2 ln p and
    # χ²₂'s survival function returns p itself.
    voter = np.array([0, 1, 1, 1, 1, 2])
    pair = np.zeros(6, dtype=np.int64)
    score = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.0])
    p, _ = vt.arena_consistency_test(voter, pair, score, 3, n_checks=1, rank="rarity")
    assert p[0] == pytest.approx(1 / 3)
    assert p[2] == pytest.approx(1.0)
