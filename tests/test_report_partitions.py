"""The scatter's voter partitions: a function of the voter string alone, whatever its Arrow layout."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from auditkit.report.context import _partition_of_each


def test_equal_voters_share_a_partition_across_chunks_types_and_slices() -> None:
    names = [f"arena_user_{i % 37}" for i in range(500)] + ["", "é", None, "x"]
    plain = _partition_of_each(pa.array(names), 7)
    large = _partition_of_each(pa.array(names, type=pa.large_string()), 7)
    chunked = _partition_of_each(
        pa.chunked_array([pa.array(names[:123]), pa.array(names[123:]).slice(0)]), 7
    )
    sliced = _partition_of_each(pa.array(["pad", *names]).slice(1), 7)
    assert plain.tolist() == large.tolist() == chunked.tolist() == sliced.tolist()
    by_name: dict[object, set[int]] = {}
    for name, part in zip(names, plain.tolist(), strict=True):
        by_name.setdefault(name, set()).add(part)
    assert all(len(parts) == 1 for parts in by_name.values())
    assert plain.min() >= 0 and plain.max() < 7


def test_distinct_voters_spread_over_the_partitions() -> None:
    names = [f"arena_user_{i}" for i in range(20_000)]
    counts = np.bincount(_partition_of_each(pa.array(names), 8), minlength=8)
    assert counts.min() > 0.5 * counts.mean()


def test_an_all_empty_or_missing_column_has_partitions() -> None:
    assert _partition_of_each(pa.array(["", None, ""]), 3).tolist() == [0, 0, 0]
