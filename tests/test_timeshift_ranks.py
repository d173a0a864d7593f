"""The time test's periods come from each vote's min-rank in time: the same as a sort and search."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.voters.timeshift import _min_ranks


def _searched(values: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.sort(values), values, side="left")


@pytest.mark.parametrize("seed", range(6))
def test_min_ranks_of_ordered_and_shuffled_times_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct times (many ties), including -0.0 beside 0.0, which compare equal.
    times = np.sort(rng.choice(np.array([-3.5, -0.0, 0.0, 1.0, 2.0, 1e9]), size=500))
    for values in (times, rng.permutation(times), times[::-1].copy()):
        got = _min_ranks(values)
        assert got.dtype == np.int64
        assert np.array_equal(got, _searched(values))


def test_min_ranks_of_tiny_inputs() -> None:
    for values in (np.zeros(0), np.array([5.0]), np.array([2.0, 2.0]), np.array([3.0, 1.0])):
        assert np.array_equal(_min_ranks(values), _searched(values))
