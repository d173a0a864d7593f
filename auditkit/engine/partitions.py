"""Workers that read their own partitions of the input; the client only plans, checks and merges.

Why: when the client reads and parses every file and ships each chunk's text to a worker, all the
text crosses the network and one machine does all the parsing, so a bigger cluster stops helping.
Here each worker reads, normalises and scans its own part of the (shared) files and sends back only
the text-free rows, the quarantine records, counts and its text detectors' partial results.

The answer is the local engine's, exactly; what it takes:

- **The same blocks.** Plain JSON Lines is cut into byte ranges of about ``partition_bytes`` that
  start at line starts (:func:`plan_byte_ranges`), Parquet into runs of whole row groups
  (:func:`plan_row_groups`). A first cheap pass on the workers counts each range's lines
  (:func:`count_lines`), so every partition knows the number of its first line. A partition then
  reads the blocks of ``chunk_rows`` lines (rows), counted from the top of the file, that *start*
  inside it (:func:`auditkit.io.loader.iter_chunks` with ``byte_range`` or ``row_groups``): the
  blocks are the sequential reader's, so is every per-block decision of the loader.
- **Duplicate vote ids.** The loader quarantines a row whose id an earlier row already loaded; a
  worker knows only its own partition. So it also returns the id of every row it normalised
  (loaded or quarantined). The client walks the partitions in order with one
  :class:`~auditkit.io.ids.VoteIdIndex`: a partition none of whose ids was loaded before gives
  exactly the sequential answer and is taken as it is; otherwise the client reads that partition
  again itself, with the global index and a local scan, as the sequential loader would (counted in
  the load's notes and logged). Optimistic, with an exact fallback.
- **Rows without battle fields.** The loader refuses a file whose first block with rows has no
  model_a/model_b fields and quarantines such rows anywhere later. A worker cannot tell whether
  its first block is the file's first with rows, so it reports a refusal; the client raises the
  loader's error if the file has no battle rows yet, else reads that partition again itself.
- **Labels.** A file's schema label comes from its first block with rows, so from the first
  partition that has one.

Memory: at most ``max_pending`` (2 × workers) partitions in flight. A partition is about
``partition_bytes`` of input (default 64 MiB); a worker holds one block of text at a time plus its
partition's text-free rows, and the client holds only text-free rows.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from auditkit.detectors.base import DetectorResult
from auditkit.engine.load import ChunkDetections, StreamedLoad
from auditkit.engine.scan import IDENTITY, chunk_columns, detect_chunk, scan_frame
from auditkit.errors import InputError, NotABattleLogError
from auditkit.io.accumulate import (
    BattleChunk,
    LoadAccumulator,
    release_arrow_memory,
    text_free_chunk,
)
from auditkit.io.detect import CONTAINERS, detect_container, sniff_encoding
from auditkit.io.ids import VoteIdIndex
from auditkit.io.loader import iter_chunks
from auditkit.schema import empty_frame

if TYPE_CHECKING:
    from auditkit.engine.base import Engine
    from auditkit.rulepack import RulePack

__all__ = [
    "PARTITION_BYTES",
    "Partition",
    "PartitionResult",
    "count_lines",
    "plan_byte_ranges",
    "plan_partitions",
    "plan_row_groups",
    "read_partition",
    "stream_partitions",
]

log = logging.getLogger(__name__)

PARTITION_BYTES = 64 * 2**20
_READ_BYTES = 16 * 2**20  # how much of a range count_lines holds at once


@dataclass(frozen=True)
class Partition:
    """One part of one input file and how to read it (small: it is sent to a worker)."""

    file: str  # the path as given: it labels rows and quarantine records
    location: str  # the absolute path a worker opens
    container: str  # "jsonl" or "parquet"
    chunk_rows: int
    with_text: bool = True
    keep_prompt: bool = True
    byte_range: tuple[int, int] | None = None  # JSON Lines
    first_line: int = 1  # the number of the line at byte_range[0]
    row_groups: tuple[int, int] | None = None  # Parquet: first, stop


@dataclass(frozen=True, eq=False)
class PartitionResult:
    """What a partition's reader sends back; no conversation text."""

    chunks: tuple[BattleChunk, ...]  # one per block: text-free rows, quarantine, rows read
    quarantined_ids: tuple[str, ...]  # ids of the rows normalisation quarantined
    detected: tuple[tuple[DetectorResult, ...], ...]  # per block with rows: each text detector's
    voter_fields: tuple[str, ...]
    unmapped_languages: dict[str, int] = field(default_factory=dict)
    label: str | None = None  # the last block's "<schema> (<container>)"
    saw_rows: bool = False  # a block with battle rows (then ``label`` names the schema)
    stopped: bool = False  # ended at a block whose rows have no model_a/model_b fields
    refused: bool = False  # ... and that was its first block with rows
    text_rows: int = 0
    text_chunks: int = 0

    def loaded_ids(self) -> tuple[list[str], np.ndarray]:
        """The vote ids of the loaded rows and their lines (what the loader's index records)."""
        frames = [c.frame for c in self.chunks if c.normalised and len(c.frame)]
        if not frames:
            return [], np.empty(0, dtype=np.int64)
        ids = [i for frame in frames for i in frame["vote_id"].tolist()]
        lines = np.concatenate([frame["source_line"].to_numpy(dtype=np.int64) for frame in frames])
        return ids, lines


def plan_byte_ranges(path: Path, partition_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``partition_bytes`` covering ``path``, each starting at a line start.

    A range ends where the line holding its last target byte ends, so no line is split; a line
    longer than ``partition_bytes`` makes its range longer. An empty file has no ranges.
    """
    if partition_bytes < 1:
        raise ValueError("partition_bytes must be at least 1")
    size = path.stat().st_size
    starts = [0]
    with path.open("rb") as handle:
        while starts[-1] + partition_bytes < size:
            handle.seek(starts[-1] + partition_bytes - 1)
            handle.readline()  # to the first line start at or after the target
            if handle.tell() >= size:
                break
            starts.append(handle.tell())
    ends = [*starts[1:], size]
    return [(start, end) for start, end in zip(starts, ends, strict=True) if end > start]


def plan_row_groups(path: Path, partition_bytes: int) -> list[tuple[int, int]]:
    """Runs ``(first, stop)`` of whole row groups of about ``partition_bytes`` (uncompressed)."""
    meta = pq.ParquetFile(path).metadata
    runs: list[tuple[int, int]] = []
    first = held = 0
    for group in range(meta.num_row_groups):
        held += meta.row_group(group).total_byte_size
        if held >= partition_bytes:
            runs.append((first, group + 1))
            first, held = group + 1, 0
    if first < meta.num_row_groups:
        runs.append((first, meta.num_row_groups))
    return runs


def count_lines(span: tuple[str, int, int]) -> int:
    """Lines in the byte range ``(path, start, end)``: its newlines, plus an unterminated last line."""
    location, start, end = span
    lines = 0
    last = b"\n"
    with open(location, "rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            data = handle.read(min(left, _READ_BYTES))
            if not data:
                break
            lines += data.count(b"\n")
            left -= len(data)
            last = data[-1:]
    return lines + (last != b"\n")


def plan_partitions(
    files: Sequence[Path],
    engine: Engine,
    *,
    chunk_rows: int,
    fmt: str | None = None,
    with_text: bool = True,
    keep_prompt: bool = True,
) -> list[Partition] | None:
    """The partitions of ``files`` in input order; None when a file cannot be split.

    Splittable: plain (not gzip) JSON Lines and Parquet. JSON Lines ranges get their first line
    numbers from :func:`count_lines`, run on the engine's workers.
    """
    partition_bytes = engine.partition_bytes or PARTITION_BYTES
    planned: list[tuple[Path, str, list[tuple[int, int]]]] = []
    for path in files:
        try:
            container, is_gzip = detect_container(path)
            container = fmt or container
            if (
                container == "jsonl"
                and not is_gzip
                and sniff_encoding(path) in ("utf-8", "utf-8-sig")
            ):
                planned.append((path, container, plan_byte_ranges(path, partition_bytes)))
            elif container == "parquet":
                planned.append((path, container, plan_row_groups(path, partition_bytes)))
            else:
                return None
        except (InputError, OSError, pa.ArrowException):
            return None  # the sequential reader reports it in its own words
    spans = [
        (str(path.resolve()), start, end)
        for path, container, ranges in planned
        if container == "jsonl"
        for start, end in ranges
    ]
    line_counts = iter(engine.map(count_lines, spans))
    partitions: list[Partition] = []
    for path, container, ranges in planned:
        first_line = 1
        for span in ranges:
            part = Partition(
                str(path), str(path.resolve()), container, chunk_rows, with_text, keep_prompt
            )
            if container == "parquet":
                partitions.append(replace(part, row_groups=span))
                continue
            partitions.append(replace(part, byte_range=span, first_line=first_line))
            first_line += next(line_counts)
    return partitions


def read_partition(
    part: Partition,
    rules: RulePack | None,
    detectors: Sequence[str] = IDENTITY,
    seen_ids: VoteIdIndex | None = None,
    known_battle_log: bool = False,
) -> PartitionResult:
    """Read, normalise and (with ``rules``) run the text ``detectors`` on one partition, block by
    block (:func:`~auditkit.engine.scan.detect_chunk`); keep only text-free rows.

    Runs on a worker with a fresh ``seen_ids``, or on the client with the global index when a
    partition has to be redone. Every block goes through :func:`auditkit.streaming.text_free_chunk`,
    as in :func:`~auditkit.streaming.stream_battles`.
    """
    seen = VoteIdIndex() if seen_ids is None else seen_ids
    chunks = iter_chunks(
        Path(part.location),
        fmt=part.container,
        with_text=part.with_text,
        seen_ids=seen,
        block_rows=part.chunk_rows,
        byte_range=part.byte_range,
        first_line=part.first_line,
        row_groups=part.row_groups,
        known_battle_log=known_battle_log,
    )
    relabel = part.location != part.file
    kept: list[BattleChunk] = []
    detected: list[tuple[DetectorResult, ...]] = []
    columns = chunk_columns(detectors)
    quarantined_ids: list[str] = []
    voter_fields: list[str] = []
    unmapped: Counter[str] = Counter()
    label: str | None = None
    saw_rows = stopped = refused = False
    text_rows = text_chunks = 0
    while True:
        try:
            chunk = next(chunks)
        except StopIteration as end:
            stopped = bool(end.value)
            break
        except NotABattleLogError:
            stopped = refused = True
            break
        label = chunk.source_format
        unmapped.update(chunk.unmapped_languages)
        quarantined_ids.extend(chunk.quarantined_ids)
        if chunk.voter_field and chunk.voter_field not in voter_fields:
            voter_fields.append(chunk.voter_field)
        rejected = tuple(chunk.quarantine)
        if relabel:
            rejected = tuple(replace(record, file=part.file) for record in rejected)
        if chunk.frame is None:
            kept.append(
                BattleChunk(len(kept), part.file, empty_frame(), rejected, chunk.rows_read, False)
            )
            continue
        saw_rows = True
        frame = chunk.frame
        if len(frame):
            if "conversation_a" in frame.columns:
                text_chunks += 1
                text_rows += int(frame["conversation_a"].notna().sum())
            if rules is not None and detectors:
                detected.append(detect_chunk(scan_frame(frame, columns), detectors, rules))
        rows = text_free_chunk(frame, keep_prompt=part.keep_prompt)
        if relabel:
            rows = _relabel(rows, part.location, part.file)
        kept.append(BattleChunk(len(kept), part.file, rows, rejected, chunk.rows_read))
    release_arrow_memory()
    return PartitionResult(
        chunks=tuple(kept),
        quarantined_ids=tuple(quarantined_ids),
        detected=tuple(detected),
        voter_fields=tuple(voter_fields),
        unmapped_languages=dict(unmapped),
        label=label,
        saw_rows=saw_rows,
        stopped=stopped,
        refused=refused,
        text_rows=text_rows,
        text_chunks=text_chunks,
    )


def _relabel(frame: pd.DataFrame, location: str, file: str) -> pd.DataFrame:
    """``source_file`` as the path was given, not as the worker opened it."""
    column = frame["source_file"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.cat.rename_categories({location: file})
    else:
        column = pd.Series(np.full(len(frame), file, dtype=object), index=frame.index)
    return frame.assign(source_file=column)


def stream_partitions(
    paths: str | Path | Sequence[str | Path],
    *,
    rules: RulePack | None,
    engine: Engine,
    chunk_rows: int,
    quarantine_path: Path | None = None,
    fmt: str | None = None,
    with_text: bool = True,
    keep_prompt: bool = True,
    detectors: Sequence[str] = IDENTITY,
) -> StreamedLoad | None:
    """:func:`~auditkit.streaming.stream_battles` with the workers reading the files.

    Returns None (the caller reads the usual way) when ``engine`` cannot read partitions or an
    input cannot be split (gzip, a JSON array, CSV).
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not engine.reads_partitions or not files or chunk_rows < 1:
        return None
    if fmt is not None and fmt not in CONTAINERS:
        return None
    parts = plan_partitions(
        files, engine, chunk_rows=chunk_rows, fmt=fmt, with_text=with_text, keep_prompt=keep_prompt
    )
    if parts is None:
        return None
    scan_rules = rules if with_text else None
    names = tuple(detectors) if scan_rules is not None else ()
    merge = _OrderedMerge(
        scan_rules, names, LoadAccumulator(files, quarantine_path=quarantine_path)
    )
    results = engine.map(read_partition, parts, scan_rules, names)
    try:
        for part, result in zip(parts, results, strict=True):
            merge.add(part, result)
    finally:
        if isinstance(results, Generator):
            results.close()  # cancels what is still in flight
    load = merge.load.finish()
    release_arrow_memory()
    found = (
        merge.detections.finish(load.battles, text_chunks=merge.text_chunks)
        if merge.detections is not None and names
        else {}
    )
    plural = "s" if len(parts) != 1 else ""
    note = (
        f"read by the workers in {len(parts):,} partition{plural}; {merge.redone:,} redone on "
        "the client (a vote id repeated one an earlier partition loaded)"
    )
    log.info(note)
    return StreamedLoad(
        load=load,
        results=found,
        chunks=merge.chunks,
        engine=engine.name if found else "none",
        text_rows=merge.text_rows,
        notes=(note,),
    )


class _OrderedMerge:
    """Takes partition results in input order and keeps what the sequential loader would: the
    load state in ``load`` (the loader's own :class:`LoadAccumulator`, fed chunk by chunk as the
    sequential stream feeds it), the text detectors' parts in ``detections``."""

    def __init__(
        self, rules: RulePack | None, detectors: Sequence[str], load: LoadAccumulator
    ) -> None:
        self.rules = rules
        self.names = tuple(detectors)
        self.detections = ChunkDetections(self.names, rules) if rules is not None else None
        self.index = VoteIdIndex()
        self.load = load
        self.chunks = self.text_rows = self.text_chunks = self.redone = 0
        self._with_rows: set[str] = set()  # files with a block of battle rows so far

    def add(self, part: Partition, result: PartitionResult) -> None:
        if result.refused and part.file in self._with_rows:
            # Rows without battle fields after the file's battle rows: the loader quarantines
            # them; a worker could not know the file had battle rows, so read it here.
            self.redone += 1
            log.info("partition of %s redone on the client: rows without battle fields", part.file)
            result = read_partition(
                part, self.rules, self.names, seen_ids=self.index, known_battle_log=True
            )
        else:
            loaded, lines = result.loaded_ids()
            ids = [*loaded, *result.quarantined_ids]
            if ids and (self.index.first_lines(ids) >= 0).any():
                # A row repeats an id loaded by an earlier partition: read it as the loader would.
                self.redone += 1
                where = part.byte_range or part.row_groups
                log.info(
                    "partition %s of %s redone on the client: a repeated vote id", where, part.file
                )
                result = read_partition(part, self.rules, self.names, seen_ids=self.index)
            else:
                self.index.add(loaded, lines)
        if result.refused:
            raise NotABattleLogError(path=part.file)
        # A file's label is its first block with rows' (a later partition sniffs its own).
        first = part.file not in self._with_rows
        self.load.read(
            part.file,
            voter_fields=result.voter_fields,
            source_format=result.label if first else None,
            unmapped_languages=result.unmapped_languages,
        )
        if result.saw_rows:
            self._with_rows.add(part.file)
        for chunk in result.chunks:
            self.chunks += 1
            self.load.read(part.file, chunk.rows_read)
            self.load.reject(chunk.quarantine, part.file)
            if chunk.normalised:
                self.load.keep(chunk.frame)
        if self.detections is not None:
            for detected in result.detected:
                self.detections.add(detected)
        self.text_rows += result.text_rows
        self.text_chunks += result.text_chunks
