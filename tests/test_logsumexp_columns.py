"""``voter_tests.logsumexp_columns`` (the sequential test's mixture over its tilts) gives
``scipy.special.logsumexp(a, axis=0)`` float for float, infinities and NaN included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special

from auditkit.stats.voter_tests import logsumexp_columns

_VALUES = st.one_of(
    st.floats(-800.0, 800.0),
    st.sampled_from([0.0, 1.0, -1.0, 709.0, 710.0, -745.0, np.inf, -np.inf, np.nan]),
)


def _same(a: np.ndarray) -> None:
    expected = special.logsumexp(a, axis=0)
    got = logsumexp_columns(a)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)  # NaN where SciPy has NaN; bit-equal otherwise


@settings(max_examples=300, deadline=None)
@given(a=arrays(np.float64, st.tuples(st.integers(1, 26), st.integers(0, 12)), elements=_VALUES))
def test_every_column_equals_scipys(a: np.ndarray) -> None:
    _same(a)


def test_the_sequential_tests_shape_and_ties_at_the_largest_term() -> None:
    rng = np.random.default_rng(3)
    _same(rng.normal(0.0, 3.0, size=(24, 20_000)))  # 24 tilts, the votes of a block
    _same(np.round(rng.normal(0.0, 1.0, size=(24, 2_000)), 1))  # the largest repeated in a column
    _same(np.full((24, 4), 800.0))  # every term overflows exp
    columns = rng.normal(size=(24, 6))
    columns[:, 0], columns[:, 1], columns[0, 2] = -np.inf, np.inf, np.nan
    _same(columns)
