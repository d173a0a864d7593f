"""Streaming ingestion: battle logs in bounded chunks, text scanned and dropped, statistics kept.

Why: an arena's history is millions of battles with two full conversations each — tens of gigabytes
of text — while every statistic (ratings, voter tests, the battle graph) needs only the short
columns. :func:`iter_battle_chunks` yields canonical chunks straight from the format readers;
:func:`stream_battles` sends each chunk's conversations through the identity scan on an
:class:`~auditkit.engine.Engine` and keeps only the text-free rows, so peak memory is set by the
chunk size and the text-free table, not by the amount of text.

The prompt (the first user turn) is not kept either: each chunk's ``prompt`` column is replaced by
fixed-size fingerprints (:mod:`auditkit.prompts`), which is all that prompt de-duplication and the
voters' repeated-prompt test read, so memory does not grow with the length of the prompts.

The text-free table and quarantine are identical to :func:`auditkit.io.load_battles` with the
conversation columns removed and ``prompt`` replaced by its fingerprints, and the identity result is
identical to running :class:`~auditkit.detectors.identity.IdentityLeakDetector` on the whole loaded
table (both are tested).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditkit.detectors.base import get_detector
from auditkit.engine.base import LocalEngine
from auditkit.engine.load import ChunkDetections, StreamedLoad
from auditkit.engine.scan import IDENTITY, ScanPart, chunk_columns, scan_frame, scan_part
from auditkit.errors import InputError
from auditkit.io.accumulate import (
    BattleChunk,
    LoadAccumulator,
    TableAccumulator,
    release_arrow_memory,
    release_memory,
    text_free_chunk,
)
from auditkit.io.chunks import CanonicalChunk
from auditkit.io.detect import CONTAINERS
from auditkit.io.ids import VoteIdIndex
from auditkit.io.loader import iter_chunks
from auditkit.io.quarantine import QuarantineRecord
from auditkit.io.readahead import READ_AHEAD_BYTES, read_ahead
from auditkit.prompts import fingerprint_prompt_column
from auditkit.schema import (
    empty_frame,
)

if TYPE_CHECKING:
    from auditkit.engine import Engine
    from auditkit.rulepack import RulePack

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "BattleChunk",
    "BattleChunkStream",
    "SkipRows",
    "StreamedLoad",
    "TableAccumulator",
    "chunk_rows_for",
    "iter_battle_chunks",
    "release_arrow_memory",
    "release_memory",
    "stream_battles",
    "text_free_chunk",
]

log = logging.getLogger(__name__)

DEFAULT_CHUNK_ROWS = 20_000
MAX_CHUNK_ROWS = 50_000
CHUNK_BYTES = 32 << 20  # input bytes a streamed chunk of short lines aims at (chunk_rows_for)
_SAMPLE_BYTES = 1 << 20
_RELEASE_EVERY = 10  # chunks between returning Arrow's cached memory to the OS
# stream_battles normalises each file's next chunk on a second thread (BattleChunkStream's
# ``read_ahead``); False only to measure or test the sequential reading.
READ_AHEAD = True

# Given a chunk's canonical rows, a boolean mask (one per row) of rows the identity scan may skip,
# e.g. votes whose findings a cache already holds; the caller keeps whatever it knows about them.
SkipRows = Callable[[pd.DataFrame], "np.ndarray | pd.Series"]


class BattleChunkStream:
    """Iterate canonical chunks of one or more files; afterwards it knows what it read.

    The normalisation, quarantine reasons and cross-file duplicate-id check are the loader's own
    (:func:`auditkit.io.normalise.normalise_chunk`); a chunk has at most ``chunk_rows`` rows.
    What each chunk read is counted in :attr:`load` (a :class:`~auditkit.io.accumulate.
    LoadAccumulator`, whose ``quarantine_path`` is given here) as it is read; a consumer that
    builds the table hands it each chunk's quarantine and rows (:func:`stream_battles`). With
    ``arrow_text`` a chunk's conversations may be Arrow (``pd.ArrowDtype``) rather than Python
    lists (:func:`auditkit.io.chunks.normalise_blocks`), for a consumer that hands them on. With
    ``read_ahead`` each file's next chunk is normalised on a second thread while the consumer has
    the current one (at most one chunk ahead, and only after a chunk of at most
    :data:`~auditkit.io.readahead.READ_AHEAD_BYTES`): the same chunks in the same order. With
    ``fingerprint`` each chunk's ``prompt`` column is replaced by its fingerprints
    (:func:`~auditkit.prompts.fingerprint_prompt_column`) where the chunk is normalised, so
    with ``read_ahead`` on the second thread too. Read
    from it while iterating: ``rows_read``, ``formats`` (file → "<schema> (<container>)"),
    ``voter_fields`` and ``unmapped_languages``. Iterate once.
    """

    def __init__(
        self,
        paths: str | Path | Sequence[str | Path],
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        with_text: bool = True,
        fmt: str | None = None,
        encoding: str | None = None,
        quarantine_path: Path | None = None,
        arrow_text: bool = False,
        read_ahead: bool = False,
        fingerprint: bool = False,
    ) -> None:
        if fmt is not None and fmt not in CONTAINERS:
            raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(CONTAINERS)}")
        if chunk_rows < 1:
            raise InputError("chunk_rows must be at least 1")
        self.files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
        if not self.files:
            raise InputError("no input files given")
        self.chunk_rows = chunk_rows
        self.with_text = with_text
        self.fmt = fmt
        self.encoding = encoding
        self.arrow_text = arrow_text
        self.read_ahead = read_ahead
        self.fingerprint = fingerprint
        self.load = LoadAccumulator(self.files, quarantine_path=quarantine_path)
        self._started = False

    @property
    def rows_read(self) -> int:
        return self.load.rows_read

    @property
    def formats(self) -> dict[str, str]:
        return self.load.formats

    @property
    def voter_fields(self) -> list[str]:
        return self.load.voter_fields

    @property
    def unmapped_languages(self) -> Counter[str]:
        return self.load.unmapped_languages

    def __iter__(self) -> Iterator[BattleChunk]:
        if self._started:
            raise RuntimeError("a BattleChunkStream can be iterated only once")
        self._started = True
        seen_ids = VoteIdIndex()
        index = 0
        for path in self.files:
            for frame, rejected, rows_read, normalised in self._file_chunks(path, seen_ids):
                yield BattleChunk(index, str(path), frame, rejected, rows_read, normalised)
                index += 1

    def _file_chunks(
        self, path: Path, seen_ids: VoteIdIndex
    ) -> Iterator[tuple[pd.DataFrame, tuple[QuarantineRecord, ...], int, bool]]:
        # The loader's own chunk reader: same normalisation, quarantine and duplicate check.
        chunks: Generator[CanonicalChunk, None, object] = iter_chunks(
            path,
            fmt=self.fmt,
            with_text=self.with_text,
            seen_ids=seen_ids,
            block_rows=self.chunk_rows,
            encoding=self.encoding,
            arrow_text=self.arrow_text,
        )
        if self.fingerprint:
            chunks = _fingerprinted(chunks)
        # With ``read_ahead`` the next chunk is normalised on a second thread while the consumer
        # has this one (its scan): the normalisation's Arrow and numpy kernels release the GIL.
        with contextlib.closing(
            read_ahead(chunks, _small_chunk) if self.read_ahead else chunks
        ) as normalised:
            yield from self._split(path, normalised)

    def _split(
        self, path: Path, chunks: Iterator[CanonicalChunk]
    ) -> Iterator[tuple[pd.DataFrame, tuple[QuarantineRecord, ...], int, bool]]:
        for chunk in chunks:
            self.load.read(
                str(path),
                chunk.rows_read,
                voter_fields=(chunk.voter_field,),
                source_format=chunk.source_format,
                unmapped_languages=chunk.unmapped_languages,
            )
            rejected = tuple(chunk.quarantine)
            if chunk.frame is None:
                yield empty_frame(), rejected, chunk.rows_read, False
                continue
            frame, rows_read = chunk.frame, chunk.rows_read
            del chunk
            for i, start in enumerate(range(0, max(len(frame), 1), self.chunk_rows)):
                piece = frame.iloc[start : start + self.chunk_rows]
                # Quarantine and the read count ride with the first piece of a reader block.
                yield piece, rejected if i == 0 else (), rows_read if i == 0 else 0, True


def _fingerprinted(
    chunks: Generator[CanonicalChunk, None, object],
) -> Generator[CanonicalChunk, None, None]:
    """``chunks``, each with its ``prompt`` column replaced by the prompt fingerprints (the
    column-wise step :func:`text_free_chunk` would take later, done where ``chunks`` is read)."""
    try:
        for chunk in chunks:
            frame = chunk.frame
            if frame is not None and "prompt" in frame.columns:
                chunk = dataclasses.replace(chunk, frame=fingerprint_prompt_column(frame))
            yield chunk
    finally:
        chunks.close()


def _small_chunk(chunk: CanonicalChunk) -> bool:
    """Whether the chunk after ``chunk`` may be normalised while ``chunk`` is in use: its columns
    (Arrow buffers, or pointers for Python objects) hold at most :data:`READ_AHEAD_BYTES`."""
    frame = chunk.frame
    return frame is None or int(frame.memory_usage(index=False).sum()) <= READ_AHEAD_BYTES


def chunk_rows_for(paths: str | Path | Sequence[str | Path]) -> int:
    """Rows per streamed chunk for these inputs when the caller names none: about
    :data:`CHUNK_BYTES` of the longest-lined file's lines, between :data:`DEFAULT_CHUNK_ROWS`
    and :data:`MAX_CHUNK_ROWS`.

    Why: every chunk costs the reading process a fixed amount of Arrow and pandas bookkeeping
    (normalising, the scan's frame, keeping its rows), so a log of short text-free lines is read
    in larger chunks (a 1M-battle file: about 10 % less load time). Lines that hold
    conversations fill the bytes sooner and keep the default rows, so the text held at once stays
    bounded as before. Judged from each file's first megabyte of lines; a compressed, Parquet or
    unreadable file keeps the default (its reader reports any error). The results do not depend
    on the chunk size (the streamed audit equals the in-memory one at any size).
    """
    files = [paths] if isinstance(paths, str | Path) else list(paths)
    widest = 0.0
    for path in files:
        try:
            with open(path, "rb") as handle:
                sample = handle.read(_SAMPLE_BYTES)
        except OSError:
            return DEFAULT_CHUNK_ROWS
        lines = sample.count(b"\n")
        if sample[:2] == b"\x1f\x8b" or sample[:4] == b"PAR1" or lines == 0:
            return DEFAULT_CHUNK_ROWS
        # The whole lines of the sample (its last one may be cut).
        widest = max(widest, (sample.rfind(b"\n") + 1) / lines)
    if widest == 0.0:
        return DEFAULT_CHUNK_ROWS
    return int(min(MAX_CHUNK_ROWS, max(DEFAULT_CHUNK_ROWS, CHUNK_BYTES // widest)))


def iter_battle_chunks(
    paths: str | Path | Sequence[str | Path],
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    with_text: bool = True,
    fmt: str | None = None,
    encoding: str | None = None,
) -> BattleChunkStream:
    """Canonical chunks of the battles in ``paths`` (iterate the returned stream once)."""
    return BattleChunkStream(
        paths, chunk_rows=chunk_rows, with_text=with_text, fmt=fmt, encoding=encoding
    )


def _scan_parts(
    stream: BattleChunkStream,
    pending: deque[pd.DataFrame],
    counts: dict[str, int],
    *,
    names: Sequence[str],
    columns: Sequence[str],
    skip: SkipRows | None,
    keep_prompt: bool,
) -> Iterator[ScanPart]:
    """What :func:`stream_battles` sends the engine for each chunk of ``stream``, in order:
    quarantined rows go to the stream's load, each chunk's frame is queued on ``pending`` (kept
    when its part comes back) and ``counts`` are kept up to date."""
    load = stream.load
    for chunk in stream:
        counts["chunks"] += 1
        load.reject(chunk.quarantine, chunk.file)
        if not chunk.normalised:
            continue
        if counts["chunks"] % _RELEASE_EVERY == 0:
            release_arrow_memory()
        frame = chunk.frame
        scanned = frame if len(frame) and names else None
        if len(frame) and "conversation_a" in frame.columns:
            counts["text_chunks"] += 1
            counts["text_rows"] += int(frame["conversation_a"].notna().sum())
        if scanned is not None and skip is not None:
            skipped = np.asarray(skip(frame), dtype=bool)
            counts["skipped_rows"] += int(skipped.sum())
            if skipped.all():
                scanned = None
            elif skipped.any():
                scanned = frame.loc[~skipped]
        # Empty frames too: the in-memory load keeps them. The chunk's own rows are kept (in
        # chunk order) when its part comes back; the part carries its prompts, whose
        # fingerprints are computed where the scan runs.
        pending.append(frame)
        yield ScanPart(
            scan=scan_frame(scanned, columns) if scanned is not None else None,
            prompt=frame["prompt"] if keep_prompt and "prompt" in frame.columns else None,
        )


def stream_battles(
    paths: str | Path | Sequence[str | Path],
    *,
    rules: RulePack | None = None,
    engine: Engine | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    quarantine_path: Path | None = None,
    fmt: str | None = None,
    with_text: bool = True,
    keep_prompt: bool = True,
    skip: SkipRows | None = None,
    encoding: str | None = None,
    detectors: Sequence[str] | None = None,
) -> StreamedLoad:
    """Load ``paths`` chunk by chunk; run the text detectors on each chunk on ``engine``, then
    drop the text.

    With ``rules`` and ``with_text`` the text ``detectors`` run (default: the identity scan;
    each must be :meth:`~auditkit.detectors.base.Detector.streamable`; ``engine`` defaults to
    this process); the returned table never holds conversation text. ``keep_prompt`` keeps what
    prompt de-duplication and the repeated-prompt test need: each chunk's ``prompt`` becomes its
    fingerprint columns (:func:`~auditkit.prompts.prompt_fingerprints`, a few bytes a row whatever
    the prompt's length) and the text is dropped; ``False`` drops both.
    ``skip`` is asked about every chunk before its scan and the rows it marks are not scanned
    (nightly runs skip votes cached in the ledger); the table still holds every row.
    """
    names = tuple(detectors) if detectors is not None else IDENTITY
    if rules is None or not with_text:
        names = ()
    for name in names:
        if not get_detector(name).streamable():
            raise InputError(f"detector {name!r} cannot be run chunk by chunk")
    # Workers read byte ranges of UTF-8 files only; another encoding is read here.
    if engine is not None and skip is None and encoding is None and engine.reads_partitions:
        # The engine's workers read the files themselves (:mod:`auditkit.engine.partitions`).
        from auditkit.engine.partitions import stream_partitions

        streamed = stream_partitions(
            paths,
            rules=rules,
            engine=engine,
            chunk_rows=chunk_rows,
            quarantine_path=quarantine_path,
            fmt=fmt,
            with_text=with_text,
            keep_prompt=keep_prompt,
            detectors=names,
        )
        if streamed is not None:  # None: an input they cannot split (gzip, JSON array, CSV)
            return streamed
    columns = chunk_columns(names)
    used = engine if engine is not None else LocalEngine()
    detections = ChunkDetections(names, rules) if rules is not None else None
    runner = used if detections is not None and names else LocalEngine()
    stream = BattleChunkStream(
        paths,
        chunk_rows=chunk_rows,
        with_text=with_text,
        fmt=fmt,
        encoding=encoding,
        quarantine_path=quarantine_path,
        # The conversations go to the scan as Arrow and are decoded where it runs (a worker).
        arrow_text=True,
        # The next chunk is normalised while this one is scanned (here, or read back from a worker).
        read_ahead=READ_AHEAD,
        # When the scan runs here, on this thread, the prompts are fingerprinted where the chunk
        # is normalised (the read-ahead thread), not between two scans; a worker process
        # fingerprints its chunk's prompts itself (scan_part). Same values either way.
        fingerprint=keep_prompt and isinstance(runner, LocalEngine) and "prompt" not in columns,
    )
    load = stream.load
    counts = {"chunks": 0, "text_rows": 0, "text_chunks": 0, "skipped_rows": 0}
    ask_skip = skip if names else None  # only a scan can skip rows

    pending: deque[pd.DataFrame] = deque()  # chunks whose part is out, in chunk order

    parts = _scan_parts(
        stream,
        pending,
        counts,
        names=names,
        columns=columns,
        skip=ask_skip,
        keep_prompt=keep_prompt,
    )
    for chunk_results, fingerprints in runner.map(scan_part, parts, names, rules):
        frame = pending.popleft()
        load.keep(text_free_chunk(frame, keep_prompt=keep_prompt, fingerprints=fingerprints))
        del frame
        if chunk_results is not None and detections is not None:
            detections.add(chunk_results)
    loaded = load.finish()
    release_memory()
    results = (
        detections.finish(
            loaded.battles, text_chunks=counts["text_chunks"], skipped_rows=counts["skipped_rows"]
        )
        if detections is not None
        else {}
    )
    return StreamedLoad(
        load=loaded,
        results=results,
        chunks=counts["chunks"],
        engine=used.name if results else "none",
        text_rows=counts["text_rows"],
        skipped_rows=counts["skipped_rows"],
    )
