"""The text-free battle table a streamed or partitioned load builds, chunk by chunk.

Every reader of chunks — :func:`auditkit.streaming.stream_battles` in this process and the workers
that read their own partitions (:mod:`auditkit.engine.partitions`) — cuts each chunk with
:func:`text_free_chunk` and gathers the pieces in one :class:`TableAccumulator`, so all keep the
same columns and build the same table.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from auditkit.io.quarantine import QuarantineRecord
from auditkit.prompts import FINGERPRINT_COLUMNS, fingerprint_prompt_column
from auditkit.schema import CORE_COLUMNS, OPTIONAL_COLUMNS, TAG_PREFIX, empty_frame

__all__ = [
    "NOT_KEPT",
    "TEXT_COLUMNS",
    "BattleChunk",
    "TableAccumulator",
    "release_arrow_memory",
    "release_memory",
    "text_free_chunk",
]

TEXT_COLUMNS = ("conversation_a", "conversation_b")
NOT_KEPT = (*TEXT_COLUMNS, "prompt")  # never in a streamed table
_DTYPES: dict[str, Any] = dict((*CORE_COLUMNS, *OPTIONAL_COLUMNS, *FINGERPRINT_COLUMNS))


@dataclass(frozen=True, eq=False)
class BattleChunk:
    """One chunk of canonical rows (``frame``), with the rows the loader quarantined beside it."""

    index: int
    file: str
    frame: pd.DataFrame
    quarantine: tuple[QuarantineRecord, ...]
    rows_read: int
    normalised: bool = True  # False: only rows the reader rejected, ``frame`` is a stand-in

    def __len__(self) -> int:
        return len(self.frame)


class TableAccumulator:
    """Collects text-free chunks and builds one battle frame, column by column.

    Why column by column: concatenating whole frames and then casting holds two or three copies of
    the table at once; here each column's pieces are released as soon as that column is built,
    so the peak is the table plus one column.
    """

    def __init__(self, drop: Sequence[str] = TEXT_COLUMNS) -> None:
        self.drop = tuple(drop)
        self._pieces: list[dict[str, pd.Series]] = []
        self._lengths: list[int] = []
        self._order: dict[str, None] = {}
        self.rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        keep = [c for c in frame.columns if c not in self.drop]
        columns = {name: frame[name] for name in keep}
        for name in keep:
            self._order.setdefault(name, None)
        self._pieces.append(columns)
        self._lengths.append(len(frame))
        self.rows += len(frame)

    def build(self) -> pd.DataFrame:
        """The accumulated rows as one frame with the loader's dtypes (the pieces are consumed)."""
        if not self._pieces:
            return empty_frame()
        built: dict[str, pd.Series] = {}
        for name in self._order:
            parts = [
                pd.DataFrame({name: piece.pop(name).reset_index(drop=True)})
                if name in piece
                else pd.DataFrame(index=pd.RangeIndex(n))
                for piece, n in zip(self._pieces, self._lengths, strict=True)
            ]
            column = pd.concat(parts, ignore_index=True)[name]
            del parts
            built[name] = _final_dtype(name, column)
        self._pieces.clear()
        frame = pd.DataFrame(built, copy=False)
        del built
        core = [name for name, _ in CORE_COLUMNS]
        for name in core:
            if name not in frame.columns:  # only when every chunk was empty
                frame[name] = empty_frame()[name].reindex(range(len(frame)))
        rest = [c for c in frame.columns if c not in core]
        release_memory()  # the pieces' buffers, freed column by column, back to the OS
        return frame[core + rest]


def release_memory() -> None:
    """Arrow's cached blocks and the C heap's free pages back to the OS, once a load is done.

    Why: parsing millions of rows frees many mid-sized blocks that glibc keeps in its heap
    (arrays under its mmap threshold); at 3M battles that was ~0.3 GiB resident but unused. Where
    ``malloc_trim`` does not exist (not glibc) only Arrow's pool is released.
    """
    release_arrow_memory()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def release_arrow_memory() -> None:
    """Hand memory Arrow's allocator keeps cached back to the OS.

    Why: the JSON and Parquet readers parse each block through Arrow, whose allocator (mimalloc or
    jemalloc) keeps freed blocks for reuse; over millions of rows that cache held about 0.15 GiB
    per million battles in our benchmark, resident but unused, on top of the table itself.
    """
    pa.default_memory_pool().release_unused()


def _final_dtype(name: str, column: pd.Series) -> pd.Series:
    if name.startswith(TAG_PREFIX):
        return column.convert_dtypes()
    dtype = _DTYPES.get(name)
    if dtype is None or dtype == "object":
        return column
    return column.astype(dtype)


def text_free_chunk(frame: pd.DataFrame, *, keep_prompt: bool) -> pd.DataFrame:
    """One canonical chunk as the streamed table keeps it: no text, ``prompt`` → fingerprints.

    One function for every reader of chunks — :func:`stream_battles` here, and the workers that
    read their own partitions (:mod:`auditkit.engine.partitions`) — so all keep the same columns.
    """
    kept = fingerprint_prompt_column(frame) if keep_prompt else frame
    return kept[[name for name in kept.columns if name not in NOT_KEPT]]
