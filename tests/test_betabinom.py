"""The vectorised beta-binomial CDF/SF equals scipy's, bit for bit, on every kind of argument."""

from __future__ import annotations

import numpy as np
from scipy import stats

from auditkit.stats.betabinom import betabinom_cdf, betabinom_sf


def _arguments(seed: int, size: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 300, size).astype(np.int64)
    n[:20] = 0
    n[20:40] = rng.integers(1000, 2000, 20)  # long sums (pairwise summation in blocks)
    k = np.floor(rng.random(size) * (n + 4)) - 2  # below, inside and above the support
    p = rng.uniform(0.01, 0.99, size)
    scale = rng.choice([0.5, 3.0, 19.0, 400.0], size)
    return k, n, p * scale, (1.0 - p) * scale


def test_cdf_and_sf_are_scipys_to_the_last_bit() -> None:
    k, n, a, b = _arguments(1, 4000)
    assert np.array_equal(betabinom_cdf(k, n, a, b), stats.betabinom.cdf(k, n, a, b))
    assert np.array_equal(betabinom_sf(k - 1, n, a, b), stats.betabinom.sf(k - 1, n, a, b))


def test_one_population_rate_for_every_voter_gives_the_same_values() -> None:
    # Shared (a, b): repeated (k, n) pairs are computed once and spread back.
    rng = np.random.default_rng(2)
    n = rng.integers(0, 60, 5000)
    k = rng.binomial(n, 0.5).astype(np.float64)
    assert np.array_equal(betabinom_cdf(k, n, 3.5, 3.5), stats.betabinom.cdf(k, n, 3.5, 3.5))
    assert np.array_equal(betabinom_sf(k - 1, n, 2.0, 7.0), stats.betabinom.sf(k - 1, n, 2.0, 7.0))


def test_invalid_shapes_and_missing_counts_are_nan_as_in_scipy() -> None:
    k = np.array([1.0, 2.0, np.nan, 3.0, -1.0, 5.0])
    n = np.array([-1.0, 2.5, 3.0, 4.0, 4.0, 4.0])
    a = np.array([1.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    b = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    for ours, theirs in (
        (betabinom_cdf(k, n, a, b), stats.betabinom.cdf(k, n, a, b)),
        (betabinom_sf(k, n, a, b), stats.betabinom.sf(k, n, a, b)),
    ):
        np.testing.assert_array_equal(ours, theirs)  # NaN where scipy says NaN


def test_the_two_tails_meet_at_every_count() -> None:
    # cdf(k) + sf(k) = 1 everywhere in the support: no count is dropped or summed twice.
    n = np.full(41, 40)
    k = np.arange(41, dtype=np.float64)
    total = betabinom_cdf(k, n, 2.5, 4.0) + betabinom_sf(k, n, 2.5, 4.0)
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
