"""Every vote id loaded so far, in 24 bytes a vote: the loader's cross-chunk duplicate check.

Why not a ``dict`` of ids: a Python dict of 10M id strings holds about 1.4 GiB (the string objects,
their hashes and the table), more than the whole text-free battle table. Here an id is kept as two
independent 64-bit hashes plus the line it was loaded from, in sorted numpy runs (merged like a
binary counter, so there are O(log n) runs and each id is moved O(log n) times).

Exactness: two different ids are taken for the same one only if both 64-bit hashes collide; with n
ids loaded the chance of any such pair is about n² / 2¹²⁹ (≈ 10⁻²⁵ at 10M ids). The hashes are
Python's own string hash (SipHash, keyed per process), so the index lives inside one load and is
never written anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["HashedIds", "VoteIdIndex", "hash_ids", "repeated"]

_SALT = "\x1f"  # a second, independent hash: the same keyed hash over the id plus one byte


class HashedIds:
    """Two independent 64-bit hashes of each of a list of ids (hash once, look up and add)."""

    __slots__ = ("first", "second")

    def __init__(self, first: NDArray[np.int64], second: NDArray[np.int64]) -> None:
        self.first, self.second = first, second

    def __len__(self) -> int:
        return int(self.first.size)

    def take(self, rows: NDArray[np.intp] | Sequence[int]) -> HashedIds:
        return HashedIds(self.first[rows], self.second[rows])


def hash_ids(ids: Sequence[str] | HashedIds) -> HashedIds:
    """Two independent 64-bit hashes of each id."""
    if isinstance(ids, HashedIds):
        return ids
    n = len(ids)
    first = np.fromiter(map(hash, ids), dtype=np.int64, count=n)
    second = np.fromiter(map(hash, map(_SALT.__add__, ids)), dtype=np.int64, count=n)
    return HashedIds(first, second)


def repeated(values: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Rows whose value occurs more than once in ``values``.

    Why not ``np.unique(..., return_inverse=True)``: that argsorts the whole array (0.8 s for a
    million hashes); a plain sort finds whether anything repeats at all in a twentieth of that, and
    only the repeated values (normally none) are looked up again.
    """
    ordered = np.sort(values)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.zeros(values.size, dtype=bool)
    return np.isin(values, ordered[1:][same])


class _Run:
    """One run sorted by the first hash, the second hash and the line of each id beside it."""

    __slots__ = ("first", "line", "second")

    def __init__(
        self, first: NDArray[np.int64], second: NDArray[np.int64], line: NDArray[np.int64]
    ) -> None:
        # Stable sort: on two concatenated sorted runs Timsort merges them in linear time.
        order = np.argsort(first, kind="stable")
        self.first, self.second, self.line = first[order], second[order], line[order]

    def __len__(self) -> int:
        return int(self.first.size)

    def lookup(
        self, first: NDArray[np.int64], second: NDArray[np.int64], order: NDArray[np.intp]
    ) -> NDArray[np.int64]:
        """The stored line of each (first, second) pair, -1 where it is absent; ``order`` sorts
        ``first`` (computed once by the caller for every run)."""
        out = np.full(first.size, -1, dtype=np.int64)
        if not len(self) or not first.size:
            return out
        # Sorted queries walk the run in order (numpy narrows each search from the last one).
        ordered = first[order]
        lo = np.empty(first.size, dtype=np.int64)
        hi = np.empty(first.size, dtype=np.int64)
        lo[order] = np.searchsorted(self.first, ordered, side="left")
        hi[order] = np.searchsorted(self.first, ordered, side="right")
        candidates = np.flatnonzero(hi > lo)
        for i in candidates.tolist():  # a first-hash hit is (almost always) the id itself
            block = slice(int(lo[i]), int(hi[i]))
            match = np.flatnonzero(self.second[block] == second[i])
            if match.size:
                out[i] = self.line[block][match[0]]
        return out


class VoteIdIndex:
    """A set of vote ids that also remembers the line each id was first loaded from."""

    def __init__(self) -> None:
        self._runs: list[_Run] = []

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs)

    def __contains__(self, vote_id: object) -> bool:
        return isinstance(vote_id, str) and bool(self.first_lines([vote_id])[0] >= 0)

    def first_lines(self, ids: Sequence[str] | HashedIds) -> NDArray[np.int64]:
        """For each id, the line it was loaded from, or -1 when it was not loaded."""
        hashed = hash_ids(ids)
        out = np.full(len(hashed), -1, dtype=np.int64)
        if not self._runs:
            return out
        order = np.argsort(hashed.first)  # once for all runs
        for run in self._runs:
            found = run.lookup(hashed.first, hashed.second, order)
            out = np.where(out >= 0, out, found)
        return out

    def add(self, ids: Sequence[str] | HashedIds, lines: Sequence[int] | NDArray[np.int64]) -> None:
        """Record ``ids`` (the caller has checked they are new and distinct) with their lines."""
        if not len(ids):
            return
        hashed = hash_ids(ids)
        self._runs.append(_Run(hashed.first, hashed.second, np.asarray(lines, dtype=np.int64)))
        # Merge while the newest run is at least half the size of the one before it.
        while len(self._runs) > 1 and 2 * len(self._runs[-1]) >= len(self._runs[-2]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(
                _Run(
                    np.concatenate([older.first, newer.first]),
                    np.concatenate([older.second, newer.second]),
                    np.concatenate([older.line, newer.line]),
                )
            )

    @property
    def nbytes(self) -> int:
        return sum(r.first.nbytes + r.second.nbytes + r.line.nbytes for r in self._runs)
