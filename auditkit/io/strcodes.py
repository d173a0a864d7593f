"""Integer codes of a string column, as ``dictionary_encode`` gives them, found through hashes.

Why: ``auditkit describe`` judges the voter field of a whole file (a million ids, about 440,000
distinct) and needs each row's voter as a code. Arrow's ``dictionary_encode`` of the whole column
builds one hash table the size of the distinct ids, which outgrows the cache: it was the largest
single step after the parse, and it ran alone after the last block. Here each block's ids are
hashed as the block is counted (:func:`string_hashes`, a few numpy passes over the block's bytes
read eight at a time), and the codes come from one sort of the hashes at the end
(:func:`dictionary_codes`).

The codes are exactly ``dictionary_encode``'s: the order of first appearance, -1 for a null. They
are checked, not trusted: two rows given one code must hold equal strings (every row is compared
with its code's first row), and a first hash shared by ids whose second hashes differ is seen.
On either, or when the ids are too unequal in length for the word-wise hash to pay, the codes
are made by ``dictionary_encode`` itself.

The hashes: an id's bytes are read as 32-bit words ``x_k`` (the last one zero-padded) and each
hash is ``len * w_len + sum(x_k * w_k) mod 2**64`` with weights drawn at random per process (two
independent sets give the two hashes). Two different ids differ in their length or in some word,
by ``d`` with ``0 < |d| < 2**32``, so they agree on one hash with probability at most
``2**31 / 2**64`` and on both at most ``2**-66``; the check above makes a collision cost time,
never a wrong code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from auditkit.io.arrownp import bool_array, bools, integers, valid
from auditkit.io.ids import random_words

__all__ = ["StringHashes", "dictionary_codes", "string_hashes"]

# Per word position: (hash, low/high half of a 64-bit read, position); the length's weights last.
_MAX_WORDS = 64  # 64-bit reads an id may take (ids up to 512 bytes); longer: dictionary_encode
_WEIGHTS = random_words((4, _MAX_WORDS + 1)).reshape(2, 2, _MAX_WORDS + 1)
_LOW = np.uint64(0xFFFF_FFFF)
_HALF = np.uint64(32)
# The bytes of a 64-bit little-endian read that belong to an id with ``r`` bytes left (r = 0..8).
_KEEP = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2**64 - 1], dtype=np.uint64)
# The word-wise hash reads ``n × longest / 8`` words; past this many per word of the ids' bytes
# (a few very long ids among short ones) the codes are left to dictionary_encode.
_READS_PER_WORD = 4


class StringHashes:
    """Two independent 64-bit hashes of each value of a string array."""

    __slots__ = ("first", "second")

    def __init__(self, first: NDArray[np.uint64], second: NDArray[np.uint64]) -> None:
        self.first, self.second = first, second


def _buffers(array: pa.Array) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """The value offsets (from 0) and the bytes of a string or binary array."""
    if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type):
        width: type[np.int32] | type[np.int64] = np.int64
    elif pa.types.is_string(array.type) or pa.types.is_binary(array.type):
        width = np.int32
    else:
        raise TypeError(f"expected strings, not {array.type}")
    n = len(array)
    _, offsets_buffer, data_buffer = array.buffers()[:3]
    if offsets_buffer is None or n == 0:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(offsets_buffer, dtype=width)[array.offset : array.offset + n + 1]
    begin, end = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[begin:end]
        if data_buffer is not None and end > begin
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets.astype(np.int64) - begin, data


def string_hashes(array: pa.Array) -> StringHashes | None:
    """Two independent 64-bit hashes of each value of a string ``array`` (see the module's note;
    a null hashes as its slot's bytes, usually none), or None when its values are too unequal in
    length to hash word by word (:func:`dictionary_codes` then encodes them as Arrow does)."""
    offsets, data = _buffers(array)
    n = len(array)
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if n else 0
    reads = -(-longest // 8)
    if reads > _MAX_WORDS or n * reads > _READS_PER_WORD * (data.size // 8 + n):
        return None
    # A copy with 8 bytes to spare, read as overlapping 64-bit words at every byte offset.
    padded = np.zeros(data.size + 8, dtype=np.uint8)
    padded[: data.size] = data
    words = np.ndarray(shape=(data.size + 1,), dtype=np.uint64, buffer=padded, strides=(1,))
    starts = offsets[:-1]
    length = lengths.astype(np.uint64)
    first = length * _WEIGHTS[0, 0, _MAX_WORDS]
    second = length * _WEIGHTS[1, 0, _MAX_WORDS]
    for k in range(reads):
        word = words[np.minimum(starts + 8 * k, data.size)]
        word &= _KEEP[np.clip(lengths - 8 * k, 0, 8)]
        low = word & _LOW
        word >>= _HALF  # the high half
        first += low * _WEIGHTS[0, 0, k]
        first += word * _WEIGHTS[0, 1, k]
        second += low * _WEIGHTS[1, 0, k]
        second += word * _WEIGHTS[1, 1, k]
    return StringHashes(first, second)


def dictionary_codes(
    arrays: Sequence[pa.Array], hashes: Sequence[StringHashes | None]
) -> tuple[NDArray[np.int64], pa.Array]:
    """The codes and distinct values of the string column ``arrays`` (joined in order) given each
    array's :func:`string_hashes`: equal to ``dictionary_encode``'s indices (-1 where null) and
    dictionary, however the hashes fall (see the module's note)."""
    column = pa.chunked_array(arrays, type=arrays[0].type if arrays else pa.large_string())
    column = column.combine_chunks()
    if any(h is None for h in hashes) or len(hashes) != len(arrays):
        return _encoded(column)
    present = valid(column)
    first = np.concatenate([h.first for h in hashes if h is not None])[present]
    second = np.concatenate([h.second for h in hashes if h is not None])[present]
    values = column if column.null_count == 0 else column.filter(bool_array(present))
    codes = _first_appearance_codes(first, second)
    if codes is None:
        return _encoded(column)
    code_of_row, distinct_rows = codes
    distinct = values.take(_indices(distinct_rows))
    if not bools(pc.equal(values, distinct.take(_indices(code_of_row)))).all():
        return _encoded(column)  # two different ids on one pair of hashes
    out = np.full(len(column), -1, dtype=np.int64)
    out[present] = code_of_row
    return out, distinct


def _first_appearance_codes(
    first: NDArray[np.uint64], second: NDArray[np.uint64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Each row's code (rows with equal hashes share one; codes numbered in order of first
    appearance) and the first row of each code; None when one first hash has two second hashes.

    Why a sort of packed keys: the rows are grouped by the first hash's top bits with the row
    number in the low bits, so one plain sort (several times faster than an argsort) puts each
    group together in row order; a group whose full hashes differ (top bits shared by chance)
    is sorted again by an argsort of the full first hash.
    """
    m = first.size
    if m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = np.uint64(m.bit_length())
    row_mask = np.uint64((1 << int(bits)) - 1)
    keys = np.sort(((first >> bits) << bits) | np.arange(m, dtype=np.uint64))
    rows = (keys & row_mask).astype(np.intp)
    ordered = first[rows]
    top = keys >> bits
    if ((top[1:] == top[:-1]) & (ordered[1:] != ordered[:-1])).any():
        rows = np.argsort(first, kind="stable")  # equal first hashes stay in row order
        ordered = first[rows]
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    seconds = second[rows]
    if ((seconds[1:] != seconds[:-1]) & ~new[1:]).any():
        return None
    starts = np.flatnonzero(new)
    firsts = rows[starts]  # each group's first row
    is_first = np.zeros(m, dtype=bool)
    is_first[firsts] = True
    rank = np.cumsum(is_first) - 1  # a group's code: how many groups appeared before it
    code_of_row = np.empty(m, dtype=np.int64)
    code_of_row[rows] = np.repeat(rank[firsts], np.diff(np.append(starts, m)))
    return code_of_row, np.flatnonzero(is_first)


def _encoded(column: pa.Array) -> tuple[NDArray[np.int64], pa.Array]:
    encoded = column.dictionary_encode()
    return integers(encoded.indices, fill=-1), encoded.dictionary


def _indices(rows: NDArray[np.int64]) -> pa.Array:
    """Row numbers as an Arrow int64 array over the same buffer (``pa.array`` would import pandas)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), rows.size, [None, pa.py_buffer(rows)], null_count=0)
