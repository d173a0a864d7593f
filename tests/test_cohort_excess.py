"""The new cohort's excess votes on one model (auditkit.stats.cohort_excess.excess_votes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from auditkit.stats.cohort_excess import (
    all_win_floor,
    cohort_count_test,
    combine_traces,
    excess_votes,
    floored_excess,
)

K = 10
THETA = np.linspace(-1.0, 1.0, K)


def _honest(
    rng: np.random.Generator, n: int, taste: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniform pairs, Bradley-Terry outcomes with a tie band of 0.16 around p (ties half)."""
    a = rng.integers(0, K, n)
    b = (a + rng.integers(1, K, n)) % K
    offset = np.zeros(K) if taste is None else taste
    p = special.expit(THETA[a] + offset[a] - THETA[b] - offset[b])
    u = rng.random(n)
    score = np.where(u < p - 0.08, 1.0, np.where(u < p + 0.08, 0.5, 0.0))
    return a.astype(np.int64), b.astype(np.int64), score


def _swarm(
    rng: np.random.Generator, n: int, model: int, lift: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    other = (model + rng.integers(1, K, n)) % K
    side = rng.random(n) < 0.5
    a = np.where(side, model, other).astype(np.int64)
    b = np.where(side, other, model).astype(np.int64)
    wins_a = side == lift
    return a, b, np.where(wins_a, 1.0, 0.0)


def _estimate(new: tuple[np.ndarray, ...], model: int, lift: bool, rng: np.random.Generator) -> Any:
    est_a, est_b, _ = _honest(rng, 60_000)
    reference = np.ones(K, dtype=bool)
    reference[model] = False
    a, b, score = new
    return excess_votes(a, b, score, THETA, model, reference, est_a, est_b, lift=lift)


@pytest.mark.parametrize("lift", [True, False])
def test_a_planted_swarm_is_estimated_within_its_standard_error(lift: bool) -> None:
    rng = np.random.default_rng(3)
    honest = _honest(rng, 40_000)
    swarm = _swarm(rng, 1_000, 4, lift)
    new = tuple(np.concatenate([h, s]) for h, s in zip(honest, swarm, strict=True))
    est = _estimate(new, 4, lift, rng)
    assert abs(est.votes - 1_000) <= 3 * est.se
    assert est.se < 150
    # Both traces see it: the model's outcomes and its share of the cohort's battles.
    assert est.by_outcome > 500 and est.by_count > 500


def test_an_honest_cohort_has_no_excess_beyond_its_error() -> None:
    rng = np.random.default_rng(4)
    new = _honest(rng, 40_000)
    est = _estimate(new, 4, True, rng)
    assert 0.0 <= est.votes <= 3 * est.se


def test_honest_newcomers_taste_widens_the_outcome_estimate_and_is_shrunk() -> None:
    rng = np.random.default_rng(5)
    taste = rng.normal(0.0, 0.15, K)
    taste[4] = 0.15  # the cohort honestly likes model 4 a little
    new = _honest(rng, 40_000, taste)
    est = _estimate(new, 4, True, rng)
    assert est.taste_sd > 0.01
    # The honest liking alone is not read as a swarm of hundreds: the count trace says no.
    assert est.votes <= 3 * est.se
    assert est.by_outcome_se > est.by_count_se


def _accounts(rng: np.random.Generator, n_votes: int, first: int) -> np.ndarray:
    """Account codes from ``first`` on, one to four votes each, ``n_votes`` in all."""
    sizes = rng.integers(1, 5, n_votes)
    owner = np.repeat(np.arange(sizes.size), sizes)[:n_votes]
    return (first + owner).astype(np.int64)


def _floor(lift: bool, swarm_votes: int, seed: int = 5) -> Any:
    rng = np.random.default_rng(seed)
    honest = _honest(rng, 40_000)
    est_a, est_b, est_score = _honest(rng, 60_000)
    accounts = _accounts(rng, 40_000, 0)
    parts = [honest]
    if swarm_votes:
        parts.append(_swarm(rng, swarm_votes, 4, lift))
        accounts = np.concatenate([accounts, _accounts(rng, swarm_votes, int(accounts.max()) + 1)])
    a, b, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    reference = np.ones(K, dtype=bool)
    reference[4] = False
    return all_win_floor(accounts, a, b, score, 4, reference, est_a, est_b, est_score, lift=lift)


@pytest.mark.parametrize("lift", [True, False])
def test_a_multi_vote_swarm_leaves_a_floor_just_under_its_size(lift: bool) -> None:
    floor = _floor(lift, 1_000)
    # One vote in ten of a 1-4-vote swarm sits in one-vote accounts, which the floor cannot see.
    assert 0.75 * 1_000 <= floor.votes <= 1_000 + 3 * np.sqrt(floor.expected + 1)
    assert floor.observed >= floor.votes


def test_honest_newcomers_leave_no_floor_beyond_chance() -> None:
    floor = _floor(True, 0)
    # Honest accounts that happen to be all wins of one model are expected and subtracted.
    assert floor.observed > 0
    assert floor.votes <= 3 * np.sqrt(floor.expected) + 5


def test_the_floor_raises_an_estimate_below_it_and_carries_the_estimate_s_spread() -> None:
    # Far above the floor: the estimate. At the floor: above it by the normal's tail mean
    # (0.798 se for a half-normal). Far below it: just above the floor.
    assert floored_excess(1_500.0, 100.0, 800.0) == pytest.approx(1_500.0, abs=1e-6)
    assert floored_excess(1_000.0, 100.0, 1_000.0) == pytest.approx(1_079.79, abs=0.01)
    assert 1_300.0 < floored_excess(900.0, 100.0, 1_300.0) < 1_330.0
    assert floored_excess(900.0, 100.0, 0.0) == 900.0


def test_the_count_trace_is_calibrated_without_a_swarm_and_sees_one() -> None:
    rng = np.random.default_rng(11)
    new_a, new_b, _ = _honest(rng, 40_000)
    est_a, est_b, _ = _honest(rng, 40_000)
    z, phi = cohort_count_test(new_a, new_b, est_a, est_b, K)
    # Both noises (the cohort's count and the share it is set against) are in the z's spread.
    assert np.all(np.abs(z) < 3.5) and phi < 2.0
    swarm_a, swarm_b, _ = _swarm(rng, 1_000, 4, True)
    z, _ = cohort_count_test(np.r_[new_a, swarm_a], np.r_[new_b, swarm_b], est_a, est_b, K)
    # With ten models the swarm's opponents lose share too, which widens the empirical null;
    # the swarmed model still stands out, far beyond every other.
    assert z[4] > 3.0 and z[4] > 2.0 * np.max(np.abs(np.delete(z, 4)))


def test_combining_the_traces_keeps_the_null_standard_normal() -> None:
    rng = np.random.default_rng(2)
    z_outcome, z_count = rng.standard_normal(20_000), rng.standard_normal(20_000)
    z, p = combine_traces(z_outcome, z_count)
    assert abs(float(np.std(z)) - 1.0) < 0.02
    assert stats.kstest(p, "uniform").pvalue > 0.01
    # A lift (outcome up, count up) and a sink (outcome down, count up) both add up.
    z, _ = combine_traces(np.array([3.0, -3.0]), np.array([3.0, 3.0]))
    assert z[0] == pytest.approx(3.0 * np.sqrt(2.0)) and z[1] == pytest.approx(-3.0 * np.sqrt(2.0))
