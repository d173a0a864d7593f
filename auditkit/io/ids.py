"""Every vote id loaded so far, in 24 bytes a vote: the loader's cross-chunk duplicate check.

Why not a ``dict`` of ids: a Python dict of 10M id strings holds about 1.4 GiB (the string objects,
their hashes and the table), more than the whole text-free battle table. Here an id is kept as two
independent 64-bit hashes plus the line it was loaded from, in sorted numpy runs (merged like a
binary counter, so there are O(log n) runs and each id is moved O(log n) times).

The hashes are computed over a column's UTF-8 bytes at once (numpy over an Arrow string array's
buffers; a list of ids is made such an array first), never a Python object per id: each is
``sum((byte_i + 1) * w_i) mod 2**64`` with weights ``w_i`` drawn at random per process and per
byte position (two independent weight tables give the two hashes). For two different ids some
position has byte values differing by ``d`` with ``0 < |d| <= 256``, so the two agree on one hash
with probability at most ``2**7 / 2**64`` over the weights, and on both at most ``2**-114``. With
n ids loaded the chance that any two different ones are taken for the same is below
``n**2 * 2**-115`` (about 10⁻²¹ at 10M ids). The weights live in this process only, so the index
lives inside one load and is never written anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from auditkit.arrowstrings import string_layout

__all__ = ["DeferredIdCheck", "HashedIds", "VoteIdIndex", "hash_ids", "repeated"]


def _random_words(shape: tuple[int, int]) -> NDArray[np.uint64]:
    """Uniform random 64-bit words from the system's source (``numpy.random``, not otherwise
    needed by ``auditkit describe``, took about 30 ms to import)."""
    return np.frombuffer(os.urandom(8 * shape[0] * shape[1]), dtype=np.uint64).reshape(shape).copy()


# Two rows of random weights, one per byte position (grown on demand), drawn once per process.
_WEIGHTS = _random_words((2, 64))
_ONE = np.uint64(1)
_EMPTY = np.zeros(0, dtype=np.int64)
# The index's bitmap of loaded first hashes: at least this many bits per id, and at least this size.
_BITS_PER_ID = 16
_MIN_BITS = 1 << 20
# Ids of several lengths are hashed as a zero-padded matrix while it has at most this many cells
# a byte of the ids (a few passes over the ids, not over every byte); beyond, byte by byte.
_PADDED_CELLS_PER_BYTE = 2


class HashedIds:
    """Two independent 64-bit hashes of each of a list of ids (hash once, look up and add)."""

    __slots__ = ("_order", "first", "second")

    def __init__(self, first: NDArray[np.int64], second: NDArray[np.int64]) -> None:
        self.first, self.second = first, second
        self._order: NDArray[np.intp] | None = None

    def __len__(self) -> int:
        return int(self.first.size)

    def take(self, rows: NDArray[np.intp] | Sequence[int]) -> HashedIds:
        return HashedIds(self.first[rows], self.second[rows])

    def order(self) -> NDArray[np.intp]:
        """The rows sorted by the first hash (computed once: the repeat check, the lookups and
        the new run of the index all read it)."""
        if self._order is None:
            self._order = np.argsort(self.first)
        return self._order


def hash_ids(ids: Sequence[str] | HashedIds | pa.Array | pa.ChunkedArray) -> HashedIds:
    """Two independent 64-bit hashes of each id (see the module's note); ``ids`` may be an Arrow
    string array (hashed over its buffers) or a sequence of strings (made one first)."""
    if isinstance(ids, HashedIds):
        return ids
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    if not isinstance(ids, pa.Array):
        ids = _as_arrow(ids)
    kind = ids.type
    types = pa.types
    if not (
        types.is_string(kind)
        or types.is_binary(kind)
        or types.is_large_string(kind)
        or types.is_large_binary(kind)
    ):
        raise TypeError(f"vote ids must be strings, not {kind}")
    n = len(ids)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return HashedIds(empty, empty.copy())
    offsets, buffer = string_layout(ids)
    begin = int(offsets[0])
    offsets -= begin
    total = int(offsets[-1])
    data = buffer[begin : begin + total]
    lengths = np.diff(offsets)
    longest = int(lengths.max())
    weights = _weights(longest)
    if longest and int(lengths.min()) == longest:  # ids of one length (hex, uuid …): a matrix
        # Position by position (a column of the matrix: a row of its transpose, read in order).
        return _hash_matrix(np.ascontiguousarray(data.reshape(n, longest).T).T, weights)
    position = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    if n * longest <= _PADDED_CELLS_PER_BYTE * total:  # lengths alike: a padded matrix
        padded = np.zeros((longest, n), dtype=np.uint16)  # transposed, as above
        padded[position, np.repeat(np.arange(n), lengths)] = data.astype(np.uint16) + 1
        return _hash_matrix(padded.T, weights, plus=0)  # padding 0: a term of 0
    values = data.astype(np.uint64) + _ONE
    hashes = []
    for row in weights:
        sums = np.zeros(total + 1, dtype=np.uint64)
        np.cumsum(values * row[position], out=sums[1:])
        hashes.append((sums[offsets[1:]] - sums[offsets[:-1]]).view(np.int64))
    return HashedIds(hashes[0], hashes[1])


def _hash_matrix(
    matrix: NDArray[np.uint8] | NDArray[np.uint16], weights: NDArray[np.uint64], plus: int = 1
) -> HashedIds:
    """The same two hashes of ids of one length, one byte position at a time (a column of the
    ``n × length`` byte matrix): a few passes over ``n`` values, not over every byte.

    ``plus=0``: the matrix holds each byte + 1 already, and 0 past the end of a shorter id (a
    term of 0 changes no sum, so ids of several lengths hash as they do one by one).
    """
    n, length = matrix.shape
    first, second = np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64)
    column = np.empty(n, dtype=np.uint64)
    term = np.empty(n, dtype=np.uint64)
    for j in range(length):
        np.add(matrix[:, j], np.uint64(plus), out=column, dtype=np.uint64)
        np.multiply(column, weights[0, j], out=term)
        first += term
        np.multiply(column, weights[1, j], out=term)
        second += term
    return HashedIds(first.view(np.int64), second.view(np.int64))


def _as_arrow(ids: Sequence[str]) -> pa.Array:
    """A list of ids as an Arrow array of their UTF-8 bytes (a lone surrogate, which UTF-8 cannot
    encode, as its ``surrogatepass`` bytes: still one distinct byte string per distinct id)."""
    try:
        return pa.array(ids, type=pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):
        encoded = [str(i).encode("utf-8", "surrogatepass") for i in ids]
        return pa.array(encoded, type=pa.large_binary())


def _weights(length: int) -> NDArray[np.uint64]:
    """The weight tables, at least ``length`` positions long (grown with fresh random weights;
    the weights of the positions already drawn never change)."""
    global _WEIGHTS
    have = _WEIGHTS.shape[1]
    if length > have:
        more = _random_words((2, max(length, 2 * have) - have))
        _WEIGHTS = np.concatenate([_WEIGHTS, more], axis=1)
    return _WEIGHTS


def repeated(values: NDArray[np.int64], order: NDArray[np.intp] | None = None) -> NDArray[np.bool_]:
    """Rows whose value occurs more than once in ``values`` (``order``: rows sorted by value, if
    the caller has them).

    Why not ``np.unique(..., return_inverse=True)``: that argsorts the whole array (0.8 s for a
    million hashes); a plain sort finds whether anything repeats at all in a twentieth of that, and
    only the repeated values (normally none) are looked up again.
    """
    ordered = np.sort(values) if order is None else values[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.zeros(values.size, dtype=bool)
    return np.isin(values, ordered[1:][same])


class _Run:
    """One run sorted by the first hash, the second hash and the line of each id beside it."""

    __slots__ = ("first", "line", "second")

    def __init__(
        self,
        first: NDArray[np.int64],
        second: NDArray[np.int64],
        line: NDArray[np.int64],
        order: NDArray[np.intp] | None = None,
    ) -> None:
        # Stable sort: on two concatenated sorted runs Timsort merges them in linear time.
        if order is None:
            order = np.argsort(first, kind="stable")
        self.first, self.second, self.line = first[order], second[order], line[order]

    def __len__(self) -> int:
        return int(self.first.size)

    @classmethod
    def merged(cls, older: _Run, newer: _Run) -> _Run:
        """One run of ``older``'s ids then ``newer``'s, as the stable sort of the two joined
        (equal first hashes: ``older``'s first, each run's own order kept); both are emptied.

        Why not take the three joined arrays by the joined order: the joins, the order and the
        three arrays taken by it held about 80 bytes an id at once (the largest merge of a 10M
        load, the load's peak). Here only the joined first hashes are sorted (a stable argsort
        of two sorted runs is one linear merge); each side's destinations are read off that
        order, and each input array is placed and released in turn. Why not search the newer
        run in the older (``searchsorted``): the binary searches took half again as long.
        """
        m, k = len(older), len(newer)
        order = np.argsort(np.concatenate([older.first, newer.first]), kind="stable")
        from_newer = order >= m
        del order
        into_newer, into_older = np.flatnonzero(from_newer), np.flatnonzero(~from_newer)
        del from_newer
        run = cls.__new__(cls)
        for name in cls.__slots__:
            merged = np.empty(m + k, dtype=np.int64)
            merged[into_newer] = getattr(newer, name)
            merged[into_older] = getattr(older, name)
            setattr(run, name, merged)
            setattr(older, name, _EMPTY)
            setattr(newer, name, _EMPTY)
        return run

    def lookup(self, first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.int64]:
        """The stored line of each (first, second) pair, -1 where it is absent (``first`` sorted)."""
        out = np.full(first.size, -1, dtype=np.int64)
        if not len(self) or not first.size:
            return out
        # Sorted queries walk the run in order (numpy narrows each search from the last one).
        lo = np.searchsorted(self.first, first, side="left")
        hit = self.first[np.minimum(lo, len(self) - 1)] == first
        # A first-hash hit is (almost always) the id itself; its run of equal hashes is searched.
        for j in np.flatnonzero(hit).tolist():
            start = int(lo[j])
            stop = int(np.searchsorted(self.first, first[j], side="right"))
            match = np.flatnonzero(self.second[start:stop] == second[j])
            if match.size:
                out[j] = self.line[start + int(match[0])]
        return out


class VoteIdIndex:
    """A set of vote ids that also remembers the line each id was first loaded from.

    Beside the runs, a bitmap of the first hashes' top bits (at least 16 bits per id, so under
    one id in 16 not loaded passes it) answers most lookups of new ids without searching a run:
    an id whose bit is clear was never added. The bitmap is rebuilt twice as large whenever the
    ids outgrow it.
    """

    def __init__(self) -> None:
        self._runs: list[_Run] = []
        self._count = 0
        self._bits = np.zeros(_MIN_BITS // 8, dtype=np.uint8)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, vote_id: object) -> bool:
        return isinstance(vote_id, str) and bool(self.first_lines([vote_id])[0] >= 0)

    def first_lines(self, ids: Sequence[str] | HashedIds) -> NDArray[np.int64]:
        """For each id, the line it was loaded from, or -1 when it was not loaded."""
        hashed = hash_ids(ids)
        out = np.full(len(hashed), -1, dtype=np.int64)
        if not self._runs:
            return out
        order = hashed.order()  # once for all runs
        rows = order[self._maybe_present(hashed.first[order])]  # sorted by the first hash
        if not rows.size:
            return out
        first, second = hashed.first[rows], hashed.second[rows]
        found = np.full(rows.size, -1, dtype=np.int64)
        for run in self._runs:
            found = np.where(found >= 0, found, run.lookup(first, second))
        out[rows] = found
        return out

    def add(self, ids: Sequence[str] | HashedIds, lines: Sequence[int] | NDArray[np.int64]) -> None:
        """Record ``ids`` (the caller has checked they are new and distinct) with their lines."""
        if not len(ids):
            return
        hashed = hash_ids(ids)
        line = np.asarray(lines, dtype=np.int64)
        run = _Run(hashed.first, hashed.second, line, hashed.order())
        self._runs.append(run)
        self._count += len(hashed)
        if self._count * _BITS_PER_ID > self._bits.size * 8:
            self._rebuild_bits()
        else:
            self._mark(run.first)
        # Merge while the newest run is at least half the size of the one before it.
        while len(self._runs) > 1 and 2 * len(self._runs[-1]) >= len(self._runs[-2]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(_Run.merged(older, newer))

    @property
    def nbytes(self) -> int:
        """The runs' bytes (24 a vote; the bitmap adds 2 to 4 bytes a vote, at least 128 KiB)."""
        return sum(r.first.nbytes + r.second.nbytes + r.line.nbytes for r in self._runs)

    def _where(self, first: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.uint8]]:
        """Each first hash's bitmap byte and the bit within it: the hash's top bits.

        Why the top bits, not the low ones: hashes sorted (as a run is, and as the lookups ask)
        then fall in increasing places (the negative ones, then the others), so marking and
        reading walk the bitmap in order instead of jumping about a bitmap larger than the cache
        (a 10M load's rebuilds: from 1.4 s to a fraction of that).
        """
        place = first.view(np.uint64) >> np.uint64(65 - (self._bits.size * 8).bit_length())
        bit = np.left_shift(np.uint8(1), (place & np.uint64(7)).astype(np.uint8))
        return (place >> np.uint64(3)).astype(np.intp), bit

    def _maybe_present(self, first: NDArray[np.int64]) -> NDArray[np.bool_]:
        place, bit = self._where(first)
        return (self._bits[place] & bit) != 0

    def _mark(self, first: NDArray[np.int64]) -> None:
        """Set each first hash's bit.

        Why not ``np.bitwise_or.at``: that is an unbuffered per-element loop. A fancy ``|=``
        is vectorised but keeps one write per repeated byte; the bytes whose bit it lost are
        simply set again, a few rounds over fewer and fewer bytes (a bitmap is a set: the
        result is the same). Why bytes, not 64-bit words: eight times as many places, so far
        fewer ids of one call share one and lose their bit (a rebuild of a million ids: one
        quarter of the time). Hashes sorted (a run's) have each byte's bits side by side: they
        are OR-ed together first, so one round sets them all.
        """
        place, bit = self._where(first)
        if place.size > 1:
            start = np.flatnonzero(np.concatenate(([True], place[1:] != place[:-1])))
            place, bit = place[start], np.bitwise_or.reduceat(bit, start)
        while place.size:
            self._bits[place] |= bit
            lost = (self._bits[place] & bit) == 0
            place, bit = place[lost], bit[lost]

    def _rebuild_bits(self) -> None:
        size = self._bits.size * 8
        while self._count * _BITS_PER_ID > size:
            size *= 2
        self._bits = np.zeros(size // 8, dtype=np.uint8)
        for run in self._runs:
            self._mark(run.first)


class DeferredIdCheck(VoteIdIndex):
    """A count's duplicate-id check made once, over every id, after the last block.

    Why: a count (``auditkit describe``, :mod:`auditkit.io.profile`) only needs to know whether
    any id repeats; the line an id was first loaded from matters only to the quarantine record a
    load writes. Keeping a :class:`VoteIdIndex` sorted and merged block by block cost more than
    the whole check made at the end on the first hashes, one sort (a million ids: 0.12 s of
    CPU against 0.02–0.05 s).

    As a :class:`VoteIdIndex` it knows no id until :meth:`repeats` is asked (:meth:`first_lines`
    is -1 everywhere), so a block's own check finds only the ids repeated inside that block;
    :meth:`repeats` then finds those repeated across blocks. Together they flag a superset of
    the ids the index would (an equal first hash, not both), so a count that passes both is the
    count a load would make.
    """

    def __init__(self) -> None:
        super().__init__()
        self._firsts: list[NDArray[np.int64]] = []

    def first_lines(self, ids: Sequence[str] | HashedIds) -> NDArray[np.int64]:
        return np.full(len(ids), -1, dtype=np.int64)

    def add(self, ids: Sequence[str] | HashedIds, lines: Sequence[int] | NDArray[np.int64]) -> None:
        if len(ids):
            hashed = hash_ids(ids)
            self._firsts.append(hashed.first)
            self._count += len(hashed)

    def repeats(self) -> bool:
        """Whether any first hash was added twice (in one call or in two)."""
        if len(self._firsts) > 1:
            self._firsts = [np.concatenate(self._firsts)]
        return bool(self._firsts) and bool(repeated(self._firsts[0]).any())

    @property
    def nbytes(self) -> int:
        return sum(first.nbytes for first in self._firsts)
