"""The loader's duplicate-id index: a set of ids that remembers where each was loaded."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditkit.io.ids import VoteIdIndex, repeated


def test_an_empty_index_knows_no_id() -> None:
    index = VoteIdIndex()
    assert len(index) == 0
    assert index.first_lines(["a", "b"]).tolist() == [-1, -1]
    assert "a" not in index


def test_added_ids_are_found_with_the_line_they_came_from() -> None:
    index = VoteIdIndex()
    index.add(["v1", "v2"], [10, 20])
    index.add(["v3"], [30])
    assert index.first_lines(["v3", "x", "v1", "v2"]).tolist() == [30, -1, 10, 20]
    assert "v2" in index and "v4" not in index
    assert len(index) == 3


def test_many_small_additions_merge_into_few_runs_and_lose_nothing() -> None:
    index = VoteIdIndex()
    ids = [f"s{i % 7}-v{i:07d}" for i in range(20_000)]
    for start in range(0, len(ids), 333):
        block = ids[start : start + 333]
        index.add(block, np.arange(start, start + len(block)) + 1)
    assert len(index) == len(ids)
    assert len(index._runs) <= 16  # merged like a binary counter: O(log n) runs
    assert index.nbytes == 24 * len(ids)
    found = index.first_lines(ids)
    assert found.tolist() == list(range(1, len(ids) + 1))
    assert (index.first_lines([i + "x" for i in ids[:500]]) == -1).all()


def test_ids_that_differ_only_in_unicode_or_quotes_stay_distinct() -> None:
    index = VoteIdIndex()
    index.add(['a"b', "a'b", "我是", "我是 "], [1, 2, 3, 4])
    assert index.first_lines(["a'b", "我是 ", 'a"b', "我是", "ab"]).tolist() == [2, 4, 1, 3, -1]


@given(st.lists(st.text(max_size=12), unique=True, max_size=200), st.integers(1, 50))
def test_membership_matches_a_python_dict(ids: list[str], block: int) -> None:
    index, reference = VoteIdIndex(), {}
    half = ids[: len(ids) // 2]
    for start in range(0, len(half), block):
        part = half[start : start + block]
        index.add(part, list(range(start, start + len(part))))
        reference.update(zip(part, range(start, start + len(part)), strict=True))
    expected = [reference.get(i, -1) for i in ids]
    assert index.first_lines(ids).tolist() == expected


@given(st.lists(st.integers(min_value=-5, max_value=5), max_size=40))
def test_repeated_marks_every_row_whose_value_occurs_more_than_once(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int64)
    expected = [values.count(v) > 1 for v in values]
    assert repeated(array).tolist() == expected


def test_the_filter_grows_with_the_ids_and_forgets_none() -> None:
    index = VoteIdIndex()
    ids = [f"battle-{i:08d}" for i in range(150_000)]  # past the first bitmap's 65,536 ids
    for start in range(0, len(ids), 10_000):
        index.add(ids[start : start + 10_000], np.arange(start, start + 10_000) + 1)
    assert index.first_lines(ids).tolist() == list(range(1, len(ids) + 1))
    assert (index.first_lines([f"battle-{i:08d}x" for i in range(5_000)]) == -1).all()


def test_hashing_a_list_and_an_arrow_column_agree() -> None:
    import pyarrow as pa

    from auditkit.io.ids import hash_ids

    ids = ["a", "", "我是", "x" * 500, "a\x00"]
    from_list, from_arrow = hash_ids(ids), hash_ids(pa.array(ids).slice(0))
    assert from_list.first.tolist() == from_arrow.first.tolist()
    assert from_list.second.tolist() == from_arrow.second.tolist()
    assert len(set(from_list.first.tolist())) == len(ids)
    sliced = hash_ids(pa.array(["zz", *ids]).slice(1))  # an array with an offset
    assert sliced.first.tolist() == from_list.first.tolist()


def test_an_id_with_a_lone_surrogate_is_still_an_id_of_its_own() -> None:
    index = VoteIdIndex()
    index.add(["a\ud800", "a"], [1, 2])  # a pandas column may hold what UTF-8 cannot encode
    assert index.first_lines(["a", "a\ud800", "a\ud801"]).tolist() == [2, 1, -1]


def test_ids_of_one_length_hash_as_they_do_among_ids_of_other_lengths() -> None:
    from auditkit.io.ids import hash_ids

    same = [f"v{i:06d}" for i in range(1_000)]  # one length: hashed a byte column at a time
    mixed = hash_ids([*same, "longer-id"])  # several lengths: hashed over every byte
    alone = hash_ids(same)
    assert alone.first.tolist() == mixed.first[:-1].tolist()
    assert alone.second.tolist() == mixed.second[:-1].tolist()


def test_ids_of_several_lengths_hash_alike_as_a_padded_matrix_and_byte_by_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow as pa

    from auditkit.io import ids as ids_module

    rng = np.random.default_rng(18)
    ids = [f"{v:x}-{i}" for i, v in enumerate(rng.integers(0, 2**40, size=3_000).tolist())]
    ids += ["", "é", "我是-x", "a\x00b", "", "v9"]  # empty, multi-byte, a NUL byte
    column = pa.array(["offset", *ids]).slice(1)
    lengths = [len(i.encode()) for i in ids]
    assert len(ids) * max(lengths) <= ids_module._PADDED_CELLS_PER_BYTE * sum(lengths)  # padded
    padded = ids_module.hash_ids(column)
    monkeypatch.setattr(ids_module, "_PADDED_CELLS_PER_BYTE", 0)  # every byte, as before
    plain = ids_module.hash_ids(column)
    np.testing.assert_array_equal(padded.first, plain.first)
    np.testing.assert_array_equal(padded.second, plain.second)
    assert len(set(padded.first.tolist())) == len(set(ids))
