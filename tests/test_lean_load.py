"""The lean paths of the load give exactly what the plain computations give.

The vote-id index merges its sorted runs by placing the newer run into the older one (not by
sorting the two joined) and sets its bitmap's bits by vectorised rounds (not ``bitwise_or.at``);
each is checked against the computation it replaces, on random inputs with repeated hashes.
"""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.io.ids import VoteIdIndex, _Run


def _run(rng: np.random.Generator, n: int, distinct: int) -> _Run:
    # few distinct first hashes: many ties, within a run and across the two runs
    first = rng.integers(-distinct, distinct, size=n, dtype=np.int64)
    second = rng.integers(-(2**62), 2**62, size=n, dtype=np.int64)
    line = rng.integers(1, 10**9, size=n, dtype=np.int64)
    return _Run(first, second, line)


@pytest.mark.parametrize(
    ("m", "k", "distinct"), [(0, 5, 3), (5, 0, 3), (1_000, 700, 50), (3_000, 3_000, 2**40)]
)
def test_merged_runs_equal_the_stable_sort_of_the_joined_runs(
    m: int, k: int, distinct: int
) -> None:
    rng = np.random.default_rng(m + k)
    older, newer = _run(rng, m, distinct), _run(rng, k, distinct)
    joined = {
        name: np.concatenate([getattr(older, name), getattr(newer, name)])
        for name in ("first", "second", "line")
    }
    expected = _Run(joined["first"], joined["second"], joined["line"])
    merged = _Run.merged(older, newer)
    for name in ("first", "second", "line"):
        np.testing.assert_array_equal(getattr(merged, name), getattr(expected, name))
    assert len(older) == len(newer) == 0  # the inputs were released


def test_bitmap_marks_equal_bitwise_or_at() -> None:
    rng = np.random.default_rng(7)
    index = VoteIdIndex()
    first = rng.integers(-(2**63), 2**63 - 1, size=200_000, dtype=np.int64)
    first[:5_000] = first[5_000:10_000]  # repeated hashes: repeated words and bits
    expected = index._bits.copy()
    word, bit = index._where(first)
    np.bitwise_or.at(expected, word, bit)
    index._mark(first)
    np.testing.assert_array_equal(index._bits, expected)


def test_index_over_many_merges_finds_every_id_at_its_first_line() -> None:
    index = VoteIdIndex()
    ids = [f"id-{i:07d}" for i in range(40_000)]
    for start in range(0, len(ids), 1_000):  # 40 runs: merged like a binary counter
        block = ids[start : start + 1_000]
        index.add(block, np.arange(start, start + len(block)) + 1)
    found = index.first_lines([*ids[::7], "absent-1", "absent-2"])
    np.testing.assert_array_equal(found[:-2], np.arange(0, len(ids), 7) + 1)
    assert found[-2:].tolist() == [-1, -1]
