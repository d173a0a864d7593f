"""``codes.string_sort_indices`` (integer words, not string comparisons) is Arrow's stable string
sort, index for index: the voter audit's order of voters, and so its results, depend on it."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.codes import string_sort_indices

# Few letters, so that prefixes, repeats and zero bytes (which pad the words) meet often.
_TEXT = st.text(alphabet=st.sampled_from(["a", "b", "\x00", "é", "_", "\U0001f600"]), max_size=20)


def _plain(array: pa.Array | pa.ChunkedArray) -> list[int]:
    return list(pc.sort_indices(array).to_numpy())


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_TEXT, max_size=60), large=st.booleans(), cut=st.integers(0, 3))
def test_the_word_sort_orders_strings_as_arrow_does(
    values: list[str], large: bool, cut: int
) -> None:
    array = pa.array(values, type=pa.large_string() if large else pa.string())
    sliced = array.slice(min(cut, len(array)))  # a view with an offset into the buffers
    assert list(string_sort_indices(sliced)) == _plain(sliced)


def test_prefixes_zero_bytes_and_repeats_in_order() -> None:
    values = ["b", "a", "", "ab", "a\x00", "a\x00\x00", "aa", "\x00", "é", "e", "a", "a" * 9]
    values += ["arena_user_" + v for v in ("10.0.0.1", "9.0.0.1", "10.0.0", "10.0.0.10")]
    array = pa.array(values)
    order = string_sort_indices(array)
    assert [values[i] for i in order] == sorted(values)  # Python sorts str as UTF-8 bytes sort
    assert list(order) == _plain(array)


def test_chunked_arrays_nulls_and_tiny_inputs() -> None:
    chunked = pa.chunked_array([["b", "a"], ["c", "a"]])
    assert list(string_sort_indices(chunked)) == [1, 3, 0, 2]
    with_null = pa.array(["b", None, "a"])
    assert list(string_sort_indices(with_null)) == _plain(with_null) == [2, 0, 1]
    assert list(string_sort_indices(pa.array([], pa.string()))) == []
    assert list(string_sort_indices(pa.array(["only"]))) == [0]
    assert list(string_sort_indices(pa.array(["", ""]))) == [0, 1]
