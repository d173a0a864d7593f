"""In-memory tables in: a pandas DataFrame, a pyarrow Table or a Hugging Face ``datasets.Dataset`` →
the same :class:`~auditkit.io.chunks.LoadResult` a file with those columns gives.

A table takes the path a file takes after parsing (:func:`~auditkit.io.chunks.normalise_blocks`): the
same schema sniffing (FastChat, 55k, 100k/140k, Copilot), the same normalisation and quarantine. Only
the parsing differs, and it is lossless: each column becomes one Python value per row exactly as the
Parquet reader makes them (through Arrow), and a column Arrow cannot hold as one type (a mix of
numbers and text, say) is converted value by value instead, so its bad rows are quarantined with
their reasons rather than failing the whole load.

Where a file has line numbers, a table has its row index: a DataFrame's index label when the index
is of unique integers (``df.loc[record.line]`` finds a quarantined row, also in a filtered frame),
else the 0-based row position (``df.iloc[record.line]``; always so for Arrow tables and datasets).
``source_line`` in the battle table holds the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from auditkit.errors import InputError
from auditkit.io.accumulate import collect_chunks
from auditkit.io.chunks import LoadResult, normalise_blocks
from auditkit.io.ids import VoteIdIndex
from auditkit.io.normalise import CONVERSATION_FIELDS, KNOWN_FIELDS, VOTER_FIELDS, RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS

if TYPE_CHECKING:
    import datasets

__all__ = ["BLOCK_ROWS", "FIELD_ALIASES", "TableLike", "from_frame", "is_table", "table_sha256"]

TableLike: TypeAlias = "pd.DataFrame | pa.Table | pa.RecordBatch | datasets.Dataset"

# Rows normalised at a time (as the JSON Lines reader): bounds the Python copies of a large table.
BLOCK_ROWS = 100_000
# ``columns=`` keys that name a canonical column rather than a source field.
FIELD_ALIASES: dict[str, str] = {"voter": VOTER_FIELDS[0], "vote_id": "question_id"}


def _is_dataset(table: object) -> bool:
    """A Hugging Face ``datasets.Dataset``, recognised without importing ``datasets``."""
    kind = type(table)
    return kind.__name__ == "Dataset" and kind.__module__.startswith("datasets.")


def is_table(source: object) -> bool:
    """True for the in-memory tables :func:`from_frame` reads."""
    return isinstance(source, pd.DataFrame | pa.Table | pa.RecordBatch) or _is_dataset(source)


def _plain(value: Any) -> Any:
    """A cell as a parsed JSON value would be: numpy arrays → lists, numpy scalars → Python."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> Any:
    """A top-level cell: pandas' missing markers (NaN, NA, NaT) → None, the rest as :func:`_plain`."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    return _plain(value)


def _series_values(series: pd.Series) -> list[Any]:
    """One Python value per row: through Arrow when the column has one type (as the Parquet reader
    sees it), else value by value."""
    try:
        values: list[Any] = pa.array(series, from_pandas=True).to_pylist()
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return [_cell(v) for v in series.tolist()]
    return values


def _render(row: Mapping[str, Any]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)[:MAX_RAW_CHARS]


def _check_names(names: list[Any], what: str) -> list[str]:
    if not all(isinstance(n, str) for n in names):
        odd = next(n for n in names if not isinstance(n, str))
        raise InputError(f"{what} has a column named {odd!r}; column names must be strings")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError(f"{what} has duplicate columns: {', '.join(map(repr, duplicated))}")
    return list(names)


def _renames(names: list[str], columns: Mapping[str, str] | None) -> dict[str, str]:
    """``columns=`` (auditkit field → the table's column) as table column → source field name."""
    renames: dict[str, str] = {}
    for target, column in (columns or {}).items():
        source_field = FIELD_ALIASES.get(target, target)
        if source_field not in KNOWN_FIELDS:
            known = ", ".join(sorted({*KNOWN_FIELDS, *FIELD_ALIASES}))
            raise InputError(f"columns=: unknown field {target!r} (known: {known})")
        if column not in names:
            raise InputError(f"columns=: the table has no column {column!r}", field=target)
        if column in renames:
            raise InputError(
                f"columns=: column {column!r} is mapped to both {renames[column]!r} and "
                f"{source_field!r}"
            )
        if source_field in names and source_field != column:
            raise InputError(
                f"columns=: the table already has a column {source_field!r}; mapping {column!r} "
                "onto it would hide one of them (drop or rename one first)",
                field=target,
            )
        renames[column] = source_field
    clashes = sorted({f for f in renames.values() if list(renames.values()).count(f) > 1})
    if clashes:
        raise InputError(f"columns=: two columns are mapped to {clashes[0]!r}")
    return renames


def _wanted(fields: list[str], with_text: bool) -> set[str]:
    """The source fields the normaliser reads (as the file readers choose them)."""
    known = KNOWN_FIELDS if with_text else KNOWN_FIELDS - CONVERSATION_FIELDS
    if not with_text and "winner_model_a" in fields:
        known = known | {"prompt"}  # 55k: the number of turns comes from the prompt list
    return {f for f in fields if f in known}


def _row_labels(frame: pd.DataFrame) -> np.ndarray:
    """The DataFrame's index when it is unique integers, else 0-based positions."""
    index = frame.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.is_unique:
        return np.asarray(index, dtype=np.int64)
    return np.arange(len(frame), dtype=np.int64)


class _Source:
    """A table's rows as blocks of source columns (what a file reader yields)."""

    def __init__(self, table: Any) -> None:
        self.arrow: pa.Table | None = None
        self.frame: pd.DataFrame | None = None
        if isinstance(table, pd.DataFrame):
            if isinstance(table.columns, pd.MultiIndex):
                raise InputError("the DataFrame has MultiIndex columns; flatten them first")
            self.kind, self.frame, self.n = "DataFrame", table, len(table)
            self.names = _check_names(list(table.columns), "the DataFrame")
            self.lines = _row_labels(table)
            return
        if _is_dataset(table):
            self.kind = "Dataset"
            self.arrow = table.with_format("arrow")[:]  # the selected rows, in the dataset's order
        else:
            self.kind = "Arrow"
            self.arrow = (
                pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table
            )
        assert self.arrow is not None
        self.n = self.arrow.num_rows
        self.names = _check_names(list(self.arrow.column_names), f"the {self.kind} table")
        self.lines = np.arange(self.n, dtype=np.int64)

    def values(self, name: str, start: int, stop: int) -> list[Any]:
        if self.arrow is not None:
            values: list[Any] = self.arrow.column(name).slice(start, stop - start).to_pylist()
            return values
        assert self.frame is not None
        return _series_values(self.frame[name].iloc[start:stop])

    def raw(self, position: int) -> str:
        """The whole row (every column, mapped or not) as JSON text, for the quarantine."""
        if self.arrow is not None:
            return _render(self.arrow.slice(position, 1).to_pylist()[0])
        assert self.frame is not None
        # Cell by cell: a row as a Series would share one dtype (ints read back as floats).
        frame = self.frame
        return _render({name: _cell(frame[name].iat[position]) for name in self.names})

    def blocks(self, renames: Mapping[str, str], with_text: bool) -> Iterator[RawChunk]:
        fields = {renames.get(name, name): name for name in self.names}
        wanted = sorted(_wanted(list(fields), with_text))
        for start in range(0, self.n, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, self.n)

            def raw(i: int, start: int = start) -> str:
                return self.raw(start + i)

            yield RawChunk(
                columns={f: self.values(fields[f], start, stop) for f in wanted},
                n=stop - start,
                lines=self.lines[start:stop],
                raw=raw,
                rows_read=stop - start,
            )


def from_frame(
    table: TableLike,
    *,
    columns: Mapping[str, str] | None = None,
    name: str | None = None,
    with_text: bool = True,
    quarantine_path: Path | None = None,
) -> LoadResult:
    """Load battles from an in-memory table, exactly as from a file with the same fields.

    Parameters
    ----------
    table
        A pandas DataFrame, a pyarrow Table or RecordBatch, or a Hugging Face ``datasets.Dataset``
        (its selected rows, in order) with the fields of any supported arena schema.
    columns
        Maps auditkit's field names to the table's, for tables with unusual names:
        ``{"winner": "vote", "voter": "user_hash"}``. Keys are source fields (``model_a``,
        ``winner``, ``tstamp``, ``judge``, ``conversation_a`` …) or the aliases ``voter`` and
        ``vote_id``. The voter field is then reported under the table's own name.
    name
        Labels the source: ``file`` of quarantine records, ``sources`` of the battle table, and the
        prefix of vote ids made for rows without one (``name:row``). Default ``<DataFrame>``
        (``<Arrow>``, ``<Dataset>``), ids ``DataFrame:row``.
    with_text, quarantine_path
        As :func:`~auditkit.io.loader.load_battles`.

    Returns
    -------
    LoadResult
        The battles and every quarantined row; a record's ``line`` is the row index (see the
        module docstring).

    Raises
    ------
    InputError
        Not a table, duplicate or non-string column names, a bad ``columns=`` mapping, or no
        ``model_a``/``model_b`` column at all.
    """
    if not is_table(table):
        raise InputError(
            f"expected a pandas DataFrame, pyarrow Table or datasets.Dataset, "
            f"not {type(table).__name__}"
        )
    source = _Source(table)
    renames = _renames(source.names, columns)
    fields = {renames.get(n, n) for n in source.names}
    label = name or f"<{source.kind}>"
    if not {"model_a", "model_b"} & fields:
        shown = ", ".join(repr(n) for n in source.names[:20])
        raise InputError(
            "not a battle table: no model_a/model_b columns (columns: "
            f"{shown}{' …' if len(source.names) > 20 else ''}); map yours with columns=",
            path=label,
        )
    chunks = normalise_blocks(
        source.blocks(renames, with_text),
        file=label,
        stem=name or source.kind,
        container=source.kind,
        with_text=with_text,
        seen_ids=VoteIdIndex(),
    )
    voter_names = {field: column for column, field in renames.items() if field in VOTER_FIELDS}
    return collect_chunks(
        [(Path(label), chunks)], quarantine_path=quarantine_path, voter_field_names=voter_names
    )


def table_sha256(loaded: LoadResult) -> str:
    """SHA-256 of what was loaded — the canonical rows, then every quarantined row — standing in
    for a file's hash when the input was an in-memory table. The same rows give the same hash."""
    digest = hashlib.sha256()
    frame = loaded.battles.frame
    for name in frame.columns:
        column = frame[name]
        digest.update(json.dumps(str(name)).encode())
        try:
            hashes = pd.util.hash_pandas_object(column, index=False)
        except TypeError:  # nested values (conversations) hash by their JSON text
            text = column.map(lambda v: json.dumps(v, sort_keys=True, default=str))
            hashes = pd.util.hash_pandas_object(text, index=False)
        digest.update(hashes.to_numpy(dtype=np.uint64).tobytes())
    for record in loaded.quarantine:
        digest.update(json.dumps(record.to_dict(), sort_keys=True, default=str).encode())
    return digest.hexdigest()
