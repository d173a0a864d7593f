"""``load_battles``: any supported file(s), or an in-memory table, → one battle table + quarantine.

Files are read by :mod:`auditkit.io.chunks`, tables by :mod:`auditkit.io.frame`; both end in the same
chunk normalisation and one :class:`~auditkit.io.accumulate.LoadAccumulator`. The chunk-level names are re-exported here for callers that
import them from this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from auditkit.errors import InputError
from auditkit.io.accumulate import collect_chunks
from auditkit.io.chunks import (
    PLACEHOLDER_MIN_ROWS,
    PLACEHOLDER_SHARE,
    PLACEHOLDER_VOTER_VALUES,
    CanonicalChunk,
    LoadResult,
    classify_voters,
    finish_load,
    iter_chunks,
    normalise_blocks,
)
from auditkit.io.detect import CONTAINERS, check_encoding
from auditkit.io.frame import TableLike, from_frame, is_table
from auditkit.io.ids import VoteIdIndex

__all__ = [
    "PLACEHOLDER_MIN_ROWS",
    "PLACEHOLDER_SHARE",
    "PLACEHOLDER_VOTER_VALUES",
    "CanonicalChunk",
    "LoadResult",
    "classify_voters",
    "collect_chunks",
    "finish_load",
    "iter_chunks",
    "load_battles",
    "normalise_blocks",
]


def _as_paths(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def load_battles(
    paths: str | Path | Sequence[str | Path] | TableLike,
    *,
    quarantine_path: Path | None = None,
    fmt: str | None = None,
    with_text: bool = True,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> LoadResult:
    """Load battle logs of any supported format; rows that cannot be trusted go to quarantine.

    ``paths`` may also be an in-memory table — a pandas DataFrame, a pyarrow Table or a Hugging
    Face ``datasets.Dataset`` — loaded by :func:`auditkit.io.frame.from_frame` (``columns`` maps
    unusual column names there; it applies to tables only).
    ``fmt`` forces the container (``json``, ``jsonl``, ``csv``, ``parquet``) instead of sniffing.
    ``with_text=False`` skips conversation columns (faster, far less memory; conversation structure
    is then not validated). ``encoding`` names the text encoding of CSV/JSON files that are not
    UTF-8 (default: UTF-8, or what a byte-order mark says; invalid bytes are an error naming the
    file and byte offset). Raises :class:`InputError` for a file that cannot be read at all.
    """
    encoding = check_encoding(encoding)

    if is_table(paths):
        if fmt is not None:
            raise InputError("fmt= names a file container; an in-memory table has none")
        return from_frame(
            paths, columns=columns, with_text=with_text, quarantine_path=quarantine_path
        )
    if columns is not None:
        raise InputError("columns= applies to in-memory tables; rename a file's fields instead")
    if fmt is not None and fmt not in CONTAINERS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(CONTAINERS)}")
    files = _as_paths(paths)  # type: ignore[arg-type]
    if not files:
        raise InputError("no input files given")
    seen_ids = VoteIdIndex()
    sources = [
        (
            path,
            iter_chunks(path, fmt=fmt, with_text=with_text, seen_ids=seen_ids, encoding=encoding),
        )
        for path in files
    ]
    return collect_chunks(sources, quarantine_path=quarantine_path)
