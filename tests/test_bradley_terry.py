"""Specification of the pure Bradley-Terry fit on aggregated pairs (auditkit.stats.bradley_terry)."""

from __future__ import annotations

import choix
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.stats.bradley_terry import (
    bt_log_likelihood,
    fit_bt_pairs,
    fit_davidson_pairs,
    pair_components,
)

# A 10-model chain plus two chords: every model is connected, nobody wins or loses everything.
A = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 2])
B = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 5])
TOTALS = np.full(11, 10.0)
WINS = np.array([6, 5, 7, 3, 4, 5, 6, 2, 7, 4, 5.0])


def _as_choix_rows(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, t: np.ndarray
) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    for i in range(len(a)):
        rows += [(int(a[i]), int(b[i]))] * int(w[i]) + [(int(b[i]), int(a[i]))] * int(t[i] - w[i])
    return rows


def test_matches_choix_maximum_likelihood_to_machine_precision() -> None:
    theta = fit_bt_pairs(A, B, WINS, TOTALS, 10)
    reference = choix.opt_pairwise(10, _as_choix_rows(A, B, WINS, TOTALS), alpha=0.0, tol=1e-12)
    np.testing.assert_allclose(theta, reference - reference.mean(), atol=1e-7)
    assert abs(theta.mean()) < 1e-12


def test_two_models_closed_form() -> None:
    # 7 of 10 wins: theta_0 - theta_1 = logit(0.7), centred.
    theta = fit_bt_pairs(np.array([0]), np.array([1]), np.array([7.0]), np.array([10.0]), 2)
    gap = np.log(0.7 / 0.3)
    np.testing.assert_allclose(theta, [gap / 2, -gap / 2], atol=1e-10)


def test_l2_matches_sklearn_parameterisation() -> None:
    # Ridge optimum satisfies grad ll = l2 * theta exactly (stationarity) and is mean zero.
    l2 = 0.3
    theta = fit_bt_pairs(A, B, WINS, TOTALS, 10, l2=l2)
    eps = 1e-6
    for k in range(10):
        e = np.zeros(10)
        e[k] = eps
        up = bt_log_likelihood(theta + e, A, B, WINS, TOTALS, l2)
        down = bt_log_likelihood(theta - e, A, B, WINS, TOTALS, l2)
        assert abs((up - down) / (2 * eps)) < 1e-5
    assert abs(theta.mean()) < 1e-12


def test_pairs_may_repeat_and_flip_order() -> None:
    base = fit_bt_pairs(A, B, WINS, TOTALS, 10)
    split = fit_bt_pairs(
        np.concatenate([A, B]),
        np.concatenate([B, A]),
        np.concatenate([WINS / 2, (TOTALS - WINS) / 2]),
        np.concatenate([TOTALS / 2, TOTALS / 2]),
        10,
    )
    np.testing.assert_allclose(base, split, atol=1e-9)


def test_disconnected_components_are_centred_separately() -> None:
    a = np.array([0, 2])
    b = np.array([1, 3])
    theta = fit_bt_pairs(a, b, np.array([3.0, 1.0]), np.array([4.0, 4.0]), 5)
    assert list(pair_components(a, b, 5)) == [0, 0, 1, 1, 2]
    np.testing.assert_allclose([theta[0] + theta[1], theta[2] + theta[3], theta[4]], 0, atol=1e-12)
    np.testing.assert_allclose(theta[0] - theta[1], np.log(3.0), atol=1e-9)


def test_only_wins_returns_finite_but_huge_value() -> None:
    # Model 2 beats everyone: no finite MLE; the fit must terminate with a finite, extreme number.
    a = np.array([0, 2, 2])
    b = np.array([1, 0, 1])
    theta = fit_bt_pairs(a, b, np.array([5.0, 4.0, 4.0]), np.array([10.0, 4.0, 4.0]), 3)
    assert np.all(np.isfinite(theta))
    assert theta[2] - max(theta[0], theta[1]) > 10


def test_davidson_without_ties_equals_bradley_terry_up_to_scale() -> None:
    # With no ties nu -> 0 and Davidson's P(win) = sigmoid(theta_i - theta_j): same fit as BT.
    theta, nu = fit_davidson_pairs(A, B, WINS, np.zeros(11), TOTALS - WINS, 10, tol=1e-10)
    np.testing.assert_allclose(theta, fit_bt_pairs(A, B, WINS, TOTALS, 10), atol=1e-3)
    assert nu < 1e-3


def test_davidson_recovers_tie_rate() -> None:
    # Two equal models, 20 ties out of 100: nu = P(tie) / P(win) = 0.2 / 0.4.
    theta, nu = fit_davidson_pairs(
        np.array([0]), np.array([1]), np.array([40.0]), np.array([20.0]), np.array([40.0]), 2
    )
    np.testing.assert_allclose(theta, [0, 0], atol=1e-6)
    assert nu == pytest.approx(0.5, rel=1e-5)


pair_counts = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 6), st.integers(0, 6)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(pair_counts)
def test_property_swapping_sides_and_outcomes_leaves_strengths_unchanged(
    rows: list[tuple[int, int, int, int]],
) -> None:
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    wins = np.array([r[2] for r in rows], dtype=float)
    totals = wins + np.array([r[3] for r in rows], dtype=float)
    # Ridge keeps the optimum finite and unique for any data hypothesis draws.
    theta = fit_bt_pairs(a, b, wins, totals, 6, l2=0.1)
    swapped = fit_bt_pairs(b, a, totals - wins, totals, 6, l2=0.1)
    np.testing.assert_allclose(theta, swapped, atol=1e-7)
    doubled = fit_bt_pairs(a, b, 2 * wins, 2 * totals, 6, l2=0.2)
    np.testing.assert_allclose(theta, doubled, atol=1e-7)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="same shape"):
        fit_bt_pairs(np.array([0]), np.array([1, 0]), np.array([1.0]), np.array([1.0]), 2)
    with pytest.raises(ValueError, match="n_models"):
        fit_bt_pairs(np.array([0]), np.array([2]), np.array([1.0]), np.array([1.0]), 2)
    with pytest.raises(ValueError, match="wins_a"):
        fit_bt_pairs(np.array([0]), np.array([1]), np.array([3.0]), np.array([1.0]), 2)
