"""JSON Lines and JSON-array readers (FastChat ``clean_battle``, HF exports as JSON/JSONL).

Both yield :class:`~auditkit.io.normalise.RawChunk` blocks of rows so memory stays bounded for JSON
Lines; a JSON array has to be parsed whole (that is the format), then is cut into the same blocks.
A JSON Lines block is first offered to pyarrow (:mod:`auditkit.io.arrowjsonl`); a block it cannot
read exactly, and every block after two such misses in a row, is parsed line by line with orjson.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from auditkit.errors import InputError
from auditkit.io.arrowjsonl import ArrowColumns
from auditkit.io.detect import decode_error, sniff_encoding
from auditkit.io.lineblocks import LineBlock, line_blocks
from auditkit.io.normalise import RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS, QuarantineRecord
from auditkit.io.readahead import READ_AHEAD_BYTES, read_ahead
from auditkit.io.records import JSON_ERRORS as _JSON_ERRORS
from auditkit.io.records import loads as _loads
from auditkit.io.records import parse_records, to_columns
from auditkit.vocabulary import QuarantineReason

__all__ = ["BLOCK_ROWS", "parse_records", "read_json_array", "read_jsonl", "to_columns"]

BLOCK_ROWS = 100_000
# Try pyarrow on each block first (:mod:`auditkit.io.arrowjsonl`); tests switch it off to compare.
_FAST = True
_FAST_MISSES = 2


_igzip: Any
_IsalError: type[Exception]
try:  # ISA-L inflates gzip about 3× faster than zlib (the same bytes out)
    from isal import igzip as _igzip
    from isal import isal_zlib

    _IsalError = isal_zlib.error  # type: ignore[assignment]
except ImportError:  # pragma: no cover - isal is a dependency; zlib serves without it
    _igzip, _IsalError = gzip, zlib.error

# What reading a damaged gzip stream raises, by either inflater.
_GZIP_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error, _IsalError)


def _open_binary(path: Path, is_gzip: bool) -> Any:
    return _igzip.open(path, "rb") if is_gzip else path.open("rb")


_UTF8 = ("utf-8", "utf-8-sig")


def _utf8_lines(handle: Any, encoding: str) -> Iterator[bytes]:
    """The lines of a file in another encoding (UTF-16, Latin-1 …), re-encoded as UTF-8 bytes."""
    text = io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="\n")
    for line in text:
        yield line.lstrip("\ufeff").encode("utf-8") if line.startswith("\ufeff") else line.encode()


class _LineReader:
    """``read(n)`` over an iterator of byte lines: what :func:`line_blocks` reads a transcoded
    file through (whole lines, at least ``n`` bytes unless the lines run out)."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines

    def read(self, size: int) -> bytes:
        pieces: list[bytes] = []
        total = 0
        for line in self._lines:
            pieces.append(line)
            total += len(line)
            if total >= size:
                break
        return b"".join(pieces)

    def readline(self) -> bytes:
        return next(self._lines, b"")


def _invalid_utf8(file: str, line: int, offset: int, raw: bytes) -> InputError | None:
    """The error for a line that is not UTF-8 (file, line, byte offset), or None if it is UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(
            f"not valid UTF-8 at byte offset {offset + exc.start:,} ({exc.reason}); pass "
            "--encoding with the file's encoding (e.g. --encoding latin-1 or cp1252)",
            path=file,
            line=line,
        )
    return None


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r\n")[:MAX_RAW_CHARS]


def read_jsonl(
    path: Path,
    *,
    is_gzip: bool,
    with_text: bool,
    block_rows: int | None = None,
    start: int = 0,
    end: int | None = None,
    first_line: int = 1,
    encoding: str | None = None,
) -> Iterator[RawChunk]:
    """One chunk per ``block_rows`` lines; blank lines are not rows.

    UTF-8 is required unless ``encoding`` names another one or the file starts with a UTF-16/32
    byte-order mark (a UTF-8 BOM is skipped): a line that is not valid in it stops the load with an
    :class:`InputError` naming the line and byte offset, never a row quarantined as bad JSON.

    ``start``/``end`` read one byte range of the file: ``start`` is the offset of a line start and
    ``first_line`` that line's number. Blocks are still cut every ``block_rows`` lines counted from
    line 1, and the range yields the blocks whose first line starts in ``[start, end)`` (the last
    one may run past ``end``), so the ranges of a file together yield exactly its whole-file blocks.
    """
    file = str(path)
    step = block_rows or BLOCK_ROWS
    text_encoding = sniff_encoding(path, encoding)
    transcode = text_encoding not in _UTF8
    if transcode and (start or end is not None):
        raise InputError(
            f"only UTF-8 JSON Lines can be read by byte range (this file is {text_encoding})",
            path=file,
        )
    try:
        with _open_binary(path, is_gzip) as binary:
            handle: Any = _LineReader(_utf8_lines(binary, text_encoding)) if transcode else binary
            line_no = first_line - 1
            position = start
            if start:
                handle.seek(start)
            while line_no % step and (end is None or position < end):
                skipped = handle.readline()  # the tail of a block the previous range reads
                if not skipped:
                    break
                line_no += 1
                position += len(skipped)
            produced = _parsed_blocks(
                line_blocks(handle, step),
                with_text=with_text,
                position=position,
                end=end,
                at_top=line_no == 0,
            )
            # The next block is read and parsed while this one is normalised, unless this one is
            # large (long conversations): :mod:`auditkit.io.readahead`.
            with contextlib.closing(read_ahead(produced, _small_block)) as parsed:
                for block, block_start, fast in parsed:
                    base = line_no + 1  # the line number of block[0]
                    line_no += len(block)
                    if fast is not None:
                        numbers = np.arange(base, base + len(block), dtype=np.int64)
                        yield RawChunk(
                            columns=fast,  # type: ignore[arg-type]
                            n=len(block),
                            lines=numbers,
                            raw=lambda i, b=block: _decode(b[i]),  # type: ignore[misc]
                            rows_read=len(block),
                        )
                    else:
                        yield _exact_chunk(file, block, block_start, base, with_text)
    except UnicodeDecodeError:
        raise decode_error(path, text_encoding, is_gzip=is_gzip) from None
    except _GZIP_ERRORS as exc:
        raise InputError(f"cannot read JSON Lines: {exc}", path=file) from exc


def _parsed_blocks(
    blocks: Iterator[LineBlock], *, with_text: bool, position: int, end: int | None, at_top: bool
) -> Generator[tuple[LineBlock, int, ArrowColumns | None], None, None]:
    """Each block of lines whose first line starts before ``end``, with its byte offset and its
    pyarrow fast view (None: the block is read line by line).

    ``position`` is the byte offset of the first block; ``at_top``: the first block is the file's
    first (a UTF-8 byte-order mark there is not part of row 1). The fast path is tried on every
    block until it refuses two blocks in a row: then the file is not its kind.
    """
    try_fast, misses = _FAST, 0
    for block in blocks:
        if end is not None and position >= end:
            return
        if at_top and block.data.startswith(codecs.BOM_UTF8):
            block = LineBlock(block.data[len(codecs.BOM_UTF8) :], len(block))
            position += len(codecs.BOM_UTF8)
        at_top = False
        fast = ArrowColumns.from_lines(block, with_text) if try_fast else None
        misses = 0 if fast is not None else misses + 1
        try_fast = try_fast and misses < _FAST_MISSES
        yield block, position, fast
        position += len(block.data)


def _small_block(parsed: tuple[LineBlock, int, ArrowColumns | None]) -> bool:
    return len(parsed[0].data) <= READ_AHEAD_BYTES


def _exact_chunk(
    file: str, block: LineBlock, block_start: int, base: int, with_text: bool
) -> RawChunk:
    """A block the fast path refused, parsed line by line with orjson (``base``: the number of
    its first line; ``block_start``: that line's byte offset). Bad JSON and non-objects are
    rejected with their line; a line that is not UTF-8 stops the load (:class:`InputError`)."""
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    rejected: list[QuarantineRecord] = []
    line_start = block_start
    for line_no, raw in enumerate(block, start=base):
        line_start += len(raw)
        try:
            value = _loads(raw)
        except _JSON_ERRORS as exc:
            bad_text = _invalid_utf8(file, line_no, line_start - len(raw), raw)
            if bad_text is not None:
                raise bad_text from None
            if raw.strip():  # a blank line is not a row
                rejected.append(_reject(file, line_no, QuarantineReason.INVALID_JSON, exc, raw))
            continue
        if type(value) is not dict:
            kind = type(value).__name__
            rejected.append(_reject(file, line_no, QuarantineReason.NOT_AN_OBJECT, kind, raw))
            continue
        records.append(value)
        lines.append(line_no)
    line_array = np.asarray(lines, dtype=np.int64)
    return RawChunk(
        columns=to_columns(records, with_text),
        n=len(records),
        lines=line_array,
        raw=lambda i: _decode(block[int(line_array[i]) - base]),
        rejected=rejected,
        rows_read=len(records) + len(rejected),
    )


def _reject(
    file: str, line: int, reason: QuarantineReason, why: object, raw: bytes
) -> QuarantineRecord:
    detail = str(why) if reason is QuarantineReason.INVALID_JSON else f"row is a JSON {why}"
    return QuarantineRecord(
        file=file,
        line=line,
        reason=reason,
        field=None,
        detail=detail[:200],
        raw=_decode(raw),
        reasons=(reason,),
    )


def read_json_array(
    path: Path,
    *,
    is_gzip: bool,
    with_text: bool,
    block_rows: int | None = None,
    encoding: str | None = None,
) -> Iterator[RawChunk]:
    """A JSON array of battle objects; ``line`` is the 1-based element index.

    Decoded as :func:`read_jsonl` decodes (UTF-8 unless ``encoding`` or a BOM says otherwise).
    """
    file = str(path)
    text_encoding = sniff_encoding(path, encoding)
    try:
        with _open_binary(path, is_gzip) as handle:
            data = handle.read()
    except _GZIP_ERRORS as exc:
        raise InputError(f"cannot read JSON: {exc}", path=file) from exc
    try:
        data = data.decode(text_encoding).lstrip("\ufeff").encode("utf-8")
    except UnicodeDecodeError:
        raise decode_error(path, text_encoding, is_gzip=is_gzip) from None
    try:
        elements = _loads(data)
    except _JSON_ERRORS as exc:
        raise InputError(f"invalid JSON array: {exc}", path=file) from exc
    if not isinstance(elements, list):
        raise InputError("JSON file is not an array of battles", path=file)
    del data
    step = block_rows or BLOCK_ROWS
    for start in range(0, len(elements), step):
        block = elements[start : start + step]
        records: list[dict[str, Any]] = []
        lines: list[int] = []
        rejected: list[QuarantineRecord] = []
        for offset, value in enumerate(block):
            index = start + offset + 1
            if isinstance(value, dict):
                records.append(value)
                lines.append(index)
            else:
                raw = json.dumps(value, default=str).encode()
                rejected.append(
                    _reject(file, index, QuarantineReason.NOT_AN_OBJECT, type(value).__name__, raw)
                )
        yield RawChunk(
            columns=to_columns(records, with_text),
            n=len(records),
            lines=np.asarray(lines, dtype=np.int64),
            raw=lambda i, records=records: json.dumps(  # type: ignore[misc]
                records[i], default=str, ensure_ascii=False
            )[:MAX_RAW_CHARS],
            rejected=rejected,
            rows_read=len(block),
        )
