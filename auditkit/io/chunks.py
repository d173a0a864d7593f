"""Chunks of a battle log → one :class:`~auditkit.schema.BattleTable` + quarantine (what
:func:`auditkit.io.loader.load_battles` and :func:`auditkit.io.frame.from_frame` share).

Each file is sniffed (container, compression, arena schema), read as chunks of source columns,
normalised chunk by chunk; every load path gathers the canonical chunks in one
:class:`~auditkit.io.accumulate.LoadAccumulator`, which ends in :func:`finish_load`. Vote ids are unique
across all files: a repeated id is quarantined as ``duplicate_vote_id`` (the first copy loads).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.errors import InputError, NotABattleLogError
from auditkit.io.arrowjsonl import ArrowColumns
from auditkit.io.arrownp import bools, string_array
from auditkit.io.detect import (
    detect_container,
    detect_schema,
    file_stem,
)
from auditkit.io.ids import VoteIdIndex
from auditkit.io.normalise import RawChunk, normalise_chunk
from auditkit.io.quarantine import QuarantineLog, QuarantineRecord, write_quarantine
from auditkit.lazy import lazy_module
from auditkit.vocabulary import VoterStatus

if TYPE_CHECKING:
    import pandas as pd

    from auditkit.schema import BattleTable
else:
    pd = lazy_module("pandas")  # to build the table; a clean file described needs none

__all__ = [
    "PLACEHOLDER_MIN_ROWS",
    "PLACEHOLDER_SHARE",
    "PLACEHOLDER_VOTER_VALUES",
    "CanonicalChunk",
    "LoadResult",
    "VoterVerdict",
    "classify_voters",
    "finish_load",
    "iter_chunks",
    "judge_voters",
    "normalise_blocks",
    "reader_for",
]

log = logging.getLogger(__name__)

# One voter id on at least this share of at least this many rows is a placeholder (a proxy's loopback
# address, a constant), not a person: GenAI-Arena's ``arena_user_::1`` is on all 2,061 rows. A busy
# shared IP covers a minority of rows and stays usable.
PLACEHOLDER_SHARE = 0.9
PLACEHOLDER_MIN_ROWS = 20
# Values that never identify a voter (compared stripped and lower-cased).
PLACEHOLDER_VOTER_VALUES = frozenset(
    {"", "anonymous", "anon", "unknown", "none", "null", "nan", "n/a", "-", "arena_user_"}
)

Reader = Callable[..., Iterator[RawChunk]]
# Each container's reader, imported when a file of that container is read (a JSON Lines load
# does not import the Parquet or CSV readers and what they import).
_READERS: dict[str, tuple[str, str]] = {
    "json": ("auditkit.io.jsonl", "read_json_array"),
    "jsonl": ("auditkit.io.jsonl", "read_jsonl"),
    "csv": ("auditkit.io.csvfile", "read_csv"),
    "parquet": ("auditkit.io.parquet", "read_parquet"),
}


def reader_for(container: str) -> Reader:
    """The reader of ``container`` (``json``, ``jsonl``, ``csv``, ``parquet``), imported now."""
    module, name = _READERS[container]
    reader: Reader = getattr(import_module(module), name)
    return reader


@dataclass(frozen=True, eq=False)
class LoadResult:
    """The loaded battles, every quarantined row, and the counts that reconcile them."""

    battles: BattleTable
    quarantine: list[QuarantineRecord]
    quarantine_counts: dict[str, int]
    rows_read: int
    rows_loaded: int
    files: tuple[str, ...] = ()
    formats: dict[str, str] = field(default_factory=dict)  # file → "<schema> (<container>[.gz])"
    # Rows quarantined in all; ``quarantine`` keeps the first examples of each reason only.
    quarantine_total: int | None = None

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine) if self.quarantine_total is None else self.quarantine_total

    def require_votes(self) -> LoadResult:
        """Self, or :class:`InputError` when no vote loaded: an empty input or every row
        quarantined is not something to audit or rate (exit 2, never a passing verdict)."""
        if self.rows_loaded:
            return self
        where = ", ".join(self.files) or None
        if not self.rows_read:
            raise InputError("no votes loaded: the input holds no rows", path=where)
        reasons = ", ".join(f"{k} {v:,}" for k, v in self.quarantine_counts.items())
        raise InputError(
            f"no votes loaded: all {self.rows_read:,} rows were quarantined ({reasons})",
            path=where,
        )

    def summary(self) -> str:
        reasons = ", ".join(f"{k} {v:,}" for k, v in self.quarantine_counts.items()) or "none"
        return (
            f"{self.rows_read:,} rows read, {self.rows_loaded:,} loaded, "
            f"{self.rows_quarantined:,} quarantined ({reasons})"
        )


def finish_load(
    frame: pd.DataFrame,
    *,
    files: Sequence[Path],
    quarantine: list[QuarantineRecord] | QuarantineLog,
    voter_fields: Sequence[str],
    formats: dict[str, str],
    unmapped_languages: Mapping[str, int],
    rows_read: int,
    quarantine_path: Path | None,
) -> LoadResult:
    """The loader's last steps, shared with the streaming loader: quarantine in file/line order,
    voter classification, the table's metadata, the quarantine file (the first examples of each
    reason in full, see :class:`QuarantineLog`; counts exact)."""
    if not isinstance(quarantine, QuarantineLog):
        log_ = QuarantineLog()
        log_.extend(quarantine)
        quarantine = log_
    counts, total = quarantine.sorted_counts(), quarantine.total
    if quarantine.omitted():
        log.warning(
            "quarantine: kept the first %d records of each reason; omitted %s",
            quarantine.max_examples,
            quarantine.omitted(),
        )
    records = quarantine.records
    order = {path: i for i, path in enumerate(files)}
    records.sort(key=lambda r: (order.get(Path(r.file), 0), r.line))
    from auditkit.schema import BattleTable

    voter_field = ",".join(voter_fields) or None
    frame, status, note, placeholder_rows, voter_codes = _classify_voters(frame, voter_field)
    extra: dict[str, Any] = {"voter_placeholder_rows": placeholder_rows}
    if unmapped_languages:
        extra["languages_unmapped"] = dict(sorted(unmapped_languages.items()))
    battles = BattleTable(
        frame=frame,
        voter_field=voter_field,
        voter_status=status,
        voter_note=note,
        sources=tuple(str(p) for p in files),
        source_formats=tuple(formats.get(str(p), "empty") for p in files),
        extra=extra,
    )
    if voter_codes is not None:  # computed to classify the field: every stage reuses them
        battles.codes.prime_voters(*voter_codes)
    if quarantine_path is not None:
        write_quarantine(records, quarantine_path)
    return LoadResult(
        battles=battles,
        quarantine=records,
        quarantine_counts=counts,
        rows_read=rows_read,
        rows_loaded=len(frame),
        files=tuple(str(p) for p in files),
        formats=dict(formats),
        quarantine_total=total,
    )


@dataclass(frozen=True, eq=False)
class CanonicalChunk:
    """One block of a file, normalised: canonical rows (dtypes not yet final) and what was rejected."""

    rows_read: int
    frame: pd.DataFrame | None
    quarantine: list[QuarantineRecord]
    voter_field: str | None
    source_format: str
    unmapped_languages: dict[str, int] = field(default_factory=dict)
    quarantined_ids: list[str] = field(default_factory=list)  # see ChunkResult


def iter_chunks(
    path: str | Path,
    *,
    fmt: str | None = None,
    with_text: bool = True,
    seen_ids: VoteIdIndex | None = None,
    block_rows: int | None = None,
    byte_range: tuple[int, int] | None = None,
    first_line: int = 1,
    row_groups: tuple[int, int] | None = None,
    known_battle_log: bool = False,
    encoding: str | None = None,
    arrow_text: bool = False,
) -> Generator[CanonicalChunk, None, bool]:
    """Stream one file as canonical chunks (JSONL by blocks of lines, Parquet by record batches).

    ``load_battles`` concatenates these; a streaming consumer can process them one at a time. Pass
    the same ``seen_ids`` index across files to keep vote ids unique over all of them.
    ``block_rows`` sets the rows per block (default: each reader's own), which bounds memory.
    ``byte_range`` (plain JSON Lines; ``first_line`` is the number of the line it starts at) or
    ``row_groups`` (Parquet) read one part of the file: the blocks that start inside it, cut as a
    whole-file read cuts them (:mod:`auditkit.engine.partitions`).
    A file whose first block with rows has no model_a/model_b fields is not a battle log:
    :class:`NotABattleLogError` (the generator then returns True, "stopped"). A later block
    without them has its rows quarantined as ``missing_model``; ``known_battle_log`` says the
    file's earlier part (read elsewhere) had battle rows, so even the first block here is a battle
    log's. Otherwise the generator returns False. ``arrow_text``: see :func:`normalise_blocks`.
    """
    path = Path(path)
    seen = VoteIdIndex() if seen_ids is None else seen_ids
    container, is_gzip = detect_container(path)
    if fmt is not None:
        container = fmt
    part: dict[str, Any] = {}
    if byte_range is not None:
        if container != "jsonl" or is_gzip:
            raise InputError("only plain JSON Lines can be read by byte range", path=str(path))
        part = {"start": byte_range[0], "end": byte_range[1], "first_line": first_line}
    elif row_groups is not None:
        if container != "parquet":
            raise InputError("only Parquet can be read by row groups", path=str(path))
        part = {"row_groups": row_groups}
    if encoding is not None and container != "parquet":
        part["encoding"] = encoding
    blocks = reader_for(container)(
        path, is_gzip=is_gzip, with_text=with_text, block_rows=block_rows, **part
    )
    return (
        yield from normalise_blocks(
            blocks,
            file=str(path),
            stem=file_stem(path),
            container=f"{container}{'.gz' if is_gzip else ''}",
            with_text=with_text,
            seen_ids=seen,
            known_battle_log=known_battle_log,
            arrow_text=arrow_text,
        )
    )


def normalise_blocks(
    blocks: Iterable[RawChunk],
    *,
    file: str,
    stem: str,
    container: str,
    with_text: bool,
    seen_ids: VoteIdIndex,
    known_battle_log: bool = False,
    arrow_text: bool = False,
) -> Generator[CanonicalChunk, None, bool]:
    """The path every source takes after parsing: sniff the arena schema on the first block with
    rows, then normalise block by block (see :func:`iter_chunks`, which feeds it a file's blocks;
    :func:`auditkit.io.frame.from_frame` feeds it an in-memory table's). ``file`` and ``stem``
    label quarantine records and generated vote ids; ``container`` goes into the format label.
    ``arrow_text``: conversations that Arrow typed stay Arrow in the frame (a ``pd.ArrowDtype``
    column, :meth:`~auditkit.io.arrowjsonl.ArrowColumns.keep_text_as_arrow`) for a consumer that
    only hands them on; other blocks' conversations are Python lists as always."""
    schema: str | None = None
    saw_objects = saw_battle_columns = stopped = False
    for raw in blocks:
        label = f"{schema or 'unknown'} ({container})"
        if raw.n == 0:
            yield CanonicalChunk(raw.rows_read, None, list(raw.rejected), None, label)
            continue
        saw_objects = True
        if not ({"model_a", "model_b"} & set(raw.columns)) and not (
            saw_battle_columns or known_battle_log
        ):
            stopped = True
            break  # e.g. a model-answers file: refuse below rather than quarantine every row
        # A later block without battle fields is a battle log's bad rows: each is quarantined
        # (missing_model), never skipped with the rest of the file.
        saw_battle_columns = True
        if schema is None:
            winners = set(raw.columns.get("winner", [])[:1000]) - {None}
            schema = detect_schema(raw.columns, winners)
            label = f"{schema} ({container})"
        if arrow_text and isinstance(raw.columns, ArrowColumns):
            raw.columns.keep_text_as_arrow()
        result = normalise_chunk(
            raw.columns,
            raw.n,
            lines=raw.lines,
            raw=raw.raw,
            file=file,
            stem=stem,
            with_text=with_text,
            seen_ids=seen_ids,
            pre_problems=raw.pre_problems,
        )
        yield CanonicalChunk(
            rows_read=raw.rows_read,
            frame=result.frame,
            quarantine=[*raw.rejected, *result.quarantine],
            voter_field=result.voter_field,
            source_format=label,
            unmapped_languages=result.unmapped_languages,
            quarantined_ids=result.quarantined_ids,
        )
    if saw_objects and not saw_battle_columns:
        raise NotABattleLogError(path=file)
    return stopped


def classify_voters(
    frame: pd.DataFrame, voter_field: str | None
) -> tuple[pd.DataFrame, VoterStatus, str, int]:
    """Decide whether the voter column identifies people; blank out placeholder values.

    Returns ``(frame, status, note, placeholder_rows)``. MISSING: no voter field or every value empty.
    PLACEHOLDER: every value is a placeholder ("anonymous", "arena_user_" …) or one id sits on at
    least ``PLACEHOLDER_SHARE`` of at least ``PLACEHOLDER_MIN_ROWS`` rows. Otherwise USABLE.
    """
    frame, status, note, placeholder_rows, _ = _classify_voters(frame, voter_field)
    return frame, status, note, placeholder_rows


_VoterCodes = tuple[np.ndarray, "pd.Index"]


def _classify_voters(
    frame: pd.DataFrame, voter_field: str | None
) -> tuple[pd.DataFrame, VoterStatus, str, int, _VoterCodes | None]:
    """:func:`classify_voters`, and the voter column's codes as ``pd.factorize`` gives them
    (None when there is no voter column to code), computed on the way."""
    n = len(frame)
    if voter_field is None or n == 0:
        return frame, VoterStatus.MISSING, "the source has no voter field", 0, None
    voters = frame["voter"]
    # Judged once per distinct id, not per row: 10M votes have a few million voters at most.
    codes, distinct = pd.factorize(voters, use_na_sentinel=True)
    # Arrow's hash table for millions of distinct ids is freed but kept by its allocator (0.7 GB
    # at 10M votes, 4.3M voters): handed back before judging, it is not under the load's peak.
    pa.default_memory_pool().release_unused()
    verdict = judge_voters(codes, _arrow_strings(distinct), voter_field)
    placeholder, placeholder_rows = verdict.placeholder, verdict.placeholder_rows
    voter_codes = _without(codes, distinct, placeholder) if placeholder_rows else (codes, distinct)
    if placeholder_rows:
        # A new voter column on a shallow copy: the other columns are shared, not copied.
        frame = frame.copy(deep=False)
        frame["voter"] = voters.mask(placeholder)
    return frame, verdict.status, verdict.note, placeholder_rows, voter_codes


@dataclass(frozen=True, eq=False)
class VoterVerdict:
    """What :func:`judge_voters` found: the status and note of a voter field, the rows holding a
    placeholder value (set missing in the table), and the distinct voters left."""

    status: VoterStatus
    note: str
    placeholder: np.ndarray
    placeholder_rows: int
    n_voters: int


def judge_voters(codes: np.ndarray, distinct: pa.Array, voter_field: str) -> VoterVerdict:
    """Judge a voter column given as codes (``pd.factorize``'s: -1 missing) of ``distinct`` ids.

    Placeholder values (:data:`PLACEHOLDER_VOTER_VALUES`, compared stripped and lower-cased as
    Arrow's ``utf8_trim_whitespace`` and ``utf8_lower`` do) are not voters; then the verdict of
    :func:`classify_voters`. Numpy and Arrow only: ``auditkit describe`` judges a clean file's
    voters without building a table.
    """
    n = len(codes)
    normalised = pc.utf8_lower(pc.utf8_trim_whitespace(distinct))
    values = string_array(sorted(PLACEHOLDER_VOTER_VALUES), normalised.type)
    is_placeholder = bools(pc.is_in(normalised, value_set=values))  # null: False
    placeholder = np.append(is_placeholder, False)[codes]  # code -1 (missing) → index -1 → False
    placeholder_rows = int(placeholder.sum())
    kept = codes[(codes >= 0) & ~placeholder]
    present = int(kept.size)

    def verdict(status: VoterStatus, note: str, n_voters: int = 0) -> VoterVerdict:
        return VoterVerdict(status, note, placeholder, placeholder_rows, n_voters)

    if present == 0:
        if placeholder_rows:
            note = (
                f"all {placeholder_rows:,} {voter_field} values are placeholders (e.g. 'anonymous')"
            )
            return verdict(VoterStatus.PLACEHOLDER, note)
        return verdict(VoterStatus.MISSING, f"{voter_field} is empty on every row")
    per_voter = np.bincount(kept, minlength=len(distinct))
    top = int(np.argmax(per_voter))  # ties: the id seen first, as value_counts orders them
    top_id, top_count = str(distinct[top].as_py()), int(per_voter[top])
    n_voters = int(np.count_nonzero(per_voter))
    # The share is over rows that carry a voter id, so mixing in a voter-less source cannot hide it.
    if present >= PLACEHOLDER_MIN_ROWS and top_count >= PLACEHOLDER_SHARE * present:
        note = (
            f"{voter_field} {top_id!r} is on {top_count:,} of {present:,} rows with a voter id "
            f"({top_count / present:.1%}): one id for nearly every vote (a proxy or loopback address), "
            "not a voter"
        )
        return verdict(VoterStatus.PLACEHOLDER, note, n_voters)
    note = f"{voter_field}: {n_voters:,} distinct voters on {present:,} of {n:,} rows"
    if placeholder_rows:
        note += f"; {placeholder_rows:,} placeholder values set to missing"
    return verdict(VoterStatus.USABLE, note, n_voters)


def _arrow_strings(values: pd.Index) -> pa.Array:
    """Distinct ids as an Arrow string array (zero-copy for the table's Arrow-backed strings)."""
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    return array


def _without(codes: np.ndarray, distinct: pd.Index, dropped: np.ndarray) -> _VoterCodes:
    """``pd.factorize`` codes with the ``dropped`` rows set missing, recoded as ``pd.factorize``
    codes the column without them (ids no row keeps are removed; the order of first appearance
    of the others is unchanged)."""
    codes = np.where(dropped, -1, codes)
    used = np.zeros(len(distinct), dtype=bool)
    used[codes[codes >= 0]] = True
    renumber = np.cumsum(used) - 1
    return np.where(codes >= 0, renumber[codes], -1), distinct[used]
