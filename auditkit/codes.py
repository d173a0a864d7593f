"""Integer codes of a table's string columns, computed over Arrow buffers.

Why: a 10M-vote table asked "which model is on side A of each row" through pandas ``map`` or
``isin`` with a dict makes a Python object per row; Arrow hashes only the short list of values
asked about and scans the column's buffers, so the answer costs a pass over bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "TableCodes",
    "arrow_strings",
    "distinct_strings",
    "row_positions",
    "sorted_models",
    "string_sort_indices",
]


def arrow_strings(column: pd.Series | pd.Index) -> pa.Array | pa.ChunkedArray:
    """A string column as Arrow (zero-copy for the table's Arrow-backed strings)."""
    array = pa.array(column)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    return array


def row_positions(column: pd.Series, values: Sequence[str] | pa.Array) -> np.ndarray:
    """Each row's index in ``values`` (-1 where absent or missing), as int64.

    A categorical column (the loader's model columns) is looked up once per category and its
    codes mapped: no string per row is made or compared."""
    wanted = pa.array(values, type=pa.large_string())
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = arrow_strings(column.cat.categories)
        found = pc.index_in(categories, value_set=wanted).fill_null(-1).to_numpy()
        lookup = np.append(np.asarray(found, dtype=np.int64), -1)  # the last slot: code -1
        return lookup[np.asarray(column.cat.codes)]
    found = pc.index_in(arrow_strings(column), value_set=wanted)
    return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int64)


def distinct_strings(column: pd.Series) -> list[str]:
    """The distinct non-missing values of a string or categorical column (a categorical's used
    categories only), in no particular order."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.cat.codes)
        used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
        return [str(v) for v in column.cat.categories[used]]
    distinct = pc.unique(arrow_strings(column))
    return [str(v) for v in distinct.drop_null().to_pylist()]


def sorted_models(model_a: pd.Series, model_b: pd.Series) -> tuple[str, ...]:
    """Every model named on either side, sorted."""
    return tuple(sorted(set(distinct_strings(model_a)) | set(distinct_strings(model_b))))


class TableCodes:
    """Integer codes of one battle table's model and voter columns, computed once and shared by
    every stage that groups rows by model or voter (``BattleTable.codes``).

    - ``models``: every model on either side, sorted; ``model_a`` / ``model_b``: each row's index
      in it (int32, -1 where missing) — what :func:`row_positions` gives for ``models`` (from
      the categories and codes of the loader's categorical model columns, see
      :mod:`auditkit.io.models`; over the strings' Arrow buffers otherwise);
    - ``voter_ids``: the distinct voter ids in order of first appearance; ``voter``: each row's
      index in it (int32, -1 where missing) — ``pd.factorize(frame["voter"])`` as int32;
    - :meth:`positions`: each row's index in any other list of model names, from the codes;
      :meth:`sorted_voters`: voter codes of some rows against their sorted ids.

    Why: at 10M votes each stage coding the model columns again costs a pass over 20M strings,
    and factorizing 4.4M distinct voter ids again costs seconds and a large hash table; the loader
    has the voter codes already (it classifies the voter field with them) and primes them here.
    Each part is computed on first use. The frame must not change while its codes are in use
    (the battle table's frame never does: stages derive new tables).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._voters: tuple[np.ndarray, pd.Index] | None = None

    @cached_property
    def models(self) -> tuple[str, ...]:
        return sorted_models(self._frame["model_a"], self._frame["model_b"])

    @cached_property
    def model_a(self) -> np.ndarray:
        return row_positions(self._frame["model_a"], self.models).astype(np.int32)

    @cached_property
    def model_b(self) -> np.ndarray:
        return row_positions(self._frame["model_b"], self.models).astype(np.int32)

    def positions(
        self, side: str, names: Sequence[str], dtype: type[np.signedinteger[Any]] = np.int64
    ) -> np.ndarray:
        """Each row's index in ``names`` on ``side`` (``model_a`` / ``model_b``; -1 where absent
        or missing; the first of repeated names), as int64 (or a narrower signed ``dtype`` that
        holds ``len(names)``): ``row_positions`` from the codes."""
        codes = self.model_a if side == "model_a" else self.model_b
        index = {name: i for i, name in enumerate(self.models)}
        lookup = np.full(len(self.models) + 1, -1, dtype=dtype)  # the last slot: code -1
        for j, name in enumerate(names):
            i = index.get(str(name))
            if i is not None and lookup[i] < 0:
                lookup[i] = j
        return lookup[codes]

    def prime_voters(self, codes: np.ndarray, ids: pd.Index) -> None:
        """Take the voter codes someone computed already (``pd.factorize`` of this voter column)."""
        if len(codes) != len(self._frame):
            raise ValueError(f"{len(codes)} voter codes for {len(self._frame)} rows")
        self._voters = (np.asarray(codes, dtype=np.int32), ids)

    def _voter_codes(self) -> tuple[np.ndarray, pd.Index]:
        if self._voters is None:
            codes, ids = pd.factorize(self._frame["voter"], use_na_sentinel=True)
            self._voters = (np.asarray(codes, dtype=np.int32), pd.Index(ids))
        return self._voters

    @property
    def voter(self) -> np.ndarray:
        return self._voter_codes()[0]

    @property
    def voter_ids(self) -> pd.Index:
        return self._voter_codes()[1]

    def sorted_voters(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, pa.Array]:
        """The voter codes of ``rows`` (ascending positions; all rows by default) against the
        sorted ids present there, and those ids: ``pd.factorize(frame["voter"].iloc[rows],
        sort=True)`` (int32 codes, -1 where missing; ids as Arrow strings, which sort by UTF-8
        bytes as Python sorts ``str``), from the shared codes with no hash table built again."""
        codes, where = self.sorted_voter_positions(rows)
        return codes, arrow_strings(self.voter_ids).take(pa.array(where))

    def sorted_voter_positions(
        self, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`sorted_voters` without copying the ids: the codes, and where each sorted id
        is in :attr:`voter_ids` (int32), so ``voter_ids[where[code]]`` names a code.

        Why: millions of voter ids copied in sorted order cost about 0.1 GiB at 10M votes for
        the whole voter audit, which names only the voters it reports.
        """
        codes = self.voter if rows is None else self.voter[rows]
        ids = arrow_strings(self.voter_ids)
        order = string_sort_indices(ids)
        present = np.zeros(len(ids), dtype=bool)
        present[codes[codes >= 0]] = True
        kept = present[order]  # in sorted order: the ids these rows use
        index_in_sorted = np.empty(len(ids), dtype=np.int64)
        index_in_sorted[order] = np.cumsum(kept) - 1
        out = np.where(codes >= 0, index_in_sorted[np.maximum(codes, 0)], -1).astype(np.int32)
        return out, order[kept].astype(np.int32)

    @property
    def n_voters(self) -> int:
        """Distinct voter ids (missing not counted): ``frame["voter"].nunique()``."""
        return len(self.voter_ids)


# Per count of a word's bytes that belong to the string (0-8): the mask keeping those bytes.
_WORD_MASKS = np.array(
    [0, *(((1 << 64) - 1) ^ ((1 << (8 * (8 - r))) - 1) for r in range(1, 9))], dtype=np.uint64
)


def string_sort_indices(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """``pc.sort_indices(strings)`` (stable, by UTF-8 bytes) as int64, sorting integers, not strings.

    Each string is cut into 8-byte words read big-endian (zero past its end), so comparing the
    words in turn, then the lengths, orders two strings as comparing their bytes does (a string
    that ends where another has zero bytes left is the shorter: the length decides). Arrow sorts
    those integer columns; words every string shares (a common prefix such as ``arena_user_``) are
    left out. Why: Arrow's string sort compares variable-length values one pair at a time, 4-5 s
    for the 4.4M voter ids of a 10M-vote log; the integer sort takes about a third of that.
    With nulls the plain string sort runs (nulls last, as it puts them).
    """
    array = strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings
    if array.null_count or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        return np.asarray(pc.sort_indices(array).to_numpy(), dtype=np.int64)
    n = len(array)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets_buffer, data_buffer = array.buffers()
    assert offsets_buffer is not None
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[array.offset : array.offset + n + 1]
    starts = offsets[:-1].astype(np.int64)
    lengths = np.diff(offsets).astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.empty(0)
    columns: dict[str, np.ndarray] = {}
    for word in range((int(lengths.max()) + 7) // 8):
        key = _string_words(data, starts + 8 * word, lengths - 8 * word)
        if key[0] != key[-1] or not (key == key[0]).all():
            columns[f"w{word}"] = key
    columns["length"] = lengths
    table = pa.table(columns)
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in columns])
    return np.asarray(order.to_numpy(), dtype=np.int64)


def _string_words(data: np.ndarray, at: np.ndarray, left: np.ndarray) -> np.ndarray:
    """The 8 bytes of ``data`` from each ``at`` as a big-endian integer, only the first ``left``
    of them kept (the rest zero)."""
    keep = np.clip(left, 0, 8)
    at = np.where(keep > 0, at, 0)
    key = np.zeros(at.size, dtype=np.uint64)
    whole = at + 8 <= data.size  # all but the last few strings: read 8 bytes at once
    if data.size >= 8:
        words = np.ndarray(buffer=data, dtype=">u8", shape=(data.size - 7,), strides=(1,))
        key[whole] = words[at[whole]]
    for i in np.flatnonzero(~whole).tolist():
        tail = bytes(data[at[i] : at[i] + 8]).ljust(8, b"\0")
        key[i] = int.from_bytes(tail, "big")
    key &= _WORD_MASKS[keep]
    return key
