"""Arrow arrays ↔ numpy over their buffers, without pyarrow's pandas shim.

Why: pyarrow imports pandas (about 0.4 s) the first time it converts anything from or to Python or
numpy — ``Array.to_numpy`` even of plain integers, ``pa.array`` of a list or an ndarray, a Python
scalar handed to a compute function. ``auditkit describe`` of a clean file needs no pandas
otherwise, so the load's column checks read and build arrays through these helpers: numpy views of
the buffers, and arrays assembled from buffers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

__all__ = [
    "bool_array",
    "bools",
    "floats",
    "integer_array",
    "integers",
    "string_array",
    "string_scalar",
    "valid",
]


def _one(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks()
    return array


def _bits(buffer: pa.Buffer | None, offset: int, n: int) -> np.ndarray | None:
    if buffer is None:
        return None
    packed = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(packed, bitorder="little", count=offset + n)[offset:].astype(bool)


def valid(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which slots hold a value (not null), as a numpy bool array."""
    array = _one(array)
    n = len(array)
    if array.null_count == 0:
        return np.ones(n, dtype=bool)
    if pa.types.is_null(array.type):
        return np.zeros(n, dtype=bool)
    bits = _bits(array.buffers()[0], array.offset, n)
    return np.ones(n, dtype=bool) if bits is None else bits


def bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean array as numpy; null → False (``fill_null(False).to_numpy()``)."""
    array = _one(array)
    n = len(array)
    if pa.types.is_null(array.type):
        return np.zeros(n, dtype=bool)
    if not pa.types.is_boolean(array.type):
        raise TypeError(f"expected booleans, not {array.type}")
    values = _bits(array.buffers()[1], array.offset, n)
    out = np.zeros(n, dtype=bool) if values is None else values
    return out & valid(array) if array.null_count else out


def integers(array: pa.Array | pa.ChunkedArray, fill: int = 0) -> np.ndarray:
    """A fixed-width integer array as int64 numpy; null → ``fill``."""
    array = _one(array)
    n = len(array)
    if pa.types.is_null(array.type):
        return np.full(n, fill, dtype=np.int64)
    if not pa.types.is_integer(array.type):
        raise TypeError(f"expected integers, not {array.type}")
    dtype = np.dtype(
        f"{'u' if pa.types.is_unsigned_integer(array.type) else 'i'}{array.type.bit_width // 8}"
    )
    buffer = array.buffers()[1]
    if buffer is None or n == 0:
        return np.full(n, fill, dtype=np.int64)
    values = np.frombuffer(buffer, dtype=dtype)[array.offset : array.offset + n].astype(np.int64)
    if array.null_count:
        values[~valid(array)] = fill
    return values


def floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A float64 array as numpy (a copy); null → NaN (``to_numpy()`` of a float column)."""
    array = _one(array)
    n = len(array)
    if pa.types.is_null(array.type):
        return np.full(n, np.nan)
    if not pa.types.is_float64(array.type):
        raise TypeError(f"expected float64, not {array.type}")
    buffer = array.buffers()[1]
    if buffer is None or n == 0:
        return np.full(n, np.nan)
    values = np.frombuffer(buffer, dtype=np.float64)[array.offset : array.offset + n].copy()
    if array.null_count:
        values[~valid(array)] = np.nan
    return values


def string_array(values: Sequence[str | None], kind: pa.DataType | None = None) -> pa.Array:
    """A few Python strings (None: null) as an Arrow string array (``pa.array(values, kind)``)."""
    kind = pa.large_string() if kind is None else kind
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    width = np.int64 if pa.types.is_large_string(kind) else np.int32
    offsets = np.zeros(len(encoded) + 1, dtype=width)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    present = np.array([v is not None for v in values], dtype=bool)
    validity = None
    if not present.all():
        validity = pa.py_buffer(np.packbits(present, bitorder="little").tobytes())
    return pa.Array.from_buffers(
        kind,
        len(encoded),
        [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(encoded))],
        null_count=int((~present).sum()),
    )


def string_scalar(value: str | None, kind: pa.DataType | None = None) -> pa.Scalar:
    """An Arrow string scalar (``pa.scalar(value, kind)``)."""
    return string_array([value], kind)[0]


def bool_array(mask: np.ndarray) -> pa.Array:
    """A numpy bool array as an Arrow boolean array without nulls (``pa.array(mask)``)."""
    mask = np.asarray(mask, dtype=bool)
    data = pa.py_buffer(np.packbits(mask, bitorder="little").tobytes())
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, data], null_count=0)


def integer_array(values: np.ndarray) -> pa.Array:
    """A numpy integer array as an Arrow int64 array without nulls (``pa.array(values)``)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)], null_count=0)
