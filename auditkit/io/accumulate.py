"""The load state, defined once: every load path gathers its chunks in one :class:`LoadAccumulator`.

Three paths read chunks — :func:`auditkit.io.loader.load_battles` (files or an in-memory table, with
text), :func:`auditkit.streaming.stream_battles` (chunks read in this process, text scanned and
dropped) and the workers that read their own partitions (:mod:`auditkit.engine.partitions`). Each
hands every normalised chunk to a :class:`LoadAccumulator`: it counts the rows read, keeps the
quarantine (and stops a load that is mostly rejected), notes each file's format and voter field
and the unmapped languages, gathers the rows column by column in a :class:`TableAccumulator`, and
builds the final :class:`~auditkit.io.chunks.LoadResult` with the loader's last steps
(:func:`~auditkit.io.chunks.finish_load`). The streamed paths cut each chunk with
:func:`text_free_chunk` first, so they keep the same columns.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from auditkit.errors import InputError
from auditkit.io.chunks import CanonicalChunk, LoadResult, finish_load
from auditkit.io.models import (
    MODEL_COLUMNS,
    join_categories,
    model_categories,
    shared_categories,
)
from auditkit.io.quarantine import QuarantineLog, QuarantineRecord, write_quarantine
from auditkit.prompts import FINGERPRINT_COLUMNS, fingerprint_prompt_column
from auditkit.schema import CORE_COLUMNS, OPTIONAL_COLUMNS, TAG_PREFIX, empty_frame

__all__ = [
    "NOT_KEPT",
    "TEXT_COLUMNS",
    "BattleChunk",
    "LoadAccumulator",
    "TableAccumulator",
    "collect_chunks",
    "release_arrow_memory",
    "release_memory",
    "text_free_chunk",
]

log = logging.getLogger(__name__)

TEXT_COLUMNS = ("conversation_a", "conversation_b")
NOT_KEPT = (*TEXT_COLUMNS, "prompt")  # never in a streamed table
_NONE = pd.Series([], dtype=object)  # a column a frame lacks (not categorical)
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
        columns = {
            name: model_categories(frame[name]) if name in MODEL_COLUMNS else frame[name]
            for name in keep
        }
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
            column = (
                join_categories([piece.pop(name) for piece in self._pieces])
                if name in MODEL_COLUMNS and _all_categorical(name, self._pieces)
                else _same_dtype_concat(name, self._pieces)
            )
            if column is None:  # a chunk without the column, or chunks of different dtypes
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
        if all(isinstance(built.get(m, _NONE).dtype, pd.CategoricalDtype) for m in MODEL_COLUMNS):
            built["model_a"], built["model_b"] = shared_categories(
                built["model_a"], built["model_b"]
            )
        frame = pd.DataFrame(built, copy=False)
        del built
        core = [name for name, _ in CORE_COLUMNS]
        for name in core:
            if name not in frame.columns:  # only when every chunk was empty
                frame[name] = empty_frame()[name].reindex(range(len(frame)))
        rest = [c for c in frame.columns if c not in core]
        release_memory()  # the pieces' buffers, freed column by column, back to the OS
        return frame[core + rest]


class LoadAccumulator:
    """The state of one load while its chunks go by, and the :class:`LoadResult` it ends in.

    Feed it in input order: :meth:`add` a normalised chunk, or — for a reader whose chunks arrive
    in parts (the streamed and partitioned loads) — :meth:`read`, :meth:`reject` and :meth:`keep`
    them. ``drop`` names columns never kept; ``voter_field_names`` renames the voter field a
    chunk reports (a table loaded with ``columns={"voter": "user_hash"}`` reports ``user_hash``,
    not the source field it was mapped to). With ``quarantine_path`` the quarantine is written
    there by :meth:`finish`, and also when :meth:`reject` stops a mostly rejected load (the
    examples tell the operator what went wrong).
    """

    def __init__(
        self,
        files: Sequence[str | Path],
        *,
        drop: Sequence[str] = (),
        voter_field_names: Mapping[str, str] | None = None,
        quarantine_path: Path | None = None,
    ) -> None:
        self.files = [Path(f) for f in files]
        self.table = TableAccumulator(drop)
        self.quarantine = QuarantineLog()
        self.quarantine_path = quarantine_path
        self.rows_read = 0
        self.voter_fields: list[str] = []
        self.formats: dict[str, str] = {}  # file → "<schema> (<container>[.gz])"
        self.unmapped_languages: Counter[str] = Counter()
        self._voter_names = dict(voter_field_names or {})

    def read(
        self,
        file: str,
        rows_read: int = 0,
        *,
        voter_fields: Iterable[str | None] = (),
        source_format: str | None = None,
        unmapped_languages: Mapping[str, int] | None = None,
    ) -> None:
        """Count rows read from ``file`` and note what its chunk said of the source: its voter
        field(s), its format label (a file's label is the last one noted), unmapped languages."""
        self.rows_read += rows_read
        if unmapped_languages:
            self.unmapped_languages.update(unmapped_languages)
        for name in voter_fields:
            renamed = self._voter_names.get(name or "", name)
            if renamed and renamed not in self.voter_fields:
                self.voter_fields.append(renamed)
        if source_format is not None:
            self.formats[file] = source_format

    def reject(self, records: Iterable[QuarantineRecord], file: str) -> None:
        """Quarantine a chunk's rejected rows (after :meth:`read` counted the chunk).

        Raises :class:`~auditkit.errors.InputError` naming ``file`` when most of a large input
        read so far was rejected (:meth:`QuarantineLog.check_meaningful`).
        """
        self.quarantine.extend(records)
        try:
            self.quarantine.check_meaningful(self.rows_read, file)
        except InputError:
            if self.quarantine_path is not None:
                write_quarantine(self.quarantine.records, self.quarantine_path)
            raise

    def keep(self, frame: pd.DataFrame) -> None:
        """Keep a chunk's canonical rows (empty frames too: they carry its columns)."""
        self.table.add(frame)

    def add(self, chunk: CanonicalChunk, file: str) -> None:
        """One normalised chunk of ``file``, whole: counted, its rejects quarantined, rows kept."""
        self.read(
            file,
            chunk.rows_read,
            voter_fields=(chunk.voter_field,),
            source_format=chunk.source_format,
            unmapped_languages=chunk.unmapped_languages,
        )
        self.reject(chunk.quarantine, file)
        if chunk.frame is not None:
            self.keep(chunk.frame)

    def finish(self) -> LoadResult:
        """The kept rows as one table (built column by column) and the loader's last steps
        (:func:`~auditkit.io.chunks.finish_load`); the kept pieces are consumed."""
        return finish_load(
            self.table.build(),
            files=self.files,
            quarantine=self.quarantine,
            voter_fields=self.voter_fields,
            formats=self.formats,
            unmapped_languages=self.unmapped_languages,
            rows_read=self.rows_read,
            quarantine_path=self.quarantine_path,
        )


def collect_chunks(
    sources: Sequence[tuple[Path, Iterable[CanonicalChunk]]],
    *,
    quarantine_path: Path | None = None,
    voter_field_names: Mapping[str, str] | None = None,
) -> LoadResult:
    """Each source's canonical chunks (read in order) → one :class:`LoadResult`, with their text
    (the in-memory load; ``voter_field_names`` as :class:`LoadAccumulator`)."""
    load = LoadAccumulator(
        [path for path, _ in sources],
        voter_field_names=voter_field_names,
        quarantine_path=quarantine_path,
    )
    for path, chunks in sources:
        for chunk in chunks:
            load.add(chunk, str(path))
        log.debug("loaded %s as %s", path, load.formats.get(str(path)))
    return load.finish()


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


def _same_dtype_concat(name: str, pieces: list[dict[str, pd.Series]]) -> pd.Series | None:
    """Column ``name`` of every piece joined, when every piece has it with one dtype (the pieces
    give it up); None otherwise (the caller aligns the pieces as frames).

    Why: joining the pieces as Series skips a one-column frame per piece and the frame-level
    concat (a third of building a 3M-row table from 20k-row chunks); Arrow-backed strings are
    joined by their chunks, without a copy. Categoricals over different categories (each file's
    ``source_file``) are joined over the union of categories, sorted and only those used: what
    joining them as objects and casting back to ``category`` gives, without an object per row.
    """
    if not pieces or any(name not in piece for piece in pieces):
        return None
    first = pieces[0][name].dtype
    if any(piece[name].dtype != first for piece in pieces):
        if not all(isinstance(piece[name].dtype, pd.CategoricalDtype) for piece in pieces):
            return None
        parts = [piece.pop(name) for piece in pieces]
        joined = union_categoricals(parts, sort_categories=True).remove_unused_categories()
        return pd.Series(joined)
    return pd.concat([piece.pop(name) for piece in pieces], ignore_index=True)


def _all_categorical(name: str, pieces: list[dict[str, pd.Series]]) -> bool:
    return bool(pieces) and all(
        name in piece and isinstance(piece[name].dtype, pd.CategoricalDtype) for piece in pieces
    )


def _final_dtype(name: str, column: pd.Series) -> pd.Series:
    if name.startswith(TAG_PREFIX):
        return column.convert_dtypes()
    if name in MODEL_COLUMNS and isinstance(column.dtype, pd.CategoricalDtype):
        return column  # given one sorted category list with the other side in build
    dtype = _DTYPES.get(name)
    if dtype is None or dtype == "object":
        return column
    return column.astype(dtype)


def text_free_chunk(
    frame: pd.DataFrame, *, keep_prompt: bool, fingerprints: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One canonical chunk as the streamed table keeps it: no text, ``prompt`` → fingerprints
    (``fingerprints``: those of its ``prompt`` column when they were computed elsewhere, e.g. by
    the worker that scanned the chunk).

    One function for every reader of chunks — :func:`stream_battles` here, and the workers that
    read their own partitions (:mod:`auditkit.engine.partitions`) — so all keep the same columns.
    The kept columns are the frame's own (no copy of their values).
    """
    kept = fingerprint_prompt_column(frame, fingerprints) if keep_prompt else frame
    columns = {name: kept[name] for name in kept.columns if name not in NOT_KEPT}
    return pd.DataFrame(columns, index=kept.index, copy=False)
