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
from auditkit.io.detect import open_text
from auditkit.io.normalise import CONVERSATION_FIELDS, KNOWN_FIELDS, Problem, RawChunk
from auditkit.io.quarantine import MAX_RAW_CHARS
from auditkit.schema import QuarantineReason

__all__ = ["read_csv"]

BLOCK_ROWS = 100_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # code prefixes and conversations are long


def _render(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()[:MAX_RAW_CHARS]


def read_csv(
    path: Path, *, is_gzip: bool, with_text: bool, block_rows: int | None = None
) -> Iterator[RawChunk]:
    """One chunk per ``block_rows`` records; ``line`` is the physical line where a record starts."""
    del is_gzip  # open_text sniffs compression itself
    file = str(path)
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
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
            done = False
            while not done:
                columns: dict[str, list[Any]] = {name: [] for _, name in wanted}
                lines: list[int] = []
                raws: list[list[str]] = []
                pre: dict[int, list[Problem]] = {}
                start = reader.line_num + 1
                while len(lines) < (block_rows or BLOCK_ROWS):
                    try:
                        row = next(reader)
                    except StopIteration:
                        done = True
                        break
                    except csv.Error as exc:
                        row = [f"<unparseable CSV: {exc}>"]
                    line = start
                    start = reader.line_num + 1
                    if not row or row == [""]:
                        continue  # blank line
                    i = len(lines)
                    lines.append(line)
                    raws.append(row)
                    if len(row) > len(header):
                        detail = f"{len(row)} fields, header has {len(header)}"
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
                    raw=lambda i, raws=raws: _render(raws[i]),  # type: ignore[misc]
                    pre_problems=pre,
                    rows_read=len(lines),
                )
    except (OSError, EOFError, zlib.error, UnicodeError) as exc:
        raise InputError(f"cannot read CSV: {exc}", path=file) from exc
