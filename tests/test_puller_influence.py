"""The puller statistics (auditkit.stats.puller_influence): pulls, the tail test and its null."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from auditkit.stats.bradley_terry import fit_bt_pairs
from auditkit.stats.puller_influence import (
    normal_tail_square,
    puller_test,
    top_pulls,
    voter_model_pulls,
)
from auditkit.stats.voter_tests import benjamini_hochberg


def _votes(rng: np.random.Generator, n: int, k: int, n_voters: int):
    theta = np.linspace(-1.0, 1.0, k)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    score = (rng.random(n) < special.expit(theta[a] - theta[b])).astype(np.float64)
    voter = rng.integers(0, n_voters, n)
    return voter.astype(np.int64), a.astype(np.int64), b.astype(np.int64), score


def test_pulls_are_each_voters_score_and_sum_to_zero_at_the_fit() -> None:
    rng = np.random.default_rng(3)
    voter, a, b, score = _votes(rng, 4000, 5, 40)
    theta = fit_bt_pairs(a, b, score, np.ones(a.size), 5)
    pair_voter, pair_model, g, var, info = voter_model_pulls(voter, a, b, score, theta, 5)
    # The score equations: at the MLE every model's pulls add up to zero.
    assert np.allclose(np.bincount(pair_model, weights=g, minlength=5), 0.0, atol=1e-6)
    # One pair by hand: voter 7's pull on model 2.
    p = special.expit(theta[a] - theta[b])
    mine = voter == 7
    expected = np.sum(np.where(a[mine] == 2, score[mine] - p[mine], 0.0)) - np.sum(
        np.where(b[mine] == 2, score[mine] - p[mine], 0.0)
    )
    at = np.flatnonzero((pair_voter == 7) & (pair_model == 2))
    assert g[at[0]] == pytest.approx(expected)
    involved = mine & ((a == 2) | (b == 2))
    assert var[at[0]] == pytest.approx(np.sum(p[involved] * (1 - p[involved])))
    assert info.sum() == pytest.approx(2.0 * np.sum(p * (1 - p)))


def test_pulls_keep_only_pairs_with_enough_variance_and_match_one_pass_over_all_votes() -> None:
    """The per-model computation returns exactly (bit for bit) what one sort over every
    (model, voter) key gives, in model-then-voter order; ``min_variance`` only drops pairs."""
    rng = np.random.default_rng(11)
    voter, a, b, score = _votes(rng, 20_000, 7, 300)
    score[rng.random(score.size) < 0.1] = 0.5
    theta = rng.normal(size=7)
    pair_voter, pair_model, g, var, info = voter_model_pulls(
        voter.astype(np.int32), a, b, score, theta, 7
    )
    p = special.expit(theta[a] - theta[b])
    key = np.concatenate([a * 300 + voter, b * 300 + voter])
    uniq, inverse = np.unique(key, return_inverse=True)
    resid = np.concatenate([score - p, -(score - p)])
    spread = np.concatenate([p * (1 - p), p * (1 - p)])
    assert np.array_equal(pair_model * 300 + pair_voter, uniq)
    assert np.array_equal(g, np.bincount(inverse, weights=resid))
    assert np.array_equal(var, np.bincount(inverse, weights=spread))
    kept = voter_model_pulls(voter, a, b, score, theta, 7, min_variance=2.0)
    heavy = var >= 2.0
    assert 0 < heavy.sum() < heavy.size
    for got, full in zip(kept[:4], (pair_voter, pair_model, g, var), strict=True):
        assert np.array_equal(got, full[heavy])
    assert np.array_equal(kept[4], info)


def _pulls(rng: np.random.Generator, k: int, per_model: int, tau: float):
    """Standardised-like pulls (variance one each) drawn symmetric with spread ``tau``."""
    model = np.repeat(np.arange(k), per_model)
    g = rng.standard_t(6, model.size) * tau
    var = np.ones(model.size) * 4.0
    return model.astype(np.int64), g * 2.0, var  # z = g / sqrt(4) = t * tau


def test_symmetric_pulls_flag_no_model() -> None:
    """The null: symmetric heavy-tailed (Student t, 6 dof) pulls on every model give p-values
    about uniform, and Benjamini-Hochberg at 0.01 across the twelve models rejects none."""
    p_values = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        model, g, var = _pulls(rng, 12, 150, 1.3)
        result = puller_test(model, g, var, np.ones(12), 12)
        assert not benjamini_hochberg(result.p_value, 0.01)[0].any()
        p_values.extend(result.p_value.tolist())
    assert np.mean(np.asarray(p_values) < 0.05) < 0.08


def test_a_crowd_pulling_for_one_model_is_found_and_a_few_fans_are_not() -> None:
    rng = np.random.default_rng(11)
    model, g, var = _pulls(rng, 12, 150, 1.2)
    crowd = np.flatnonzero(model == 4)[:15]
    g_crowd = g.copy()
    g_crowd[crowd] = 2.0 * rng.uniform(3.0, 4.5, crowd.size)  # z of 3 to 4.5, all for model 4
    result = puller_test(model, g_crowd, var, np.ones(12), 12)
    assert result.p_value[4] < 1e-6
    assert result.z[4] > 0
    assert result.k_pullers[4] >= 12
    others = np.delete(result.p_value, 4)
    assert others.min() > 0.01
    # Four equally strong fans are set aside with the five largest pulls (puller_fans): not judged.
    g_fans = g.copy()
    g_fans[crowd[:4]] = 2.0 * 4.0
    assert puller_test(model, g_fans, var, np.ones(12), 12).p_value[4] > 0.05


def test_a_crowd_pulling_against_a_model_is_found_with_its_sign() -> None:
    rng = np.random.default_rng(5)
    model, g, var = _pulls(rng, 12, 150, 1.2)
    crowd = np.flatnonzero(model == 9)[:20]
    g[crowd] = -2.0 * rng.uniform(3.0, 4.0, crowd.size)
    result = puller_test(model, g, var, np.ones(12), 12)
    assert result.p_value[9] < 1e-6
    assert result.z[9] < 0


def test_models_with_too_few_counted_voters_are_not_tested() -> None:
    rng = np.random.default_rng(2)
    model, g, var = _pulls(rng, 6, 150, 1.0)
    var[model == 2] = 0.5  # under min_variance: nobody counted on model 2
    result = puller_test(model, g, var, np.ones(6), 6)
    assert result.p_value[2] == 1.0
    assert result.n_regular[2] == 0
    assert np.isnan(result.cut[2])


def test_normal_tail_square_is_the_tail_expectation() -> None:
    z = np.random.default_rng(0).normal(0.0, 1.3, 2_000_000)
    for cut in (1.5, 2.5):
        empirical = float(np.mean(np.maximum(np.abs(z) - cut, 0.0) ** 2))
        assert normal_tail_square(1.3, cut) == pytest.approx(empirical, rel=0.02)


def test_top_pulls_sums_the_largest_on_each_side() -> None:
    pulls = np.array([5.0, -1.0, 3.0, -4.0, 0.5, -0.2])
    assert top_pulls(pulls, 2) == (8.0, 5.0)


def test_capped_normal_tail_square_is_the_capped_expectation() -> None:
    z = np.random.default_rng(1).normal(0.0, 1.2, 2_000_000)
    empirical = float(np.mean(np.clip(np.abs(z) - 1.5, 0.0, 1.0) ** 2))
    assert normal_tail_square(1.2, 1.5, 1.0) == pytest.approx(empirical, rel=0.02)


@pytest.mark.parametrize("n_codes", [1, 9, 50, 5000])
def test_distinct_codes_are_numpy_unique_with_inverse_call_after_call(n_codes: int) -> None:
    from auditkit.stats.puller_influence import _DistinctCodes

    rng = np.random.default_rng(n_codes)
    distinct = _DistinctCodes(n_codes)
    # Several calls on one table (it must be clean again after each), dense and sparse sizes.
    for size in (0, 1, 3, n_codes // 2, 4 * n_codes, 60):
        codes = rng.integers(0, n_codes, size).astype(np.int32)
        who, inverse = distinct.unique(codes)
        expect_who, expect_inverse = np.unique(codes, return_inverse=True)
        assert who.dtype == codes.dtype
        assert np.array_equal(who, expect_who)
        assert np.array_equal(inverse, expect_inverse.reshape(-1))
        assert np.array_equal(who[inverse], codes)
