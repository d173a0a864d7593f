"""One binomial test and one multiplicity adjustment (auditkit.stats.pvalues) serve every audit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from auditkit.stats import pvalues, sampling
from auditkit.stats import voter_tests as vt


def test_the_graph_and_voter_audits_share_one_implementation() -> None:
    assert sampling.binomial_two_sided is pvalues.binomial_two_sided
    assert vt.binomial_two_sided is pvalues.binomial_two_sided
    assert sampling.adjust_pvalues is pvalues.adjust_pvalues
    assert vt.benjamini_hochberg is pvalues.benjamini_hochberg


def test_binomial_at_one_half_is_scipys_exact_test() -> None:
    for k, n in [(0, 10), (3, 10), (5, 10), (9, 10), (40, 100), (61, 100), (1, 1)]:
        ours = pvalues.binomial_two_sided(np.array([k]), np.array([n]))[0]
        assert ours == pytest.approx(stats.binomtest(k, n, 0.5).pvalue, rel=1e-12)


def test_binomial_off_one_half_doubles_the_smaller_tail() -> None:
    k, n, p = np.array([2.0, 30.0, 12.0]), np.array([20.0, 40.0, 40.0]), np.array([0.3, 0.3, 0.3])
    lower = stats.binom.cdf(k, n, p)
    upper = stats.binom.sf(k - 1, n, p)
    expected = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    np.testing.assert_allclose(pvalues.binomial_two_sided(k, n, p), expected, rtol=1e-14)
    # a scalar rate broadcasts; no trials is no evidence
    assert pvalues.binomial_two_sided(np.array([0.0]), np.array([0.0]), 0.3)[0] == 1.0
    # a degenerate rate of 1 still leaves a contrary count a tiny, not zero, p-value
    assert 0.0 < pvalues.binomial_two_sided(np.array([9.0]), np.array([10.0]), 1.0)[0] < 1e-9


def test_adjustments_are_statsmodels_multipletests() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(40) ** 3
    np.testing.assert_array_equal(
        pvalues.adjust_pvalues(p, "bh"), multipletests(p, method="fdr_bh")[1]
    )
    # Bonferroni is exactly min(1, m p), as it was written by hand before.
    np.testing.assert_array_equal(pvalues.adjust_pvalues(p, "bonferroni"), np.minimum(1.0, p * 40))
    assert pvalues.adjust_pvalues(np.zeros(0), "bh").shape == (0,)
    with pytest.raises(ValueError, match="unknown p-value adjustment 'holm'"):
        pvalues.adjust_pvalues(p, "holm")


def test_benjamini_hochberg_rejects_where_q_is_at_most_the_rate() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    reject, q = pvalues.benjamini_hochberg(p, 0.05)
    # Benjamini & Hochberg (1995): the largest i with p_(i) <= i/m * 0.05 is i = 2.
    assert reject.tolist() == [True, True] + [False] * 8
    np.testing.assert_array_equal(reject, q <= 0.05)
    reject, q = pvalues.benjamini_hochberg(np.array([-0.1, 1.5]), 0.05)  # clipped to [0, 1]
    assert q.tolist() == [0.0, 1.0]
    reject, q = pvalues.benjamini_hochberg(np.zeros(0), 0.05)
    assert reject.shape == q.shape == (0,)
