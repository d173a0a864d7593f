"""A clean battle log counted without building the battle table: what ``auditkit describe`` prints.

Why: ``describe --no-text`` should cost about what parsing the file costs. Loading builds a pandas
table (importing pandas alone is about 0.4 s), gathers it column by column and factorises it; to
print counts none of that is needed. Here each block goes through the same reader and the same
column checks as the load (:meth:`~auditkit.io.arrowjsonl.ArrowColumns.failing_rows`; the ids
repeated across blocks are looked for once at the end, :class:`~auditkit.io.ids.DeferredIdCheck`),
its canonical columns are built as the load builds them
(:meth:`~auditkit.io.arrowjsonl.ArrowColumns.arrow_chunk`), and only their counts are kept; the
voter field is judged by the loader's own :func:`~auditkit.io.chunks.judge_voters`.

Only the plain case is counted: every block read column-wise, no text, nothing to quarantine but
self battles (real exports hold a few: LMArena's 140k file has ten) whose every other field passed
the checks, so the load quarantines each for that one reason. At the first block that is not so (a
row the exact path must judge, a field only the per-value path reads, an empty block)
:func:`count_files` returns None and the caller loads the files as usual, so the counts are always
those of the table the load would build.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.io.arrowjsonl import ArrowChunk, ArrowColumns
from auditkit.io.arrownp import integers
from auditkit.io.chunks import VoterVerdict, judge_voters, reader_for
from auditkit.io.detect import detect_container, detect_schema, file_stem
from auditkit.io.ids import DeferredIdCheck
from auditkit.io.normalise import MAX_FAILING_SHARE, RawChunk
from auditkit.io.quarantine import MEANINGLESS_SHARE
from auditkit.vocabulary import OPTIONAL_COLUMNS, STYLE_COLUMNS, TAG_PREFIX, WINNER_VALUES

__all__ = ["TableCounts", "count_files"]

# Optional table columns a clean text-free block adds, by the source field that brings them.
_OPTIONAL_FROM: dict[str, tuple[str, ...]] = {
    "conv_metadata": STYLE_COLUMNS,
    "dedup_tag": ("dedup_tag",),
    "is_code": ("is_code",),
}


@dataclass(eq=False)
class TableCounts:
    """The counts of the battle table a load of ``files`` would build (text-free).

    ``models``: battles per model (either side); ``winners``: rows per label of
    :data:`~auditkit.vocabulary.WINNER_VALUES`; ``languages``: rows per language code in order of
    first appearance; ``turns``: rows per valid turn count; ``voters``: the voter field's verdict
    (None: no voter field); ``tag_columns``: the ``tag.*`` columns in the table's order;
    ``self_battles``: rows quarantined (for a self battle, the only reason counted here).
    """

    files: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    self_battles: int = 0
    models: Counter[str] = field(default_factory=Counter)
    winners: np.ndarray = field(default_factory=lambda: np.zeros(len(WINNER_VALUES), np.int64))
    voter_field: str | None = None
    voters: VoterVerdict | None = None
    time_min: float = math.inf
    time_max: float = -math.inf
    rows_with_time: int = 0
    anonymous: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    turns: Counter[int] = field(default_factory=Counter)
    columns: set[str] = field(default_factory=set)
    tag_columns: dict[str, None] = field(default_factory=dict)

    @property
    def optional_columns(self) -> list[str]:
        """The optional table columns present, in the table's order."""
        return [name for name, _ in OPTIONAL_COLUMNS if name in self.columns]

    def add(self, part: ArrowChunk) -> None:
        """Count one block's canonical columns."""
        self.rows += len(part.tstamp)
        for side in (part.model_a, part.model_b):
            counted = pc.value_counts(side)
            names = counted.field("values").to_pylist()
            self.models.update(dict(zip(names, counted.field("counts").to_pylist(), strict=True)))
        self.winners += np.bincount(part.winner, minlength=len(WINNER_VALUES))
        tstamp = part.tstamp[~np.isnan(part.tstamp)]
        if tstamp.size:
            self.time_min = min(self.time_min, float(tstamp.min()))
            self.time_max = max(self.time_max, float(tstamp.max()))
            self.rows_with_time += int(tstamp.size)
        self.anonymous += int(np.count_nonzero(part.anony))
        counted = pc.value_counts(part.language.drop_null())
        names = counted.field("values").to_pylist()
        for name, count in zip(names, counted.field("counts").to_pylist(), strict=True):
            self.languages[name] = self.languages.get(name, 0) + count
        if part.turns is not None:
            values, valid = part.turns
            per_count = np.bincount(values[valid].astype(np.int64))
            self.turns.update({t: int(c) for t, c in enumerate(per_count.tolist()) if c})
        for key, columns in _OPTIONAL_FROM.items():
            if key in part.keys:
                self.columns.update(columns)
        for tag in part.tags:  # in the table's order: first seen, sorted within a block
            self.tag_columns.setdefault(f"{TAG_PREFIX}{tag}", None)


def count_files(
    paths: Sequence[Path], *, fmt: str | None = None, encoding: str | None = None
) -> TableCounts | None:
    """The counts of the text-free table :func:`~auditkit.io.loader.load_battles` would build
    from ``paths``, or None when a block is not plain (see the module docstring): then load."""
    paths = [Path(p) for p in paths]
    counts = TableCounts(files=[str(p) for p in paths])
    seen_ids = DeferredIdCheck()
    voters: list[pa.Array] = []
    voter_fields: list[str] = []
    for path in paths:
        container, is_gzip = detect_container(path)
        container = fmt or container
        options = {"encoding": encoding} if encoding is not None and container != "parquet" else {}
        blocks = reader_for(container)(
            path, is_gzip=is_gzip, with_text=False, block_rows=None, **options
        )
        try:
            schema = _count_blocks(blocks, file_stem(path), counts, seen_ids, voters, voter_fields)
        finally:  # stop the reader (and its read-ahead) when the count ends early
            close = getattr(blocks, "close", None)
            if close is not None:
                close()
        if not schema:  # a block not plain, or no rows at all (the load names that file "empty")
            return None
        counts.formats[str(path)] = f"{schema} ({container}{'.gz' if is_gzip else ''})"
    # No row kept, or an id on two blocks (or two files): the load judges those.
    if counts.rows == 0 or seen_ids.repeats():
        return None
    counts.voter_field = ",".join(voter_fields) or None
    if counts.voter_field is not None:
        codes, distinct = _encoded(voters)
        counts.voters = judge_voters(codes, distinct, counts.voter_field)
    return counts


def _encoded(blocks: list[pa.Array]) -> tuple[np.ndarray, pa.Array]:
    """The codes (-1: null) and distinct values of the blocks' values joined, as
    ``dictionary_encode`` of the joined column gives them.

    Why the blocks are not joined first: Arrow encodes a chunked array with one table of values
    across its chunks and gives every chunk the final dictionary, so the codes of the chunks
    are already the joined column's; joining the voter ids (about 25 MB of new memory at 1M
    rows) cost about as much as a third of the encoding.
    """
    chunks = pa.chunked_array(blocks, type=blocks[0].type).dictionary_encode().chunks
    if chunks and all(_same(chunk.dictionary, chunks[-1].dictionary) for chunk in chunks[:-1]):
        codes = integers(pa.chunked_array([chunk.indices for chunk in chunks]), fill=-1)
        return codes, chunks[-1].dictionary
    joined = pa.chunked_array(blocks, type=blocks[0].type).combine_chunks().dictionary_encode()
    return integers(joined.indices, fill=-1), joined.dictionary


def _same(array: pa.Array, other: pa.Array) -> bool:
    """Whether two arrays hold the same values: the same buffers (no pass over them), else
    compared."""
    ours, theirs = array.buffers(), other.buffers()
    shared = (
        len(array) == len(other)
        and array.offset == other.offset
        and len(ours) == len(theirs)
        and all(
            (a is None and b is None)
            or (a is not None and b is not None and a.address == b.address)
            for a, b in zip(ours, theirs, strict=True)
        )
    )
    return shared or bool(array.equals(other))


def _count_blocks(
    blocks: Iterable[RawChunk],
    stem: str,
    counts: TableCounts,
    seen_ids: DeferredIdCheck,
    voters: list[pa.Array],
    voter_fields: list[str],
) -> str | Literal[False] | None:
    """Count one file's blocks (``stem`` names a vote without an id, as the load names it); the
    arena schema the load names it by (None: no block), or False
    at the first block that is not plain."""
    schema: str | None = None
    for raw in blocks:
        columns = raw.columns
        if (
            not isinstance(columns, ArrowColumns)
            or raw.n == 0
            or raw.rejected
            or raw.pre_problems
            or not {"model_a", "model_b"} <= set(columns)
            or not columns.column_wise(False)
        ):
            return False
        failing = columns.failing_rows(seen_ids, lines=raw.lines, stem=stem)
        if failing.any() and (
            failing.mean() > MAX_FAILING_SHARE or (failing != columns.only_self_battles()).any()
        ):
            return False
        if schema is None:  # as the load names it: on the first block with rows
            winners = set(columns.get("winner", [])[:1000]) - {None}
            schema = detect_schema(columns, winners)
        part = _loaded_part(columns, failing, raw.lines, seen_ids)
        counts.add(part)
        counts.self_battles += int(failing.sum())
        if counts.self_battles > MEANINGLESS_SHARE * (counts.rows + counts.self_battles):
            return False  # the load may stop here: most rows read so far were quarantined
        voters.append(part.voter)
        if part.voter_field is not None and part.voter_field not in voter_fields:
            voter_fields.append(part.voter_field)
    return schema


def _loaded_part(
    columns: ArrowColumns, failing: np.ndarray, lines: np.ndarray, seen_ids: DeferredIdCheck
) -> ArrowChunk:
    """The canonical columns of the rows of a block the load keeps (all but its self battles),
    as the load builds them (:func:`auditkit.io.normalise._column_wise`). Its tag keys are the
    whole block's: the struct pyarrow parsed lists every key of every row, the quarantined ones'
    too, as the load's merged block does. All the block's ids join ``seen_ids``: a repeat of a
    quarantined one sends the files to the load, which judges it."""
    part = columns.arrow_chunk(lines=lines, seen_ids=seen_ids)
    return part.without(failing) if failing.any() else part
