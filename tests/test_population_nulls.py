"""Per-voter tests against a population of honest people (auditkit.stats.population_nulls)."""

from __future__ import annotations

import numpy as np

from auditkit.stats import population_nulls as pn


def _beta_binomial_population(
    rng: np.random.Generator, n_voters: int, mean: float, rho: float
) -> tuple[np.ndarray, np.ndarray]:
    n = rng.integers(10, 400, n_voters).astype(float)
    scale = (1 - rho) / rho
    pi = rng.beta(mean * scale, (1 - mean) * scale, n_voters)
    return rng.binomial(n.astype(int), pi).astype(float), n


def test_overdispersion_is_recovered_from_a_beta_binomial_population() -> None:
    rng = np.random.default_rng(0)
    k, n = _beta_binomial_population(rng, 5000, 0.3, 0.08)
    rho = pn.binomial_overdispersion(k, n, np.full(k.size, 0.3))
    assert 0.065 <= rho <= 0.095


def test_a_few_extreme_voters_barely_widen_the_estimated_spread() -> None:
    rng = np.random.default_rng(1)
    k, n = _beta_binomial_population(rng, 3000, 0.5, 0.01)
    base = pn.binomial_overdispersion(k, n, np.full(k.size, 0.5))
    k_bots = np.r_[k, np.full(5, 800.0)]
    n_bots = np.r_[n, np.full(5, 800.0)]
    with_bots = pn.binomial_overdispersion(k_bots, n_bots, np.full(k_bots.size, 0.5))
    assert with_bots - base < 0.003  # five always-left clickers count five units among 3,005


def test_honest_tie_habits_pass_and_a_tie_spammer_does_not() -> None:
    rng = np.random.default_rng(2)
    k, n = _beta_binomial_population(rng, 4000, 0.29, 0.15)
    rho = pn.binomial_overdispersion(k, n, np.full(k.size, 0.29))
    p = pn.beta_binomial_two_sided(k, n, 0.29, rho)
    assert (p < 1e-4).sum() <= 2  # the binomial null would reject hundreds here
    binomial = pn.beta_binomial_two_sided(k, n, 0.29, 0.0)
    assert (binomial < 1e-4).sum() > 200
    spam = pn.beta_binomial_two_sided(np.array([390.0]), np.array([400.0]), 0.29, rho)
    assert spam[0] < 1e-5


def test_side_lean_within_tolerance_passes_and_left_clicking_fails() -> None:
    k = np.array([330.0, 600.0, 3.0])
    n = np.array([600.0, 600.0, 5.0])
    p = pn.beta_binomial_two_sided(k, n, 0.5, 0.004, tolerance=0.05)
    assert p[0] > 0.05  # 55 % left on 600 decisive votes: a habit within the tolerance
    assert p[1] < 1e-12  # always left
    assert p[2] == 1.0 or p[2] > 0.3


def test_taste_pull_saturates_with_votes_but_a_stuffer_pull_does_not_hide() -> None:
    # A mild taste (+0.03 score per vote) over ever more votes never becomes overwhelming...
    n = np.array([100.0, 1_000.0, 10_000.0])
    v = 0.2 * n
    z, p = pn.random_effect_pull_test(0.03 * n, v, n, 0.04**2)
    assert np.all(p > 0.01) and z[-1] < 1.0
    # ...while voting for one model every time (+0.45 per vote) is far outside honest taste.
    z2, p2 = pn.random_effect_pull_test(
        np.array([45.0]), np.array([20.0]), np.array([100.0]), 0.04**2
    )
    assert z2[0] > 7 and p2[0] < 1e-10


def test_sum_heterogeneity_recovers_the_between_voter_spread() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(20, 300, 4000).astype(float)
    mu = rng.normal(0.0, 0.05, n.size)
    var = 0.2 * n
    s = n * mu + rng.normal(0.0, np.sqrt(var))
    tau2 = pn.sum_heterogeneity(s, var, n)
    assert 0.04**2 <= tau2 <= 0.06**2


def test_score_heterogeneity_is_zero_for_consensus_voters_and_grows_with_taste() -> None:
    rng = np.random.default_rng(4)
    k, m = 6, 3000
    info = np.tile(np.eye(k) * 10.0, (m, 1, 1))
    noise = rng.normal(0.0, np.sqrt(10.0), (m, k))
    assert pn.score_heterogeneity(noise, info) < 0.01
    delta = rng.normal(0.0, 0.3, (m, k))
    tau2 = pn.score_heterogeneity(noise + 10.0 * delta, info)
    assert 0.07 <= tau2 <= 0.11


def test_target_test_ignores_concentration_without_a_pull() -> None:
    # A topic specialist: twice the model's share of battles, votes like everyone else.
    rng = np.random.default_rng(5)
    m, k = 2000, 4
    n = np.full(m, 200.0)
    share = np.full(k, 0.5)
    hits = rng.binomial(200, 0.5, (m, k)).astype(float)
    hits[0, 0] = 190.0
    var = 0.2 * hits
    pull = rng.normal(0.0, np.sqrt(var))
    pull[1, 2] = 0.45 * hits[1, 2]  # a stuffer on model 2
    p, best, z, _ = pn.target_population_test(hits, pull, var, n, share, pull_floor=0.04)
    assert p[0] > 0.01
    assert p[1] < 1e-8 and best[1] == 2 and z[1] > 5
