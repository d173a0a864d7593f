"""Integer codes of a table's string columns, computed over Arrow buffers.

Why: a 10M-vote table asked "which model is on side A of each row" through pandas ``map`` or
``isin`` with a dict makes a Python object per row; Arrow hashes only the short list of values
asked about and scans the column's buffers, so the answer costs a pass over bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_strings", "dictionary_codes", "row_positions"]


def arrow_strings(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A string column as Arrow (zero-copy for the table's Arrow-backed strings)."""
    array = pa.array(column)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    return array


def row_positions(column: pd.Series, values: Sequence[str] | pa.Array) -> np.ndarray:
    """Each row's index in ``values`` (-1 where absent or missing), as int64."""
    found = pc.index_in(arrow_strings(column), value_set=pa.array(values, type=pa.large_string()))
    return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int64)


def dictionary_codes(column: pd.Series) -> np.ndarray:
    """Each row's code among the column's distinct values (first-seen order; -1 where missing).

    Arrow's dictionary encoding over the column's buffers, as int32: no Python string per row and
    no pandas hash table of objects (a 10M-row voter column's factorize peaked at gigabytes).
    """
    encoded = pc.dictionary_encode(arrow_strings(column))
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    out = np.empty(len(column), dtype=np.int32)
    start = 0
    for chunk in chunks:
        indices = chunk.indices.cast(pa.int32()).fill_null(-1)
        out[start : start + len(chunk)] = indices.to_numpy(zero_copy_only=False)
        start += len(chunk)
    return out
