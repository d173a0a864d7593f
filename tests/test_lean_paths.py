"""The lean paths of the 10M audit give exactly what the plain ones give.

Each faster or leaner path (member ranges by one count, recruit windows against their merged
union, findings' rows built column-wise, Parquet strings cast from Arrow buffers) is checked
against the straightforward computation it replaces, on random inputs including edge cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from auditkit.detectors.voters import _records
from auditkit.io.parquet_writer import _strings
from auditkit.voters.groups import _overlaps_any, _owned_ranges


@pytest.mark.parametrize("n_asked", [3, 50, 2_000])
def test_owned_ranges_equal_two_searches(n_asked: int) -> None:
    rng = np.random.default_rng(n_asked)
    n_voters = 1_000
    sorted_voters = np.sort(rng.integers(0, n_voters, size=4_000))
    who = np.unique(rng.integers(0, n_voters, size=n_asked))
    lo, hits = _owned_ranges(sorted_voters, who, n_voters)
    expected_lo = np.searchsorted(sorted_voters, who, side="left")
    expected_hi = np.searchsorted(sorted_voters, who, side="right")
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(hits, expected_hi - expected_lo)


def test_owned_ranges_of_voters_without_entries_are_empty() -> None:
    lo, hits = _owned_ranges(np.array([1, 1, 4]), np.array([0, 2, 3, 5]), 6)
    np.testing.assert_array_equal(hits, [0, 0, 0, 0])
    np.testing.assert_array_equal(lo, [0, 2, 2, 3])


@pytest.mark.parametrize("seed", range(5))
def test_overlaps_any_equals_every_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0, 1_000, size=30)
    lo, hi = starts, starts + rng.exponential(20, size=30)
    first = rng.uniform(-100, 1_100, size=3_000)
    last = first + rng.exponential(5, size=3_000)
    # windows touching a member's window exactly at an end count as overlapping (closed)
    first[:30], last[:30] = hi, hi + 1.0
    first[30:60], last[30:60] = lo - 1.0, lo
    brute = ((lo[None, :] <= last[:, None]) & (hi[None, :] >= first[:, None])).any(axis=1)
    np.testing.assert_array_equal(_overlaps_any(lo, hi, first, last), brute)


def test_records_equal_pandas_records() -> None:
    frame = pd.DataFrame(
        {
            "voter": ["a", "b", "c"],
            "n_votes": np.array([4, 5, 6]),
            "p_value": [0.1, np.nan, 1e-12],
            "flagged": [True, False, True],
            "group_id": np.array(["", "g1", np.float64(2.5)], dtype=object),
            "best_test": pd.Series(["x", None, "z"], dtype="string"),
        }
    )
    ours, theirs = _records(frame), frame.to_dict(orient="records")
    assert [list(r) for r in ours] == [list(r) for r in theirs]
    for row, expected in zip(ours, theirs, strict=True):
        for name, value in expected.items():
            ours_value = row[str(name)]
            assert type(ours_value) is type(value), name
            assert ours_value == value or (pd.isna(ours_value) and pd.isna(value)), name


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]", "object"])
def test_parquet_strings_equal_the_object_path(dtype: str) -> None:
    series = pd.Series(["a", None, "é€😀", "", "x" * 300], dtype=dtype).iloc[1:]
    expected = pa.array(series.astype(object).where(series.notna(), None), type=pa.string())
    got = _strings(series)
    assert got.type == pa.string()
    assert got.equals(expected)
