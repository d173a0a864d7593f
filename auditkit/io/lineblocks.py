"""JSON Lines read as blocks of bytes: ``n`` lines in one ``bytes`` object, so the pyarrow fast path
never makes a Python object per line.

Why: iterating a file line by line and joining the lines again for pyarrow cost about a quarter of
pyarrow's own parse time on a million battles. Here the reader counts newlines in large reads
(numpy), finds the block's last newline with numpy in the one read where it falls, and
joins the reads once. Where the lines start is found only when someone asks for a line (the exact
per-line path, or a quarantine record's raw text).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any, overload

import numpy as np

__all__ = ["READ_BYTES", "LineBlock", "line_blocks"]

READ_BYTES = 1 << 23  # bytes read at a time while looking for the block's last newline


class LineBlock(Sequence[bytes]):
    """``n`` lines held as one ``bytes`` object; each line keeps its ``\\n`` (the last may lack it)."""

    __slots__ = ("_ends", "_n", "_starts", "data")

    def __init__(self, data: bytes, n: int) -> None:
        self.data = data
        self._n = n
        self._starts: np.ndarray | None = None
        self._ends: np.ndarray | None = None

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        if self._starts is None or self._ends is None:
            newlines = np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8) == ord("\n"))
            ends = (newlines + 1).astype(np.int64)
            if len(ends) < self._n:  # a last line without a newline
                ends = np.append(ends, len(self.data))
            self._ends = ends
            self._starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
        return self._starts, self._ends

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index == 0 and self._starts is None:  # the first line needs no scan of the block
            end = self.data.find(b"\n")
            return self.data[: end + 1 if end >= 0 else len(self.data)]
        starts, ends = self._bounds()
        return self.data[int(starts[index]) : int(ends[index])]

    def __iter__(self) -> Iterator[bytes]:
        starts, ends = self._bounds()
        data = self.data
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            yield data[start:end]

    def longest(self) -> int:
        """The length in bytes of the longest line (0 for no lines)."""
        starts, ends = self._bounds()
        return int((ends - starts).max()) if len(self) else 0


def line_blocks(handle: IO[bytes] | Any, lines: int) -> Iterator[LineBlock]:
    """Blocks of ``lines`` lines from ``handle``'s position (the last block may be shorter).

    Lines end at ``\\n`` (kept, as iterating a binary file keeps it); a last line without one is
    a line. Reads ahead of the last block yielded by less than :data:`READ_BYTES`.

    Each read's newlines are counted once (one numpy pass); only a read in which a block ends is
    searched for where they are (once, however many blocks end in it), and a block's bytes are
    joined once. Its parts are ``bytes`` (a read, or the slice of one a block starts or ends in),
    not views of the reads: ``bytes.join`` lets other threads run while it copies only when every
    part is ``bytes``, and the join of a text-free block (about 22 MiB, mostly first touches of
    new memory) held the interpreter a fifth of the count's time from the thread counting blocks.
    """
    parts: list[bytes] = []  # the current block's bytes read so far
    have = 0  # lines in ``parts``
    while piece := handle.read(READ_BYTES):
        # numpy, not ``bytes.count``: about twice as fast on a text-free file.
        is_newline = np.frombuffer(piece, dtype=np.uint8) == ord("\n")
        count = int(np.count_nonzero(is_newline))
        if have + count < lines:
            parts.append(piece)
            have += count
            continue
        newlines = np.flatnonzero(is_newline)
        start = used = 0  # bytes and newlines of ``piece`` already in blocks
        while have + count - used >= lines:
            used += lines - have
            cut = int(newlines[used - 1]) + 1
            parts.append(piece[start:cut])  # a whole read: the read itself, not a copy
            yield LineBlock(b"".join(parts), lines)
            parts, have, start = [], 0, cut
        if start < len(piece):
            parts.append(piece[start:])
            have = count - used
    if parts:
        data = b"".join(parts)
        yield LineBlock(data, have + (not data.endswith(b"\n")))
