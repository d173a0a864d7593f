"""Parquet reader (LMArena Hugging Face exports: 33k, 100k, 140k).

Reads batch by batch through pyarrow and only the columns auditkit uses, so ``with_text=False`` never
touches the conversation columns (most of a file's bytes).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from auditkit.errors import InputError
from auditkit.io.arrowjsonl import ArrowColumns
from auditkit.io.normalise import CONVERSATION_FIELDS, KNOWN_FIELDS, RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS
from auditkit.io.readahead import READ_AHEAD_BYTES, read_ahead

__all__ = ["read_parquet"]

BATCH_ROWS = 65_536


def read_parquet(
    path: Path,
    *,
    is_gzip: bool,
    with_text: bool,
    block_rows: int | None = None,
    row_groups: tuple[int, int] | None = None,
) -> Iterator[RawChunk]:
    """One chunk per record batch; ``line`` is the 1-based row index in the file.

    ``row_groups=(first, stop)`` reads part of the file: batches are still cut every
    ``block_rows`` rows counted from the first row of the file, and the part yields the batches
    whose first row lies in row groups ``first`` to ``stop - 1``, so the parts of a file together
    yield exactly its whole-file batches.
    """
    del is_gzip
    size = block_rows or BATCH_ROWS
    file = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"unreadable Parquet: {exc}", path=file) from exc
    fields = KNOWN_FIELDS if with_text else KNOWN_FIELDS - CONVERSATION_FIELDS
    names = parquet.schema_arrow.names
    if not with_text and "winner_model_a" in names:
        fields = fields | {"prompt"}
    wanted = [name for name in names if name in fields]
    offset = 0
    try:
        batches: Iterator[pa.RecordBatch | pa.Table]
        if row_groups is None:
            batches = parquet.iter_batches(batch_size=size, columns=wanted)
        else:
            offset, batches = _part_batches(parquet, row_groups, size, wanted)
        viewed = _viewed(batches, with_text)
        # The next batch is read while this one is normalised, unless this one is large (long
        # conversations): :mod:`auditkit.io.readahead`.
        with contextlib.closing(read_ahead(viewed, _small_batch)) as parts:
            for n, _, exact, fast in parts:

                def raw(i: int, exact: _PythonColumns = exact) -> str:
                    row = {name: values[i] for name, values in exact().items()}
                    return json.dumps(row, default=str, ensure_ascii=False)[:MAX_RAW_CHARS]

                yield RawChunk(
                    columns=fast if fast is not None else exact(),  # type: ignore[arg-type]
                    n=n,
                    lines=np.arange(offset + 1, offset + n + 1, dtype=np.int64),
                    raw=raw,
                    rows_read=n,
                )
                offset += n
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"unreadable Parquet: {exc}", path=file) from exc


_Viewed = tuple[int, int, "_PythonColumns", ArrowColumns | None]


def _viewed(
    batches: Iterator[pa.RecordBatch | pa.Table], with_text: bool
) -> Generator[_Viewed, None, None]:
    """Each batch's rows and bytes, its per-value columns (built on first use) and its fast view
    (None: the exact path reads it)."""
    for batch in batches:
        exact = _PythonColumns(batch)
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        fast = ArrowColumns.from_table(table, with_text, exact)
        yield batch.num_rows, batch.nbytes, exact, fast


def _small_batch(viewed: _Viewed) -> bool:
    return viewed[1] <= READ_AHEAD_BYTES


class _PythonColumns:
    """A batch's columns as Python values (what the exact path reads), built on first call."""

    def __init__(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._batch: pa.RecordBatch | pa.Table | None = batch
        self._columns: dict[str, list[Any]] = {}

    def __call__(self) -> dict[str, list[Any]]:
        if self._batch is not None:
            batch, self._batch = self._batch, None
            self._columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        return self._columns


def _part_batches(
    parquet: pq.ParquetFile, row_groups: tuple[int, int], size: int, columns: list[str]
) -> tuple[int, Iterator[pa.Table]]:
    """(first row, batches) of the whole-file batches that start in ``row_groups``."""
    meta = parquet.metadata
    starts = np.cumsum([0] + [meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
    first, stop = row_groups
    begin = -(-int(starts[first]) // size) * size  # the first batch boundary in the part
    finish = min(-(-int(starts[stop]) // size) * size, int(starts[-1]))
    if begin >= finish:
        return begin, iter(())
    # The groups holding rows [begin, finish); their batches are re-cut on the file's boundaries.
    low = int(np.searchsorted(starts, begin, side="right")) - 1
    high = int(np.searchsorted(starts, finish, side="left"))
    pieces = parquet.iter_batches(
        batch_size=size, row_groups=list(range(low, high)), columns=columns
    )
    return begin, _recut(pieces, skip=begin - int(starts[low]), size=size, rows=finish - begin)


def _recut(
    pieces: Iterator[pa.RecordBatch], *, skip: int, size: int, rows: int
) -> Iterator[pa.Table]:
    """``rows`` rows after the first ``skip``, as tables of ``size`` rows (the last may be shorter)."""
    held: list[pa.RecordBatch] = []
    count = 0
    for piece in pieces:
        if skip >= piece.num_rows:
            skip -= piece.num_rows
            continue
        held.append(piece.slice(skip))
        count += piece.num_rows - skip
        skip = 0
        while rows > 0 and count >= min(size, rows):
            table = pa.Table.from_batches(held)
            take = min(size, rows)
            yield table.slice(0, take)
            held = table.slice(take).to_batches()
            count -= take
            rows -= take
        if rows <= 0:
            return
