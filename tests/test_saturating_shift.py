"""The logit-scale pull test (population_nulls.saturating_shift_test, logit_shift_spread).

Honest tastes are strengths: a fan sees their model some logits stronger than everyone does, and so
still loses some battles against stronger models. A camouflaged account votes for its target
whenever it recognises it, whoever the opponent. These tests plant both and check that the first
passes at the rate its null promises while the second is far outside it.
"""

from __future__ import annotations

import numpy as np

from auditkit.stats import population_nulls as pn


def _cells(
    rng: np.random.Generator, delta: np.ndarray, votes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Votes of one model per cell: null means spread over 0.25-0.8, outcomes with the cell's shift."""
    n_cells = delta.size
    cell = np.repeat(np.arange(n_cells), votes)
    mean = rng.uniform(0.25, 0.8, cell.size)
    logit = np.log(mean / (1 - mean))
    won = rng.random(cell.size) < 1.0 / (1.0 + np.exp(-(logit + delta[cell])))
    return cell, mean, mean * (1 - mean), won.astype(float)


def _population(
    seed: int, centre: float, tau: float, n: int, votes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` honest cells whose logit shifts are drawn from N(centre, tau^2)."""
    rng = np.random.default_rng(seed)
    return _cells(rng, rng.normal(centre, tau, n), votes)


def test_honest_logit_tastes_are_rejected_no_more_often_than_the_level() -> None:
    tau, n = 0.3, 4000
    cell, mean, var, score = _population(0, 0.0, tau, n, 80)
    _, p = pn.saturating_shift_test(
        cell, mean, var, score, n, np.zeros(n), np.full(n, tau), tail_dof=0.0
    )
    assert (p <= 0.01).mean() <= 0.015
    assert (p <= 0.1).mean() <= 0.12
    assert (p <= 0.5).mean() >= 0.3  # conservative, not useless


def test_winning_whoever_the_opponent_is_far_outside_honest_tastes() -> None:
    rng = np.random.default_rng(1)
    tau = 0.3
    # Cell 0: the target wins every battle (a vote for it whenever it is recognised); cell 1: a
    # fan two spreads out, who still loses to stronger models; cell 2: always against the model.
    cell, mean, var, score = _cells(rng, np.array([0.0, 2 * tau, 0.0]), 100)
    score = score.copy()
    score[cell == 0] = 1.0
    score[cell == 2] = 0.0
    centre, spread = np.zeros(3), np.full(3, tau)
    upper, p = pn.saturating_shift_test(cell, mean, var, score, 3, centre, spread, tail_dof=4.0)
    assert p[0] < 1e-4 and upper[0] < 1e-4  # Student-t(4) tastes: heavy tails, still far out
    assert p[1] > 0.01
    assert p[2] < 1e-4 and upper[2] > 0.5
    # The linear pull test on the same sums, with the matching score-unit spread, says much less:
    s = np.bincount(cell, weights=score - mean)
    v = np.bincount(cell, weights=var)
    h = np.bincount(cell).astype(float)
    _, p_linear = pn.random_effect_pull_test(s, v, h, (tau / 4) ** 2, tail_dof=4.0)
    assert p[0] < p_linear[0] / 20


def test_cells_without_votes_get_one() -> None:
    upper, p = pn.saturating_shift_test(
        np.array([0, 0]),
        np.array([0.5, 0.5]),
        np.array([0.25, 0.25]),
        np.array([1.0, 0.0]),
        3,
        np.zeros(3),
        np.full(3, 0.3),
    )
    assert upper[1:].tolist() == [1.0, 1.0] and p[1:].tolist() == [1.0, 1.0]
    assert 0.5 < p[0] <= 1.0


def test_logit_spread_is_recovered_and_a_few_stuffers_do_not_widen_it() -> None:
    n = 3000
    cell, mean, var, score = _population(2, 0.1, 0.4, n, 60)
    pull = np.bincount(cell, weights=score - mean, minlength=n)
    info = np.bincount(cell, weights=var, minlength=n)
    hits = np.bincount(cell, minlength=n).astype(float)
    centre, tau2 = pn.logit_shift_spread(pull, info, hits)
    assert abs(centre - 0.1) < 0.05
    assert 0.33 <= np.sqrt(tau2) <= 0.47
    # Ten accounts that always vote for the model barely move the estimate.
    stuffed = np.r_[pull, np.full(10, 0.45 * 60)]
    _, tau2_with = pn.logit_shift_spread(
        stuffed, np.r_[info, np.full(10, 0.2 * 60)], np.r_[hits, np.full(10, 60.0)]
    )
    assert np.sqrt(tau2_with) - np.sqrt(tau2) < 0.03
