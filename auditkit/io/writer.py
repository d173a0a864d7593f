"""Write a battle table back out as FastChat ``clean_battle`` JSON Lines (the format every arena tool reads).

The simulator and the audit's cleaned output use it; :func:`auditkit.io.load_battles` reads it back to
the same table (round trip), with ``tie_bothbad`` spelled FastChat's way, ``tie (bothbad)``.

Why chunks: a million battles as Python lists of every column plus one dict per row set the audit's
memory peak; converting ``WRITE_CHUNK_ROWS`` rows at a time keeps the extra memory to a few chunks.

Why by column: building a dict per row and dumping it cost ~18 µs a row (10M battles: 3 minutes
before gzip). :func:`_lines_by_column` turns each column into its JSON text for every row at once
(Arrow for strings, one ``orjson.dumps`` of the numpy array for numbers) and joins the columns with
the constant key text into whole lines, byte for byte what orjson writes for the row's dict
(:func:`_lines_row_by_row`, kept as the reference and for installs without orjson). A second thread
writes (and gzips) one chunk while the next is built (:class:`FastChatWriter`).
"""

from __future__ import annotations

import gzip
import json
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.io.models import string_categories, taken_by_codes
from auditkit.schema import STYLE_COLUMNS, TAG_PREFIX, BattleTable, Winner

_igzip: Any
try:
    from isal import igzip as _igzip
except ImportError:  # pragma: no cover - isal is a dependency; zlib serves without it
    _igzip = None

__all__ = [
    "GZIP_LEVEL",
    "WRITE_CHUNK_ROWS",
    "WRITE_QUEUE_CHUNKS",
    "FastChatWriter",
    "tag_objects",
    "write_fastchat_jsonl",
]

# Rows converted at a time (memory ∝ this, not the table).
WRITE_CHUNK_ROWS = 50_000
# Chunks built but not yet written: bounds memory while the writer thread catches up.
WRITE_QUEUE_CHUNKS = 2
# gzip level 6 (zlib's default; ``gzip.open`` defaults to 9). On 1M simulated battles (638 MB of
# JSON Lines, 10 % with text): level 9 took 10.4 s for 57.2 MB, level 6 5.6 s for 59.6 MB, level 1
# 2.4 s for 76 MB. 6 keeps files within 4 % of the smallest at half the time of 9.
GZIP_LEVEL = 6

try:
    import orjson

    # Build lines column-wise (needs orjson's formatting); tests switch it off to compare.
    _FAST = True

    def _dumps(record: Any) -> bytes:
        return orjson.dumps(record, option=orjson.OPT_SERIALIZE_NUMPY)

except ImportError:  # pragma: no cover - exercised only without orjson
    _FAST = False

    def _dumps(record: Any) -> bytes:
        return json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")


_FASTCHAT_WINNER = {w.value: w.value for w in Winner} | {Winner.TIE_BOTHBAD.value: "tie (bothbad)"}


# --- the reference: one dict per row ----------------------------------------------------------


def _plain_list(series: pd.Series) -> list[Any]:
    """A column as Python values: missing (NA, NaN, None) → None, numpy scalars → Python scalars."""
    column: Any = series  # pandas-stubs reject ``na_value=None``, which pandas accepts
    out: list[Any] = column.to_numpy(dtype=object, na_value=None).tolist()
    if series.dtype == object and any(isinstance(v, np.generic) for v in out):
        # Typed columns already give Python scalars; an object column may hold numpy ones.
        out = [v.item() if isinstance(v, np.generic) else v for v in out]
    return out


def _lines_row_by_row(part: pd.DataFrame, has_style: bool, tag_names: list[str]) -> bytes:
    """The chunk's lines from one dict per row: the definition the column-wise path must match."""
    columns: dict[str, list[Any]] = {
        "question_id": _plain_list(part["vote_id"]),
        "model_a": _plain_list(part["model_a"]),
        "model_b": _plain_list(part["model_b"]),
        "winner": [_FASTCHAT_WINNER[str(w)] for w in part["winner"].tolist()],
        "judge": _plain_list(part["voter"]),
        "anony": [bool(v) for v in part["anony"].tolist()],
        "language": _plain_list(part["language"]),
        "turn": _plain_list(part["turns"]),
        "tstamp": _plain_list(part["tstamp"]),
    }
    for name in ("conversation_a", "conversation_b", "dedup_tag", "is_code"):
        if name in part.columns:
            columns[name] = _plain_list(part[name])
    names = list(columns)
    rows: list[dict[str, Any]] = [
        dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    suffixes: list[list[bytes]] = [[] for _ in rows]
    if has_style:
        # Spliced in as bytes: most rows have no text, so their metadata is one constant object.
        styles = [_plain_list(part[name]) for name in STYLE_COLUMNS]
        empty = b',"conv_metadata":' + _dumps(_metadata((None,) * 8))
        for suffix, values in zip(suffixes, zip(*styles, strict=True), strict=True):
            if any(v is not None for v in values):
                suffix.append(b',"conv_metadata":' + _dumps(_metadata(values)))
            else:
                suffix.append(empty)
    if tag_names:
        keys = [name[len(TAG_PREFIX) :] for name in tag_names]
        tags = [_plain_list(part[name]) for name in tag_names]
        for suffix, values in zip(suffixes, zip(*tags, strict=True), strict=True):
            suffix.append(b',"category_tag":' + _dumps(dict(zip(keys, values, strict=True))))
    if not has_style and not tag_names:
        lines = [_dumps(record) for record in rows]
    else:
        # orjson writes compact JSON, so dropping the closing brace and appending ``,"key":value}``
        # gives exactly the bytes of the record with those keys added last.
        lines = [
            b"".join((_dumps(record)[:-1], *suffix, b"}"))
            for record, suffix in zip(rows, suffixes, strict=True)
        ]
    lines.append(b"")
    return b"\n".join(lines)


def _metadata(values: tuple[Any, ...]) -> dict[str, Any]:
    """FastChat ``conv_metadata`` from the eight style values (a: tokens, headers, lists, bold; b: …)."""
    ta, ha, la, ba, tb, hb, lb, bb = values
    return {
        "sum_assistant_a_tokens": ta,
        "header_count_a": {"total": ha},
        "list_count_a": {"total": la},
        "bold_count_a": {"total": ba},
        "sum_assistant_b_tokens": tb,
        "header_count_b": {"total": hb},
        "list_count_b": {"total": lb},
        "bold_count_b": {"total": bb},
    }


# --- the fast path: one column at a time ------------------------------------------------------

_BINARY = pa.large_binary()  # 64-bit offsets: a chunk of long conversations may pass 2 GB
_NULL = pa.scalar(b"null", _BINARY)
_QUOTE = pa.scalar(b'"', _BINARY)
_NOTHING = pa.scalar(b"", _BINARY)
# What orjson escapes inside a string; rows holding any of these go through orjson itself.
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'
# ``conv_metadata`` of a row without any style value (as the row-by-row path writes it).
_EMPTY_METADATA = _dumps(_metadata((None,) * 8))

# A record as JSON pieces: constant text, or an array with one piece of JSON text per row.
Pieces = list[bytes | pa.Array]


def _from_offsets(data: Any, offsets: np.ndarray) -> pa.Array:
    """A binary array whose value ``i`` is ``data[offsets[i]:offsets[i + 1]]`` (no copy)."""
    buffers = [None, pa.py_buffer(offsets.astype(np.int64, copy=False)), pa.py_buffer(data)]
    return pa.Array.from_buffers(_BINARY, len(offsets) - 1, buffers)


def _dumped_each(values: Iterable[Any]) -> pa.Array:
    """Each value through orjson, appended to one buffer as soon as it is made.

    Why one buffer: holding tens of thousands of small ``orjson.dumps`` results costs far more than
    making them (measured: 1.9 µs and ~4 kB of RSS a kept result, 0.12 µs one dropped at once).
    """
    data = bytearray()
    ends = [0]
    for value in values:
        data += _dumps(value)
        ends.append(len(data))
    return _from_offsets(data, np.asarray(ends, dtype=np.int64))


def _numeric_fragments(series: pd.Series) -> pa.Array:
    """Each number or boolean as orjson writes it, from one ``orjson.dumps`` of the numpy array.

    orjson writes a numpy array as ``[v0,v1,…]`` formatting each value exactly as the Python scalar
    (NaN and ±inf as ``null``), and numbers hold no commas: deleting the commas leaves the values
    back to back. Floats go through float64 because orjson writes float32 with float32 digits.
    """
    kind = series.dtype.kind
    column: Any = series  # pandas-stubs reject ``na_value=np.nan`` with a dtype
    if kind == "f":
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = None  # NaN is written as null already
    else:
        dtype: Any = series.dtype  # numpy, masked (``Int16``) or Arrow-backed
        numpy_dtype = np.dtype(getattr(dtype, "numpy_dtype", dtype))
        values = column.to_numpy(dtype=numpy_dtype, na_value=numpy_dtype.type(0))
        missing = series.isna().to_numpy()
    text = orjson.dumps(np.ascontiguousarray(values), option=orjson.OPT_SERIALIZE_NUMPY)
    inner = np.frombuffer(text, dtype=np.uint8)[1:-1]
    commas = np.flatnonzero(inner == ord(","))
    offsets = np.empty(len(values) + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:-1] = commas - np.arange(len(commas))  # value i starts after i deleted commas
    offsets[-1] = len(inner) - len(commas)
    fragments = _from_offsets(np.delete(inner, commas), offsets)
    if missing is not None and missing.any():
        fragments = pc.if_else(pa.array(missing), _NULL, fragments)
    return fragments


def _string_pieces(series: pd.Series) -> Pieces:
    """Each string quoted as it is, or through orjson when it holds a character JSON escapes.

    A chunk without nulls or such characters (the usual case) is passed through with the quotes
    as constant pieces, saving a join over the column.
    """
    column = pa.array(series.array)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    text = column.cast(_BINARY)
    if not _may_need_escape(text):
        if text.null_count == 0:
            return [b'"', text, b'"']
        return [pc.binary_join_element_wise(_QUOTE, text, _QUOTE, _NOTHING).fill_null(_NULL)]
    quoted = pc.binary_join_element_wise(_QUOTE, text, _QUOTE, _NOTHING)
    escape = pc.match_substring_regex(column, _NEEDS_ESCAPE).fill_null(False)
    if pc.any(escape).as_py():
        rows = np.flatnonzero(escape.to_numpy(zero_copy_only=False))
        escaped = _dumped_each(column.take(pa.array(rows)).to_pylist())
        quoted = pc.replace_with_mask(quoted, escape, escaped)
    return [quoted.fill_null(_NULL)]


def _may_need_escape(text: pa.Array) -> bool:
    """Whether any byte of these values is one orjson escapes (a byte scan, 7× faster than a regex)."""
    _, offsets, data = text.buffers()
    if data is None:
        return False
    bounds = np.frombuffer(offsets, dtype=np.int64)[[text.offset, text.offset + len(text)]]
    values = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[1]]
    return bool(values.size) and bool(
        values.min() < 0x20 or (values == ord('"')).any() or (values == ord("\\")).any()
    )


def _is_string(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        return bool(
            pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    return False


def _value_pieces(series: pd.Series) -> Pieces:
    """Each value of a column as the JSON the row-by-row path writes for it (see :func:`_plain_list`)."""
    dtype = series.dtype
    if _is_string(dtype):
        return _string_pieces(series)
    if string_categories(dtype):  # the table's model columns: each name written once
        spelled = _dumped_each(str(name) for name in dtype.categories)
        return [taken_by_codes(spelled, series).fill_null(_NULL)]
    if not isinstance(dtype, pd.CategoricalDtype) and dtype.kind in "biuf":
        return [_numeric_fragments(series)]
    return [_dumped_each(_plain_list(series))]  # objects (conversations, mixed tags), dates, …


def _winner_fragments(series: pd.Series) -> pa.Array:
    """FastChat's spelling of each outcome: one lookup per category, not per row."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if (codes >= 0).all():
            categories = series.cat.categories
            spelled = [b""] * len(categories)
            for code in np.unique(codes):  # only categories in use must be outcomes
                spelled[code] = _dumps(_FASTCHAT_WINNER[str(categories[code])])
            return pa.array(spelled, _BINARY).take(pa.array(codes))
    return _dumped_each(_FASTCHAT_WINNER[str(w)] for w in series.tolist())


def _anony_fragments(series: pd.Series) -> pa.Array:
    if series.dtype == np.bool_:
        return _numeric_fragments(series)
    return _dumped_each(bool(v) for v in series.tolist())  # truthiness, as the reference


def _json_object(fields: Sequence[tuple[str, Pieces]]) -> Pieces:
    """The pieces of a compact JSON object with these keys in order (orjson's layout)."""
    pieces: Pieces = [b"{"]
    for i, (key, value) in enumerate(fields):
        pieces.append((b"," if i else b"") + _dumps(key) + b":")
        pieces.extend(value)
    pieces.append(b"}")
    return pieces


def _tag_pieces(part: pd.DataFrame, tag_names: Sequence[str]) -> Pieces:
    return _json_object(
        [(name[len(TAG_PREFIX) :], _value_pieces(part[name])) for name in tag_names]
    )


def tag_objects(part: pd.DataFrame, tag_names: Sequence[str]) -> pa.Array:
    """Each row's ``category_tag`` object as compact JSON (a binary array) from its ``tag.*``
    columns, built column-wise: the bytes the row-by-row path dumps for it (the JSON Lines lines
    hold them; the Parquet writer stores them as text)."""
    return _join_rows(_tag_pieces(part, tag_names))


def _join_rows(pieces: Pieces) -> pa.Array:
    """Concatenate the pieces row by row (constants broadcast to every row)."""
    merged: Pieces = []
    for piece in pieces:
        if isinstance(piece, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += piece
        else:
            merged.append(piece)
    args = [pa.scalar(p, _BINARY) if isinstance(p, bytes) else p for p in merged]
    return pc.binary_join_element_wise(*args, _NOTHING)


def _metadata_fragments(part: pd.DataFrame) -> pa.Array:
    """Each row's ``conv_metadata`` object as JSON, built from the style columns.

    Only rows with a style value are built column-wise; the others (every row without text, most
    of an arena) get the constant object the row-by-row path splices in for them. Its eight
    columns are joined for the styled rows alone, so they add one piece to the chunk's join.
    """
    present = np.zeros(len(part), dtype=bool)
    for name in STYLE_COLUMNS:
        present |= part[name].notna().to_numpy(dtype=bool)
    styled = np.flatnonzero(present)  # any value that is not missing, as the row-by-row path asks
    if len(styled) == 0:
        return pa.array([_EMPTY_METADATA], _BINARY).take(pa.array(np.zeros(len(part), np.int64)))
    style = {name: _value_pieces(part[name].iloc[styled]) for name in STYLE_COLUMNS}
    metadata: list[tuple[str, Pieces]] = []
    for side in ("a", "b"):
        metadata.append((f"sum_assistant_{side}_tokens", style[f"style_{side}_tokens"]))
        for count, feature in (("header", "headers"), ("list", "lists"), ("bold", "bold")):
            total = _json_object([("total", style[f"style_{side}_{feature}"])])
            metadata.append((f"{count}_count_{side}", total))
    built = _join_rows(_json_object(metadata))
    if len(styled) == len(part):
        return built
    positions = np.full(len(part), -1, dtype=np.int64)
    positions[styled] = np.arange(len(styled))
    spread = built.take(pa.array(positions, mask=positions < 0))
    return spread.fill_null(pa.scalar(_EMPTY_METADATA, _BINARY))


def _lines_by_column(part: pd.DataFrame, has_style: bool, tag_names: list[str]) -> pa.Buffer:
    """The chunk's lines, byte for byte those of :func:`_lines_row_by_row`, built column-wise."""
    fields: list[tuple[str, Pieces]] = [
        ("question_id", _value_pieces(part["vote_id"])),
        ("model_a", _value_pieces(part["model_a"])),
        ("model_b", _value_pieces(part["model_b"])),
        ("winner", [_winner_fragments(part["winner"])]),
        ("judge", _value_pieces(part["voter"])),
        ("anony", [_anony_fragments(part["anony"])]),
        ("language", _value_pieces(part["language"])),
        ("turn", _value_pieces(part["turns"])),
        ("tstamp", _value_pieces(part["tstamp"])),
    ]
    for name in ("conversation_a", "conversation_b", "dedup_tag", "is_code"):
        if name in part.columns:
            fields.append((name, _value_pieces(part[name])))
    if has_style:
        fields.append(("conv_metadata", [_metadata_fragments(part)]))
    if tag_names:
        fields.append(("category_tag", _tag_pieces(part, tag_names)))
    lines = _join_rows([*_json_object(fields), b"\n"])
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return lines.buffers()[2].slice(start, end - start)


# --- output -----------------------------------------------------------------------------------


# At these gzip levels the cleaned output is compressed by ISA-L (``isal.igzip``) when installed:
# its level 1 makes files the size of zlib's level 1 about four times faster (100 MB of battles:
# 0.37 s against 1.45 s), and compression was most of the audit's write stage at 10M battles.
# The stream is standard gzip; its bytes are ISA-L's, not zlib's (the decoded lines are the same).
ISAL_MAX_LEVEL = 3


def _open_output(target: Path, compresslevel: int = GZIP_LEVEL) -> IO[bytes] | gzip.GzipFile:
    if target.name.endswith(".gz"):
        # mtime=0: the same battles give the same bytes, run after run (determinism, diffable outputs).
        if compresslevel <= ISAL_MAX_LEVEL and _igzip is not None:
            handle: gzip.GzipFile = _igzip.IGzipFile(
                target, "wb", compresslevel=compresslevel, mtime=0
            )
            return handle
        return gzip.GzipFile(target, "wb", compresslevel=compresslevel, mtime=0)
    return target.open("wb")


class FastChatWriter:
    """Battle tables appended to one FastChat JSON Lines file, written (and gzipped) on a second thread.

    Why an object: the audit writes its cleaned table block by block; one writer thread for the
    whole file compresses block k while block k + 1 is built (zlib and file writes drop the GIL).
    One thread keeps the order; at most ``WRITE_QUEUE_CHUNKS`` built chunks wait for it, and each
    chunk is one ``write`` call, so a table written whole gives the same gzip bytes as before.
    """

    def __init__(self, path: str | Path, *, compresslevel: int = GZIP_LEVEL) -> None:
        target = Path(path)
        if target.parent != Path():
            target.parent.mkdir(parents=True, exist_ok=True)
        self._handle = _open_output(target, compresslevel)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditkit-writer")
        self._pending: deque[Future[Any]] = deque()
        self.rows = 0

    def write(self, battles: BattleTable) -> int:
        """Append one table's battles (see :func:`write_fastchat_jsonl`); return rows written."""
        frame = battles.frame
        has_style = all(name in frame.columns for name in STYLE_COLUMNS)
        tag_names = [c for c in frame.columns if c.startswith(TAG_PREFIX)]
        build = _lines_by_column if _FAST else _lines_row_by_row
        chunk_rows = WRITE_CHUNK_ROWS
        for start in range(0, len(frame), chunk_rows):
            chunk = build(frame.iloc[start : start + chunk_rows], has_style, tag_names)
            self._pending.append(self._pool.submit(self._handle.write, chunk))
            while len(self._pending) > WRITE_QUEUE_CHUNKS:
                self._pending.popleft().result()  # raises the writer thread's error, if any
        self.rows += len(frame)
        return len(frame)

    def close(self) -> None:
        """Wait for the chunks still queued, then close the file."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)
            self._handle.close()

    def __enter__(self) -> FastChatWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def write_fastchat_jsonl(battles: BattleTable, path: str | Path) -> int:
    """Write one JSON object per battle (gzip when ``path`` ends in ``.gz``); return rows written.

    Fields: ``question_id`` (vote id), ``model_a``, ``model_b``, ``winner``, ``judge`` (the voter),
    ``anony``, ``language`` (ISO code), ``turn``, ``tstamp``, plus ``conversation_a/b`` when the table
    has text, ``conv_metadata`` rebuilt from style columns, and tag columns as ``category_tag``.
    Rows are converted and written ``WRITE_CHUNK_ROWS`` at a time; :class:`FastChatWriter` appends
    several tables to one file.
    """
    with FastChatWriter(path) as out:
        return out.write(battles)
