"""A string (or binary) Arrow array as numpy sees its buffers: value offsets and bytes.

Why: several column passes read a whole column's UTF-8 bytes at once instead of a Python string
per value (the vote ids' hashes, the identity prefilter's byte automaton, the loader's
surrounding-whitespace check, the prompt fingerprints' non-ASCII characters); each needs the same
two views of the array's buffers, its slice offset taken into account.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["string_layout"]


def string_layout(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, data)``: value ``k`` of ``array`` is ``data[offsets[k]:offsets[k + 1]]``.

    ``offsets``: the ``len(array) + 1`` value offsets as int64 (they index the whole buffer: a
    sliced array's first offset need not be 0); ``data``: the data buffer as uint8, no copy
    (empty when the array has none).
    """
    kind = array.type
    wide = pa.types.is_large_string(kind) or pa.types.is_large_binary(kind)
    n = len(array)
    _, offsets_buffer, data_buffer = array.buffers()[:3]
    if offsets_buffer is None or n == 0:
        offsets = np.zeros(n + 1, dtype=np.int64)
    else:
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if wide else np.int32)[
            array.offset : array.offset + n + 1
        ].astype(np.int64)
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None and data_buffer.size
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data
