"""Integer codes of a table's string columns, computed over Arrow buffers.

Why: a 10M-vote table asked "which model is on side A of each row" through pandas ``map`` or
``isin`` with a dict makes a Python object per row; Arrow hashes only the short list of values
asked about and scans the column's buffers, so the answer costs a pass over bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TableCodes", "arrow_strings", "distinct_strings", "row_positions", "sorted_models"]


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

    def positions(self, side: str, names: Sequence[str]) -> np.ndarray:
        """Each row's index in ``names`` on ``side`` (``model_a`` / ``model_b``; -1 where absent
        or missing; the first of repeated names), as int64: ``row_positions`` from the codes."""
        codes = self.model_a if side == "model_a" else self.model_b
        index = {name: i for i, name in enumerate(self.models)}
        lookup = np.full(len(self.models) + 1, -1, dtype=np.int64)  # the last slot: code -1
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
        order = np.asarray(pc.sort_indices(ids).to_numpy(), dtype=np.int64)
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
