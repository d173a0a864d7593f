"""Codes of a string column found through hashes (``auditkit.io.strcodes``): always exactly
``dictionary_encode``'s, whatever the ids — repeated, empty, null, non-ASCII, of any length, or
colliding on purpose — and the count's deferred duplicate-id check (``auditkit.io.ids``)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.io import strcodes
from auditkit.io.arrownp import integers
from auditkit.io.ids import DeferredIdCheck, VoteIdIndex, hash_ids
from auditkit.io.strcodes import dictionary_codes, string_hashes

# Ids that stress the word-wise hash: empty, one byte apart in the last byte of a word, padded
# with NUL bytes (equal bytes but for the length), placeholders, non-ASCII, just over a word.
ADVERSARIAL = [
    "",
    "a",
    "a\x00",
    "a\x00\x00\x00\x00\x00\x00\x00",
    "abcdefgh",
    "abcdefgi",
    "abcdefghX",
    "abcdefgiX",
    "anonymous",
    " Anonymous ",
    "arena_user_",
    "arena_user_1.2.3.4",
    "arena_user_1.2.3.5",
    "日本語のユーザー",
    "Ünïcödé",
    "\U0001f600" * 9,
]


def expected(arrays: list[pa.Array]) -> tuple[np.ndarray, pa.Array]:
    encoded = pa.chunked_array(arrays, type=arrays[0].type).combine_chunks().dictionary_encode()
    return integers(encoded.indices, fill=-1), encoded.dictionary


def codes_of(arrays: list[pa.Array]) -> tuple[np.ndarray, pa.Array]:
    return dictionary_codes(arrays, [string_hashes(a) for a in arrays])


def assert_same_codes(arrays: list[pa.Array]) -> None:
    codes, distinct = codes_of(arrays)
    want_codes, want_distinct = expected(arrays)
    np.testing.assert_array_equal(codes, want_codes)
    assert distinct.equals(want_distinct)


ids = st.one_of(st.sampled_from(ADVERSARIAL), st.text(max_size=40), st.none())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ids, max_size=30), min_size=1, max_size=4))
def test_codes_equal_dictionary_encode_on_any_ids(blocks: list[list[str | None]]) -> None:
    assert_same_codes([pa.array(block, type=pa.large_string()) for block in blocks])


def test_codes_of_a_realistic_voter_column_in_blocks() -> None:
    rng = np.random.default_rng(7)
    voters = [f"arena_user_{rng.integers(0, 5000)}.{rng.integers(0, 255)}" for _ in range(20_000)]
    voters += ["", "anonymous"] * 50
    rng.shuffle(voters)
    column = pa.array([v or None for v in voters], type=pa.large_string())
    assert_same_codes([column.slice(i, 3_000) for i in range(0, len(column), 3_000)])


def test_plain_string_arrays_and_slices_are_read_at_their_offsets() -> None:
    column = pa.array(ADVERSARIAL * 3, type=pa.string())
    assert_same_codes([column.slice(5, 20), column.slice(25)])


def test_colliding_hashes_fall_back_to_the_exact_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """All weights zero: every id hashes alike. The codes must still be dictionary_encode's."""
    monkeypatch.setattr(strcodes, "_WEIGHTS", np.zeros_like(strcodes._WEIGHTS))
    column = pa.array(ADVERSARIAL + ADVERSARIAL[::-1], type=pa.large_string())
    assert_same_codes([column])


def test_first_hashes_shared_by_different_ids_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hash blind (its weights zero), the second not: groups are told apart by it."""
    weights = strcodes._WEIGHTS.copy()
    weights[0] = 0
    monkeypatch.setattr(strcodes, "_WEIGHTS", weights)
    assert_same_codes([pa.array(ADVERSARIAL * 2, type=pa.large_string())])


def test_ids_of_very_unequal_length_are_not_hashed_but_encoded_exactly() -> None:
    column = pa.array(["x"] * 50 + ["y" * 5_000], type=pa.large_string())
    assert string_hashes(column) is None
    assert_same_codes([column])


def test_an_all_null_or_empty_column() -> None:
    assert_same_codes([pa.nulls(5, type=pa.large_string())])
    assert_same_codes([pa.array([], type=pa.large_string())])


def test_deferred_check_finds_ids_repeated_across_blocks_only_at_the_end() -> None:
    check = DeferredIdCheck()
    check.add(["a", "b"], [1, 2])
    assert check.first_lines(["a", "c"]).tolist() == [-1, -1]  # nothing known before the end
    check.add(["c"], [3])
    assert not check.repeats()
    check.add(["b"], [4])
    assert check.repeats()
    assert len(check) == 4


def test_deferred_check_agrees_with_the_index_on_random_id_streams() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        blocks = [
            [f"q{v}" for v in rng.integers(0, 400, size=rng.integers(1, 30))] for _ in range(4)
        ]
        blocks = [list(dict.fromkeys(block)) for block in blocks]  # distinct inside a block
        index, check = VoteIdIndex(), DeferredIdCheck()
        seen_before = False
        for block in blocks:
            hashed = hash_ids(block)
            seen_before |= bool((index.first_lines(hashed) >= 0).any())
            index.add(hashed, np.arange(len(block)))
            check.add(hashed, np.arange(len(block)))
        assert check.repeats() == seen_before


def test_groups_sharing_the_top_bits_of_their_first_hash_are_still_told_apart() -> None:
    """Four rows: the packed sort sees one group (equal top bits); the full hashes make two."""
    first = np.array([8, 9, 8, 9], dtype=np.uint64)
    second = np.array([1, 2, 1, 2], dtype=np.uint64)
    found = strcodes._first_appearance_codes(first, second)
    assert found is not None
    codes, firsts = found
    assert codes.tolist() == [0, 1, 0, 1]
    assert firsts.tolist() == [0, 1]
