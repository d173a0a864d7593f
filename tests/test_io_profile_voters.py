"""The voter codes of a count (``auditkit.io.profile._encoded``): the blocks encoded as one chunked
array give exactly the codes and distinct ids of the joined column's ``dictionary_encode``,
whatever the ids (repeated across blocks, null, empty, non-ASCII, placeholders)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.io.arrownp import integers
from auditkit.io.profile import _encoded, _same

VOTERS = ["", "anonymous", " Anonymous ", "arena_user_1.2.3.4", "日本語", "\U0001f600", "x" * 300]
voter = st.one_of(st.sampled_from(VOTERS), st.text(max_size=12), st.none())


def joined_encoding(blocks: list[pa.Array]) -> tuple[np.ndarray, pa.Array]:
    encoded = pa.chunked_array(blocks, type=blocks[0].type).combine_chunks().dictionary_encode()
    return integers(encoded.indices, fill=-1), encoded.dictionary


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(voter, max_size=25), min_size=1, max_size=5))
def test_blocks_encoded_as_one_chunked_array_give_the_joined_columns_codes(
    blocks: list[list[str | None]],
) -> None:
    arrays = [pa.array(block, type=pa.large_string()) for block in blocks]
    codes, distinct = _encoded(arrays)
    want_codes, want_distinct = joined_encoding(arrays)
    np.testing.assert_array_equal(codes, want_codes)
    assert distinct.equals(want_distinct)


def test_blocks_of_a_million_voters_keep_their_order_of_first_appearance() -> None:
    rng = np.random.default_rng(11)
    ids = [f"arena_user_{v}" for v in rng.integers(0, 40_000, size=100_000)]
    column = pa.array(ids, type=pa.large_string())
    arrays = [column.slice(i, 7_000) for i in range(0, len(column), 7_000)]
    codes, distinct = _encoded(arrays)
    want_codes, want_distinct = joined_encoding(arrays)
    np.testing.assert_array_equal(codes, want_codes)
    assert distinct.equals(want_distinct)


def test_arrays_are_the_same_when_they_share_buffers_or_hold_equal_values() -> None:
    values = pa.array(["a", "b", None], type=pa.large_string())
    assert _same(values, values.slice(0))
    assert _same(values, pa.array(["a", "b", None], type=pa.large_string()))  # compared
    assert not _same(values, pa.array(["a", "c", None], type=pa.large_string()))
    assert not _same(values, values.slice(1))
