"""The voter's own tie habit as part of the consensus null (auditkit.stats.own_habits).

It widens the null for voters who tie less than the arena, and never tightens it."""

from __future__ import annotations

import numpy as np

from auditkit.stats.own_habits import own_tie_factor, own_tie_probs
from auditkit.stats.voter_tests import outcome_probs


def _arena_votes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    diff = rng.normal(0.0, 0.8, n)
    return diff, np.full(n, 0.25)


def test_a_voter_who_never_ties_gets_a_tie_factor_near_zero_and_a_light_voter_about_one() -> None:
    rng = np.random.default_rng(1)
    diff, tie = _arena_votes(rng, 310)
    probs = outcome_probs(diff, tie)
    voter = np.r_[np.zeros(300, dtype=np.int64), np.ones(10, dtype=np.int64)]
    score = np.r_[rng.integers(0, 2, 300).astype(float), np.full(10, 0.5)[:3], np.ones(7)]
    factor = own_tie_factor(voter, score, probs.p_tie, 2, prior_ties=10.0)
    assert factor[0] < 0.15  # no tie in 300 votes where the null expects about 70
    assert 0.8 < factor[1] < 1.3  # 3 ties in 10 votes: hardly evidence of a habit


def test_own_tie_probabilities_keep_every_expected_score_and_stay_probabilities() -> None:
    rng = np.random.default_rng(2)
    diff, tie = _arena_votes(rng, 2_000)
    probs = outcome_probs(diff, tie)
    voter = np.repeat(np.arange(4), 500)
    # Voter 0 never ties, voter 1 ties half the time, voters 2-3 like the arena.
    score = rng.choice([0.0, 1.0], 2_000)
    score[500:1000][rng.random(500) < 0.5] = 0.5
    score[1000:][rng.random(1000) < 0.25] = 0.5
    own = own_tie_probs(probs, voter, score, 4, prior_ties=10.0)
    np.testing.assert_allclose(own.mean, probs.mean, atol=1e-12)
    total = own.p_a + own.p_b + own.p_tie
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    assert (own.p_a >= 0).all() and (own.p_b >= 0).all() and (own.p_tie >= 0).all()
    # No ties: each vote is 0 or 1, so its variance is larger than the arena's null says ...
    assert (own.var[:500] > probs.var[:500]).all()
    # ... while a heavy tie-caller keeps the arena's null (never a tighter one).
    np.testing.assert_allclose(own.var[500:1000], probs.var[500:1000], atol=1e-12)
