"""JSON Lines read as blocks of bytes: ``n`` lines in one ``bytes`` object, cut where numpy finds
the newlines, so the pyarrow fast path never makes a Python object per line.

Why: iterating a file line by line and joining the lines again for pyarrow cost about a quarter of
pyarrow's own parse time on a million battles. A line becomes a ``bytes`` object only when someone
asks for it (the exact per-line path, or a quarantine record's raw text).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any, overload

import numpy as np

__all__ = ["READ_BYTES", "LineBlock", "line_blocks"]

READ_BYTES = 1 << 23  # bytes read at a time while looking for the block's last newline


class LineBlock(Sequence[bytes]):
    """Lines held as one ``bytes`` object and the offset just past each line's newline."""

    __slots__ = ("_ends", "_starts", "data")

    def __init__(self, data: bytes, ends: np.ndarray) -> None:
        self.data = data
        self._ends = ends.astype(np.int64, copy=False)
        self._starts = np.concatenate([[0], self._ends[:-1]]).astype(np.int64)

    def __len__(self) -> int:
        return int(self._ends.size)

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
        return self.data[int(self._starts[index]) : int(self._ends[index])]

    def __iter__(self) -> Iterator[bytes]:
        data = self.data
        for start, end in zip(self._starts.tolist(), self._ends.tolist(), strict=True):
            yield data[start:end]

    def longest(self) -> int:
        """The length in bytes of the longest line (0 for no lines)."""
        return int((self._ends - self._starts).max()) if len(self) else 0


def line_blocks(handle: IO[bytes] | Any, lines: int) -> Iterator[LineBlock]:
    """Blocks of ``lines`` lines from ``handle``'s position (the last block may be shorter).

    Lines end at ``\\n`` (kept, as iterating a binary file keeps it); a last line without one is
    a line. Reads ahead of the last block yielded by less than :data:`READ_BYTES`.
    """
    carry = b""
    while True:
        pieces, count = [carry], carry.count(b"\n")
        while count < lines:
            piece = handle.read(READ_BYTES)
            if not piece:
                break
            pieces.append(piece)
            count += piece.count(b"\n")
        data = b"".join(pieces)
        if not data:
            return
        newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        if newlines.size >= lines:
            ends = newlines[:lines] + 1
        else:  # the end of the input: what is left, the last line perhaps without a newline
            ends = newlines + 1
            if not ends.size or ends[-1] != len(data):
                ends = np.append(ends, len(data))
        cut = int(ends[-1])
        carry = data[cut:]
        yield LineBlock(data[:cut] if carry else data, ends)
