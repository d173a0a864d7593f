"""CSV reader (Kaggle arena-human-preference-55k, Copilot Arena, any battle table saved as CSV).

Empty cells are missing values; nested fields written as JSON (or a pandas Python repr) are parsed by
the normaliser. A record with more fields than the header is quarantined as ``csv_malformed``; a
shorter one is read with its trailing fields missing (as pandas does).
"""

from __future__ import annotations

import csv
import io
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from auditkit.errors import InputError
from auditkit.io.detect import decode_error, open_text, sniff_encoding
from auditkit.io.normalise import CONVERSATION_FIELDS, KNOWN_FIELDS, Problem, RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS
from auditkit.vocabulary import QuarantineReason

__all__ = ["RUNAWAY_LINES", "read_csv"]

BLOCK_ROWS = 100_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # code prefixes and conversations are long
# A record spanning more physical lines than this is checked for a runaway quote (see _split).
RUNAWAY_LINES = 100


def _render(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()[:MAX_RAW_CHARS]


class _Lines:
    """The file's physical lines, remembering those the CSV reader consumed for the current record."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _whole_records(lines: list[str], width: int) -> int:
    """How many of ``lines`` parse on their own as one complete record of ``width`` fields."""
    whole = 0
    for line in lines:
        try:
            cells = next(csv.reader([line]), [])
        except csv.Error:
            continue
        if len(cells) == width:
            whole += 1
    return whole


def _split(
    row: list[str], lines: list[str], first: int, width: int
) -> list[tuple[int, list[str], str | None]]:
    """A record and its physical lines → the records they really hold, with their first line.

    Why: one stray quote makes the CSV grammar read every following line, up to the next quote,
    as one field, so thousands of votes would vanish into one quarantined "row". A record that
    spans more than :data:`RUNAWAY_LINES` lines, most of which parse on their own as complete
    records of the header's width, is a runaway quote: its first line is quarantined by itself
    (``csv_malformed``, with its own line number and whole text) and the lines after it are read
    again as records (recursively, so a second stray quote is caught too). A genuinely long quoted
    field (a conversation with many lines) has few lines that look like whole records and is kept.
    The third element is a problem detail for a record to quarantine, or None.
    """
    if len(lines) <= RUNAWAY_LINES:
        return [(first, row, None)]
    rest = lines[1:]
    if _whole_records(rest, width) * 2 < len(rest):
        return [(first, row, None)]
    head = lines[0].rstrip("\r\n")
    out: list[tuple[int, list[str], str | None]] = [
        (first, [head], f"unbalanced quote: the record ran on for {len(lines):,} lines")
    ]
    reader_lines = _Lines(iter(rest))
    reader = csv.reader(reader_lines)
    line = first + 1
    while True:
        reader_lines.taken = []
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.append((line, ["".join(reader_lines.taken).rstrip("\r\n")], str(exc)))
            line += len(reader_lines.taken)
            continue
        taken = reader_lines.taken
        if cells and cells != [""]:
            out.extend(_split(cells, taken, line, width))
        line += len(taken)
    return out


def read_csv(
    path: Path,
    *,
    is_gzip: bool,
    with_text: bool,
    block_rows: int | None = None,
    encoding: str | None = None,
) -> Iterator[RawChunk]:
    """One chunk per ``block_rows`` records; ``line`` is the physical line where a record starts.

    Text is decoded strictly (``encoding``, else sniffed: BOM, UTF-16, UTF-8); undecodable bytes
    are an :class:`InputError` naming the file, line and byte offset. Runaway quotes: see
    :func:`_split`.
    """
    file = str(path)
    try:
        with open_text(path, encoding) as handle:
            source = _Lines(iter(handle))
            reader = csv.reader(source)
            try:
                header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"unreadable CSV header: {exc}", path=file) from exc
            fields = KNOWN_FIELDS if with_text else KNOWN_FIELDS - CONVERSATION_FIELDS
            if not with_text and "winner_model_a" in header:
                fields = fields | {"prompt"}
            wanted = [(j, name) for j, name in enumerate(header) if name in fields]
            width = len(header)
            line = 1 + len(source.taken)  # the physical line the next record starts on
            pending: list[tuple[int, list[str], str | None]] = []
            done = False
            while not done or pending:
                columns: dict[str, list[Any]] = {name: [] for _, name in wanted}
                lines: list[int] = []
                raws: list[list[str]] = []
                pre: dict[int, list[Problem]] = {}
                while len(lines) < (block_rows or BLOCK_ROWS):
                    if not pending:
                        if done:
                            break
                        source.taken = []
                        try:
                            row = next(reader)
                        except StopIteration:
                            done = True
                            break
                        except csv.Error as exc:
                            text = "".join(source.taken).rstrip("\r\n")
                            pending.append((line, [text], f"unparseable CSV: {exc}"))
                        else:
                            if row and row != [""]:  # a blank line is not a row
                                pending.extend(_split(row, source.taken, line, width))
                        line += len(source.taken)
                        continue
                    first, row, problem = pending.pop(0)
                    i = len(lines)
                    lines.append(first)
                    raws.append(row)
                    if problem is not None or len(row) > width:
                        detail = problem or f"{len(row)} fields, header has {width}"
                        pre[i] = [(QuarantineReason.CSV_MALFORMED, "", detail)]
                        for _, name in wanted:
                            columns[name].append(None)
                        continue
                    # A short record lacks its trailing fields (writers omit empty ones): they are
                    # missing values, and the normaliser decides whether the row survives that.
                    for j, name in wanted:
                        cell = row[j] if j < len(row) else ""
                        columns[name].append(cell if cell != "" else None)
                if not lines:
                    continue
                yield RawChunk(
                    columns=columns,
                    n=len(lines),
                    lines=np.asarray(lines, dtype=np.int64),
                    raw=lambda i, raws=raws, pre=pre: (  # type: ignore[misc]
                        raws[i][0] if i in pre and len(raws[i]) == 1 else _render(raws[i])
                    ),
                    pre_problems=pre,
                    rows_read=len(lines),
                )
    except UnicodeDecodeError:
        raise decode_error(path, sniff_encoding(path, encoding), is_gzip=is_gzip) from None
    except (OSError, EOFError, zlib.error, UnicodeError) as exc:
        raise InputError(f"cannot read CSV: {exc}", path=file) from exc
