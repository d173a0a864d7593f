"""Pure sampling statistics: golden values from closed forms and independent implementations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from auditkit.stats.sampling import (
    adjust_pvalues,
    best_of_n_bias,
    binomial_two_sided,
    drift_chi_square,
    epoch_moments,
    fiedler_value,
    next_pair_priorities,
    pair_probabilities,
    quadratic_form_test,
    z_test_counts,
)


def test_best_of_n_bias_matches_expected_maximum_of_normals() -> None:
    # E[max of 2 iid N(0,1)] = 1/sqrt(pi); E[max of 5] = 1.16296 (order-statistic tables)
    assert best_of_n_bias(np.array([1.0, 1.0])) == pytest.approx(1 / math.sqrt(math.pi), abs=1e-4)
    assert best_of_n_bias(np.full(5, 1.0)) == pytest.approx(1.16296, abs=1e-4)
    assert best_of_n_bias(np.full(5, 10.0)) == pytest.approx(11.6296, abs=1e-3)
    assert best_of_n_bias(np.array([7.0])) == 0.0


def test_best_of_n_bias_unequal_ses_matches_monte_carlo() -> None:
    ses = np.array([5.0, 10.0, 20.0])
    rng = np.random.default_rng(0)
    simulated = (rng.normal(size=(400_000, 3)) * ses).max(axis=1).mean()
    assert best_of_n_bias(ses) == pytest.approx(simulated, abs=0.1)


def test_binomial_two_sided_matches_scipy_binomtest_at_half() -> None:
    for k, n in [(60, 100), (50, 100), (3, 40), (0, 10), (10, 10)]:
        expected = stats.binomtest(k, n, 0.5).pvalue
        assert binomial_two_sided(np.array([k]), np.array([n]))[0] == pytest.approx(expected)
    assert binomial_two_sided(np.array([0]), np.array([0]))[0] == 1.0


def test_adjust_pvalues_matches_statsmodels() -> None:
    p = np.array([0.001, 0.02, 0.03, 0.04, 0.5, 0.0001])
    assert adjust_pvalues(p, "bh") == pytest.approx(multipletests(p, method="fdr_bh")[1])
    assert adjust_pvalues(p, "bonferroni") == pytest.approx(multipletests(p, method="bonf")[1])
    with pytest.raises(ValueError, match="unknown"):
        adjust_pvalues(p, "holm-ish")


def test_fiedler_value_of_known_graphs() -> None:
    path = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)  # eigenvalues 0, 1, 3
    assert fiedler_value(path) == pytest.approx(1.0)
    complete = np.ones((5, 5)) - np.eye(5)  # K_5: eigenvalues 0, 5, 5, 5, 5
    assert fiedler_value(complete) == pytest.approx(5.0)
    assert fiedler_value(complete, normalized=True) == pytest.approx(5 / 4)
    split = np.zeros((4, 4))
    split[0, 1] = split[1, 0] = split[2, 3] = split[3, 2] = 10.0
    assert fiedler_value(split) == pytest.approx(0.0)


def test_pair_probabilities_and_uniform_epoch_moments() -> None:
    q = pair_probabilities(np.array([1.0, 1.0, 2.0]))
    # pairs (0,1):1, (0,2):2, (1,2):2 → 1/5, 2/5, 2/5
    assert q[0, 1] == pytest.approx(0.2) and q[1, 2] == pytest.approx(0.4)
    mean, cov, pairs = epoch_moments(np.ones((1, 4), dtype=bool), np.array([600.0]), np.ones(4))
    assert mean == pytest.approx([300.0] * 4)  # each battle shows 2 of 4 models
    assert cov[0, 0] == pytest.approx(600 * 0.5 * 0.5)
    assert pairs[0, 1] == pytest.approx(100.0) and pairs[0, 0] == 0.0
    # a model inactive in an epoch gets nothing from it
    mean2, _, _ = epoch_moments(
        np.array([[True, True, False], [True, True, True]]), np.array([10.0, 30.0]), np.ones(3)
    )
    assert mean2 == pytest.approx([10 + 20, 10 + 20, 20])


def test_quadratic_form_equals_scaled_pearson_for_uniform_pairs() -> None:
    k, n = 6, 3000
    observed = np.array([1050, 980, 1000, 1010, 990, 970], dtype=float)
    mean, cov, _ = epoch_moments(np.ones((1, k), dtype=bool), np.array([float(n)]), np.ones(k))
    stat, dof, p = quadratic_form_test(observed, mean, cov)
    pearson = float(np.sum((observed - mean) ** 2 / mean))
    assert dof == k - 1
    assert stat == pytest.approx(pearson * (k - 1) / (k - 2))
    assert p == pytest.approx(stats.chi2.sf(stat, k - 1))


def test_z_test_counts_and_drift() -> None:
    z, p = z_test_counts(np.array([120.0, 100.0]), np.array([100.0, 100.0]), np.array([100.0, 0]))
    assert z[0] == pytest.approx(2.0) and p[0] == pytest.approx(2 * stats.norm.sf(2.0))
    assert z[1] == 0.0 and p[1] == 1.0
    assert drift_chi_square(np.array([10, 20, 30.0]), np.array([1, 2, 3.0]))[0] == 0.0
    stat, dof, _ = drift_chi_square(np.array([30, 0, 5.0]), np.array([10, 0, 10.0]))
    assert dof == 1  # the inactive window (expected 0) is dropped
    assert stat == pytest.approx((30 - 17.5) ** 2 / 17.5 + (5 - 17.5) ** 2 / 17.5)


def test_next_pair_priorities_follow_the_active_sampling_rule() -> None:
    prob = next_pair_priorities(np.array([100.0, 400.0]), np.array([0.25, 0.25]))
    gain = [math.sqrt(0.25 / n) - math.sqrt(0.25 / (n + 1)) for n in (100, 400)]
    assert prob == pytest.approx(np.array(gain) / sum(gain))
    assert prob[0] > prob[1]  # the less-sampled pair shrinks faster
    unseen = next_pair_priorities(np.array([0.0, 5.0]), np.array([0.25, 0.25]))
    assert unseen.tolist() == [1.0, 0.0]
