"""The new cohort's excess votes on one model (auditkit.stats.cohort_excess.excess_votes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import special

from auditkit.stats.cohort_excess import excess_votes

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
