"""Parquet reader (LMArena Hugging Face exports: 33k, 100k, 140k).

Reads batch by batch through pyarrow and only the columns auditkit uses, so ``with_text=False`` never
touches the conversation columns (most of a file's bytes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from auditkit.errors import InputError
from auditkit.io.normalise import CONVERSATION_FIELDS, KNOWN_FIELDS, RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS

__all__ = ["read_parquet"]

BATCH_ROWS = 65_536


def read_parquet(
    path: Path, *, is_gzip: bool, with_text: bool, block_rows: int | None = None
) -> Iterator[RawChunk]:
    """One chunk per record batch; ``line`` is the 1-based row index in the file."""
    del is_gzip
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
        batches = parquet.iter_batches(batch_size=block_rows or BATCH_ROWS, columns=wanted)
        for batch in batches:
            columns: dict[str, list[Any]] = {
                name: batch.column(name).to_pylist() for name in batch.schema.names
            }
            n = batch.num_rows

            def raw(i: int, columns: dict[str, list[Any]] = columns) -> str:
                row = {name: values[i] for name, values in columns.items()}
                return json.dumps(row, default=str, ensure_ascii=False)[:MAX_RAW_CHARS]

            yield RawChunk(
                columns=columns,
                n=n,
                lines=np.arange(offset + 1, offset + n + 1, dtype=np.int64),
                raw=raw,
                rows_read=n,
            )
            offset += n
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"unreadable Parquet: {exc}", path=file) from exc
