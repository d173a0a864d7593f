"""The table's model columns held as categoricals: one small code a vote, each name once.

Why: ``model_a`` / ``model_b`` as Arrow strings cost about 25 bytes a vote each (an 8-byte
offset and the name's bytes, repeated on every row): 0.5 GiB of a 10M-vote table for a few dozen
distinct names. As categoricals they cost one byte a vote (two past 127 models) and the names
once. The loader codes each chunk as it is kept (:func:`model_categories`, Arrow's dictionary
encoding: no Python string per row) and joins the chunks over the sorted union of their names,
then gives both columns one category list, the sorted models present on either side
(:func:`auditkit.io.accumulate.TableAccumulator.build`).

Every reader of a model column sees the same values (names; missing as NA); readers that go
through Arrow buffers take the categories and the codes (:func:`auditkit.codes.row_positions`,
the writers' string columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from auditkit.codes import distinct_strings
from auditkit.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

__all__ = [
    "MODEL_COLUMNS",
    "join_categories",
    "model_categories",
    "shared_categories",
    "sorted_categories",
    "string_categories",
    "taken_by_codes",
]

MODEL_COLUMNS = frozenset({"model_a", "model_b"})


def model_categories(column: pd.Series) -> pd.Series:
    """An Arrow-backed string column as a categorical of its distinct values (the same values,
    missing as NA; categories in order of first appearance); any other column unchanged."""
    dtype = column.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return column
    array = pa.array(column.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = indices.to_numpy(zero_copy_only=False)
    categories = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
    # Arrow's indices are in range by construction: pandas need not check them again.
    coded = pd.Categorical.from_codes(codes, categories=categories, validate=False)
    return pd.Series(coded, index=column.index, name=column.name, copy=False)


def join_categories(parts: Sequence[pd.Series]) -> pd.Series:
    """Categorical pieces of one column joined over the sorted union of their used categories
    (what ``union_categoricals(parts, sort_categories=True).remove_unused_categories()`` gives).

    Why not ``union_categoricals``: it recodes every piece through pandas' own machinery, a
    third of a second per 3M rows a column; here each piece's few categories are looked up in
    the sorted union once and its codes mapped with one ``take`` into the joined array.
    """
    return _recoded(parts, sorted(set().union(*(_used(part) for part in parts))))


def shared_categories(model_a: pd.Series, model_b: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Both model columns over one category list, the sorted names used on either side.

    Why one list: two categoricals compare (``model_a != model_b``) only over the same
    categories, and a model's code is then the same on both sides.
    """
    names = sorted(_used(model_a) | _used(model_b))
    return _recoded([model_a], names), _recoded([model_b], names)


def sorted_categories(column: pd.Series) -> pd.Series:
    """A categorical column over its used categories only, sorted (as Python sorts ``str``)."""
    return join_categories([column])


def _used(column: pd.Series) -> set[str]:
    return set(distinct_strings(column))


def string_categories(dtype: object) -> TypeGuard[pd.CategoricalDtype]:
    """Whether ``dtype`` is a categorical of strings (the loader's model columns)."""
    return isinstance(dtype, pd.CategoricalDtype) and all(
        isinstance(name, str) for name in dtype.categories
    )


def taken_by_codes(per_category: pa.Array, column: pd.Series) -> pa.Array:
    """A categorical column's rows as ``per_category``'s entries (one per category, in order),
    null where the row is missing: each category's value made once, then taken by the codes."""
    codes = np.asarray(column.cat.codes)
    return per_category.take(pa.array(codes, mask=codes < 0))


def _recoded(parts: Sequence[pd.Series], names: list[str]) -> pd.Series:
    """The parts' values, joined, as codes of ``names`` (which hold every value used)."""
    position = {name: i for i, name in enumerate(names)}
    dtype = np.int8 if len(names) < 128 else np.int16 if len(names) < 32_768 else np.int32
    joined: NDArray[np.signedinteger[Any]] = np.empty(sum(len(p) for p in parts), dtype=dtype)
    at = 0
    for part in parts:
        # the last slot maps code -1 (missing) to -1; a category no row uses maps anywhere
        lookup = np.array(
            [position.get(str(name), -1) for name in part.cat.categories] + [-1], dtype=dtype
        )
        codes = np.asarray(part.cat.codes)
        np.take(lookup, codes, out=joined[at : at + len(codes)], mode="wrap")
        at += len(codes)
    categories = pd.Index(names, dtype=object)
    return pd.Series(pd.Categorical.from_codes(joined, categories=categories, validate=False))
