"""Fast path for clean JSON Lines blocks: pyarrow parses the block in C++, columns are checked whole.

Why: parsing a million battles line by line and then checking every value in Python dominated
loading. Here a block of lines is parsed by ``pyarrow.json`` against an explicit schema for the fields
auditkit reads, and :meth:`ArrowColumns.fast_chunk` builds the canonical chunk with column-wise
operations. The fast path only ever *accepts* a block that the exact per-line path would load whole:
any doubt (a type pyarrow rejects, a null where a value is required, an unknown winner, a self battle,
a time out of range, a repeated id, a field it does not handle) returns ``None`` and the caller falls
back to the per-line path, so quarantine records (file, line, raw text, every reason) are unchanged.

Where pyarrow is more lenient than the per-line JSON parser (orjson) the block is not fast-pathed at
all: bare ``NaN``/``Inf`` tokens, invalid UTF-8, a byte-order mark, blank lines.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from auditkit.arrowstrings import string_layout
from auditkit.io.arrownp import (
    bool_array,
    bools,
    floats,
    integer_array,
    integers,
    string_array,
    string_scalar,
    valid,
)
from auditkit.io.arrowtags import TagLeaves, tag_leaves, tag_values
from auditkit.io.ids import HashedIds, VoteIdIndex, hash_ids, repeated
from auditkit.io.languages import normalise_language
from auditkit.io.lineblocks import LineBlock
from auditkit.io.normalise import (
    _MAX_EPOCH,
    _MIN_EPOCH,
    _WINNERS,
    CONVERSATION_FIELDS,
    KNOWN_FIELDS,
    ChunkResult,
    _conversation,
    _dedup_label,
    _style,
)
from auditkit.io.records import parse_records, to_columns
from auditkit.lazy import lazy_module
from auditkit.vocabulary import STYLE_COLUMNS, TAG_PREFIX, WINNER_VALUES

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")  # only to build a chunk's frame; the column checks need none

__all__ = ["ArrowChunk", "ArrowColumns", "decoded_conversations", "parse_block"]

# Top-level strings are parsed as large strings: the type the table's string columns have, so
# no column is cast (copied) again on the way to the table.
_TEXT = pa.large_string()
_CONVERSATION_TYPE = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
_TYPED: dict[str, pa.DataType] = {
    "question_id": _TEXT,
    "id": _TEXT,
    "model_a": _TEXT,
    "model_b": _TEXT,
    "winner": _TEXT,
    "judge": _TEXT,
    "anony": pa.bool_(),
    "language": _TEXT,
    "turn": pa.int64(),
    "tstamp": pa.float64(),
    "conversation_a": _CONVERSATION_TYPE,
    "conversation_b": _CONVERSATION_TYPE,
}
# String fields typed by pyarrow's inference, not the schema, when a block's first line has none:
# a field in the schema costs its parse even where the block has no such field (``id`` in a
# FastChat block: 3 %), and for the voter field whether the block holds it at all (null on every
# row or not) is then the parsed table's own answer, where a block without it would have to be
# searched for its name (0.05 s a 100k-row LMArena block, which has no voter field).
_BY_INFERENCE = frozenset({"id", "judge"})
# Arrow scalars made from buffers (a Python value handed to pyarrow would import pandas).
_EMPTY = string_scalar("", _TEXT)
_NULL_TEXT = string_scalar(None, _TEXT)
_USER = string_scalar("user", pa.string())
_EMPTY_TURN = string_scalar("", pa.string())
_REQUIRED = ("model_a", "model_b", "winner")
_COLON = string_scalar(":", _TEXT)
# Fields read from pyarrow's inferred columns as Python values (per-value helpers of the exact path).
_INFERRED = frozenset({"conv_metadata", "is_code", "dedup_tag", "category_tag"})
_HANDLED = frozenset(_TYPED) | _INFERRED
# Fields the exact path reads the same whether null on every row or absent (an id falls back to
# the next source, anonymity to anonymous; no language, no time, no conversation): a block without
# them is not searched for their names (each search reads the whole block: 0.05 s a 100k-row
# LMArena block). Nor is ``turn`` without ``conv_metadata``: only there does a null ``turn`` hide
# other counts. ``judge`` is searched for: a null one is still the voter field.
_NULL_READ_AS_ABSENT = frozenset(
    {"question_id", "id", "anony", "language", "tstamp", "conversation_a", "conversation_b"}
)
_UNHANDLED = KNOWN_FIELDS - _HANDLED
# pyarrow accepts these non-JSON number tokens; orjson (the exact path) rejects the line.
_NON_FINITE = re.compile(rb"[:\[,]\s*-?(?:NaN|Inf)")
# pyarrow parses 1 MiB blocks (in parallel) about 3× faster than a few large ones; a block must still
# hold the longest line whole, so it grows to twice that when a line is longer.
_PARSE_BLOCK = 1 << 20


def parse_block(
    data: bytes, n_lines: int, longest: int | None = 0, *, inferred: frozenset[str] = frozenset()
) -> pa.Table | None:
    """Parse ``n_lines`` JSON Lines joined in ``data``; None when the fast path must not be used.

    ``longest`` is the longest line's length in bytes (0: unknown, parse ``data`` as one block;
    None: unknown, try 1 MiB blocks and take the whole as one block if a line is longer);
    ``inferred``: fields of :data:`_BY_INFERENCE` pyarrow types itself."""
    # ASCII holds no byte-order mark and is valid UTF-8.
    if not data.isascii() and (_has_bom(data) or not _valid_utf8(data)):
        return None
    block = _PARSE_BLOCK if longest is None else max(_PARSE_BLOCK, 2 * (longest or len(data)))
    try:
        table = _read_json(data, block, _schema(inferred))
    except pa.ArrowInvalid as exc:
        if longest is not None or "straddl" not in str(exc):
            return None
        return parse_block(data, n_lines, 0, inferred=inferred)  # a line longer than a block
    except (pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.num_rows != n_lines:  # blank lines or two objects on one line
        return None
    # A bare NaN/Inf token can only have become a non-finite float; only then are the bytes read.
    if any(_non_finite(column) for column in table.columns) and _NON_FINITE.search(data):
        return None
    return table


_BOM = b"\xef\xbb\xbf"
_BOM_LEADS = 4_096  # lead bytes looked at one by one before a plain substring search


def _has_bom(data: bytes) -> bool:
    """``b"\\xef\\xbb\\xbf" in data``, faster on text: each ``\\xef`` byte is found by ``memchr``
    and its next two bytes compared (a generic substring search reads text at a tenth of the
    speed); past :data:`_BOM_LEADS` lead bytes the rest takes the substring search."""
    at = data.find(0xEF)
    for _ in range(_BOM_LEADS):
        if at < 0:
            return False
        if data[at : at + 3] == _BOM:
            return True
        at = data.find(0xEF, at + 1)
    return at >= 0 and data.find(_BOM, at) >= 0


def _valid_utf8(data: bytes) -> bool:
    """Is ``data`` valid UTF-8, exactly as ``bytes.decode("utf-8")`` judges it (no surrogates,
    no overlong forms, nothing past U+10FFFF)?

    Arrow's validator reads the bytes in place, about 30× faster than decoding them into a
    Python string that is thrown away (text blocks are the non-ASCII ones); the two agreed on
    200,000 random byte strings and on every edge case in ``tests/test_io_fastpath.py``.
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    view = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        view.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _non_finite(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether any float in ``values`` (nested in lists and structs too) is NaN or infinite.

    A type with no float in it (the conversations' ``list<struct<role, content>>``) is answered
    from the type alone; a nested column is joined into one array first, so each of its children
    is checked in one pass, not once per parse block."""
    kind = values.type
    if pa.types.is_floating(kind):
        return bool(pc.any(pc.invert(pc.is_finite(values))).as_py())
    if not _holds_floats(kind):
        return False
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_struct(kind):
        return any(_non_finite(child) for child in values.flatten())
    return _non_finite(values.flatten())


def _holds_floats(kind: pa.DataType) -> bool:
    """Whether a value of type ``kind`` can hold a float (in a list or struct, at any depth)."""
    if pa.types.is_floating(kind):
        return True
    if pa.types.is_struct(kind):
        return any(_holds_floats(kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _holds_floats(kind.value_type)
    return False


@functools.cache
def _schema(inferred: frozenset[str]) -> pa.Schema:
    return pa.schema([(k, v) for k, v in _TYPED.items() if k not in inferred])


def _inferred_columns(
    table: pa.Table, inferred: frozenset[str]
) -> tuple[pa.Table, frozenset[str]] | None:
    """A table parsed with ``inferred`` fields: those columns as large strings (null where the
    block has no such field), and those the block holds; None when one was inferred as anything
    but strings or nulls (a number, an ISO-looking time …): the exact path reads it."""
    present = set()
    for name in sorted(inferred):
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, _TEXT))
            continue
        column = table.column(name)
        kind = column.type
        if not (pa.types.is_null(kind) or pa.types.is_string(kind) or kind == _TEXT):
            return None
        table = table.set_column(table.column_names.index(name), name, column.cast(_TEXT))
        present.add(name)
    return table, frozenset(present)


def _read_json(data: bytes, block_size: int, schema: pa.Schema) -> pa.Table:
    return pj.read_json(
        io.BytesIO(data),
        read_options=pj.ReadOptions(block_size=block_size),
        parse_options=pj.ParseOptions(
            explicit_schema=schema,
            unexpected_field_behavior="infer",
            newlines_in_values=False,
        ),
    )


def _may_strip(array: pa.Array) -> np.ndarray:
    """Rows of a string array whose ``str.strip()`` may differ from the value (or that are empty).

    A value whose first and last bytes are printable, non-space ASCII (``!`` to ``~``) is its own
    ``strip()``: every character Python strips (ASCII or Unicode whitespace, ``\\x1c``-``\\x1f``,
    ``\\x85``, ``\\xa0`` …) is outside that range, and UTF-8 encodes no other character with such a
    byte. Read from the offsets and data buffers with numpy: no value becomes a Python string.
    """
    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=bool)
    offsets, data = string_layout(array)
    starts, ends = offsets[:-1], offsets[1:]
    empty = ends <= starts
    if not data.size:
        return empty & valid(array)
    first = data[np.where(empty, 0, starts)]
    last = data[np.where(empty, 0, ends - 1)]
    printable = (first >= 0x21) & (first <= 0x7E) & (last >= 0x21) & (last <= 0x7E)
    return (empty | ~printable) & valid(array)


def _stripped(column: pa.ChunkedArray) -> pa.Array:
    """``str.strip()`` of every value of a string column (nulls kept), Python only where needed."""
    array = column.combine_chunks()
    suspects = _may_strip(array)
    if not suspects.any():
        return array
    rows = np.flatnonzero(suspects)
    fixed = [value.strip() for value in array.take(rows).to_pylist()]
    return pc.replace_with_mask(array, pa.array(suspects), pa.array(fixed, type=array.type))


def _non_empty(column: pa.ChunkedArray) -> pa.Array:
    """A string column with its empty values made null (the exact path reads ``""`` as no id)."""
    array = column.combine_chunks()
    empty = pc.equal(array, _EMPTY)
    return pc.if_else(empty, _NULL_TEXT, array) if _mask(empty).any() else array


def _turn_counts(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """``turn`` as Int16 values and their validity: missing, negative or ≥ 32,768 → not valid (NA,
    as the exact path reads it)."""
    counts = column.combine_chunks()
    values = integers(counts, fill=0)
    present = valid(counts) & (values >= 0) & (values < 32_768)
    return np.where(present, values, 0).astype(np.int16), present


def _mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as a numpy mask (null → False)."""
    return bools(values)


def _boolean_array(column: pa.ChunkedArray) -> pd.arrays.BooleanArray:
    """A bool column as pandas' nullable booleans, from Arrow's values and validity: what
    ``pd.array(column.to_pylist(), dtype="boolean")`` gives, without a Python object a row."""
    values = column.fill_null(False).to_numpy()
    return pd.arrays.BooleanArray(values.astype(bool, copy=False), column.is_null().to_numpy())


def _string_series(values: pa.Array) -> pd.arrays.ArrowStringArray:
    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    return pd.arrays.ArrowStringArray(pa.chunked_array([values]))


# conv_metadata keys in STYLE_COLUMNS order (a: tokens, headers, lists, bold; then b).
_STYLE_KEYS = tuple(
    key.format(side)
    for side in ("a", "b")
    for key in ("sum_assistant_{}_tokens", "header_count_{}", "list_count_{}", "bold_count_{}")
)


def _numeric(values: pa.Array) -> np.ndarray:
    return np.asarray(values.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _style_columns(meta: pa.ChunkedArray) -> np.ndarray | None:
    """The eight style columns (rows of an 8×n array) from ``conv_metadata`` parsed as a struct.

    Same values as :func:`auditkit.io.normalise._style` per row: a number is itself, an object is
    the sum of its numeric (non-boolean) values, anything else or nothing is NaN. None (use the
    per-row reading) when the shape is not a struct or an object holds several numbers some of
    which are floats (their sum could depend on key order).
    """
    array = meta.combine_chunks()
    if not pa.types.is_struct(array.type):
        return None
    children = {array.type.field(i).name: child for i, child in enumerate(array.flatten())}
    out = np.full((8, len(array)), np.nan)
    for j, key in enumerate(_STYLE_KEYS):
        child = children.get(key)
        if child is None:
            continue
        kind = child.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            out[j] = _numeric(child)
        elif pa.types.is_struct(kind):
            parts = [
                part
                for part in child.flatten()
                if pa.types.is_integer(part.type) or pa.types.is_floating(part.type)
            ]
            if len(parts) > 1 and any(pa.types.is_floating(part.type) for part in parts):
                return None
            numbers = [_numeric(part) for part in parts]
            if numbers:
                stacked = np.vstack(numbers)
                present = ~np.isnan(stacked)
                total = np.where(present, stacked, 0.0).sum(axis=0)
                out[j] = np.where(present.any(axis=0), total, np.nan)
    return out


@dataclass(frozen=True, eq=False)
class ArrowChunk:
    """The canonical text-free columns of one clean block, before they become a frame.

    ``winner``: codes of :data:`~auditkit.vocabulary.WINNER_VALUES`; ``voter``: stripped ids,
    null where empty; ``language``: ISO codes (null where unknown); ``turns``: (Int16 values,
    valid) when the block has ``turn``, else None; ``keys``: the source fields present; ``tags``:
    the dotted keys of its ``tag.*`` columns (:mod:`auditkit.io.arrowtags`), sorted.
    """

    keys: frozenset[str]
    model_a: pa.Array
    model_b: pa.Array
    winner: np.ndarray
    voter_field: str | None
    voter: pa.Array
    tstamp: np.ndarray
    anony: np.ndarray
    language: pa.Array
    unmapped_languages: dict[str, int]
    turns: tuple[np.ndarray, np.ndarray] | None
    tags: tuple[str, ...] = ()

    def without(self, rows: np.ndarray) -> ArrowChunk:
        """The same columns without ``rows`` (a mask: rows the load quarantines).
        ``unmapped_languages`` and ``tags`` stay the whole block's: the load counts the
        quarantined rows' languages too, and its merged block lists their tag keys."""
        keep = ~rows
        kept = bool_array(keep)
        return dataclasses.replace(
            self,
            model_a=self.model_a.filter(kept),
            model_b=self.model_b.filter(kept),
            winner=self.winner[keep],
            voter=self.voter.filter(kept),
            tstamp=self.tstamp[keep],
            anony=self.anony[keep],
            language=self.language.filter(kept),
            turns=None if self.turns is None else (self.turns[0][keep], self.turns[1][keep]),
        )


class ArrowColumns(Mapping[str, list[Any]]):
    """The source columns of one JSON Lines block parsed by pyarrow.

    As a mapping it is exactly what the per-line reader would produce (values come from orjson,
    materialised on first access), so the exact path can always take over. :meth:`fast_chunk` is the
    column-wise path for blocks with nothing to quarantine.
    """

    def __init__(
        self,
        table: pa.Table,
        lines: Sequence[bytes],
        with_text: bool,
        exact: Callable[[], dict[str, list[Any]]] | None = None,
        *,
        present: frozenset[str] = frozenset(),
    ) -> None:
        self._table = table
        self._present = present  # fields in the source even where null on every row
        self._lines = lines
        self._line_rows: np.ndarray | None = None  # a part's rows in ``lines`` (:meth:`take`)
        self._with_text = with_text
        self._exact = exact
        self._columns: dict[str, list[Any]] | None = None
        self._keys = self._present_keys()
        # Computed by the checks and reused by the build (each is a pass over a column).
        self._ids: pa.Array | None = None
        self._hashed: HashedIds | None = None
        self._only_self_battles: np.ndarray | None = None
        self._sides: list[pa.Array] | None = None
        self._winners: np.ndarray | None = None
        self._conversation_failures: np.ndarray | None = None
        self._checks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._joined: dict[str, pa.Array] = {}
        # Whether :meth:`build` leaves the conversation columns as Arrow (see :meth:`keep_text_as_arrow`).
        self._arrow_text = False
        self._tags: TagLeaves | None = None
        self._tags_read = False

    @classmethod
    def from_table(
        cls, table: pa.Table, with_text: bool, exact: Callable[[], dict[str, list[Any]]]
    ) -> ArrowColumns | None:
        """The fast view of a table another reader produced (a Parquet batch), or None.

        ``exact`` builds the reader's own per-value columns, which the exact path reads when the
        fast path declines. Only FastChat-shaped tables qualify: every field auditkit types must
        have its JSON type (a dictionary or plain string column is cast to a large string), none
        may be null on every row (the exact path would see the field as present), the required
        ones nowhere.
        """
        if _UNHANDLED & set(table.column_names):
            return None
        columns: dict[str, pa.ChunkedArray] = {}
        for name in table.column_names:
            column = table.column(name)
            wanted = _TYPED.get(name)
            if wanted is not None and column.type != wanted:
                if not (
                    wanted == _TEXT
                    and (
                        pa.types.is_string(column.type)
                        or (
                            pa.types.is_dictionary(column.type)
                            and pa.types.is_string(column.type.value_type)
                        )
                    )
                ):
                    return None
                column = column.cast(wanted)
            if wanted is not None and column.null_count == len(column) and len(column):
                return None
            columns[name] = column
        if any(name not in columns or columns[name].null_count for name in _REQUIRED):
            return None
        for name, kind in _TYPED.items():
            if name not in columns:
                columns[name] = pa.chunked_array([pa.nulls(table.num_rows, kind)])
        return cls(pa.table(columns), [], with_text, exact)

    @classmethod
    def from_lines(cls, lines: Sequence[bytes], with_text: bool) -> ArrowColumns | None:
        """The fast view of a block, or None when only the per-line path can read it exactly."""
        try:  # a field the fast path does not handle on the first line: do not parse at all
            first = orjson.loads(lines[0]) if lines else None
        except orjson.JSONDecodeError:
            return None
        if not isinstance(first, dict) or (_UNHANDLED & first.keys()):
            return None
        if isinstance(lines, LineBlock):  # already one buffer: no copy, no pass over the lines
            data, longest = lines.data, None
        else:
            data, longest = b"".join(lines), max(map(len, lines))
        inferred = frozenset(name for name in _BY_INFERENCE if first.get(name) is None)
        table = parse_block(data, len(lines), longest, inferred=inferred)
        if table is None:
            return None
        if any(table.column(name).null_count for name in _REQUIRED):
            return None
        typed = _inferred_columns(table, inferred)
        if typed is None:
            return None
        table, present = typed
        columns = cls(table, lines, with_text, present=present)
        for name in _TYPED.keys() - _NULL_READ_AS_ABSENT - inferred:
            # A field that is null on every row may be absent or present-but-null; only an absent
            # one can be told apart cheaply (its quoted name is nowhere in the block).
            ignored = name == "turn" and "conv_metadata" not in columns._keys
            if not ignored and name not in columns._keys and f'"{name}"'.encode() in data:
                return None
        return columns

    def _present_keys(self) -> list[str]:
        table = self._table
        keys = {
            name
            for name in table.column_names
            if name not in _TYPED
            or name in self._present
            or table.column(name).null_count < table.num_rows
        }
        fields = (
            KNOWN_FIELDS if self._with_text else KNOWN_FIELDS - CONVERSATION_FIELDS - {"prompt"}
        )
        present = keys & fields
        if "winner_model_a" in keys and "prompt" in keys:
            present.add("prompt")
        return sorted(present)

    def _line_list(self, rows: np.ndarray | None = None) -> list[bytes]:
        """The lines of the block's rows (of ``rows`` only)."""
        if self._line_rows is not None:
            rows = self._line_rows if rows is None else self._line_rows[rows]
        if rows is None:
            return list(self._lines)
        return [self._lines[i] for i in rows.tolist()]

    def materialise(self) -> dict[str, list[Any]]:
        """The exact per-line columns (orjson), as :func:`auditkit.io.records.to_columns` builds them."""
        if self._columns is None and self._exact is not None:
            self._columns = self._exact()
        elif self._columns is None:
            self._columns = to_columns(parse_records(self._line_list()), self._with_text)
        return self._columns

    def __getitem__(self, name: str) -> list[Any]:
        if name not in self._keys:
            raise KeyError(name)
        if self._columns is None and _TYPED.get(name) == _TEXT:
            # String values are the same whichever parser read them.
            return list(self._table.column(name).to_pylist())
        return self.materialise()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, name: object) -> bool:
        return name in self._keys

    def column_wise(self, with_text: bool) -> bool:
        """Whether this block's fields can be read column-wise at all (else: the exact path)."""
        keys = set(self._keys)
        if keys - _HANDLED or with_text != self._with_text:
            return False
        if "conv_metadata" in keys and "turn" not in keys:
            return False  # turns would come from conv_metadata: the exact path does that
        if "category_tag" in keys and self._tag_leaves() is None:
            return False
        return "is_code" not in keys or self._table.column("is_code").type == pa.bool_()

    def _tag_leaves(self) -> TagLeaves | None:
        """The block's ``category_tag`` leaves (:func:`~auditkit.io.arrowtags.tag_leaves`; empty
        without the field), found once: the check and the build read them."""
        if not self._tags_read:
            has_tags = "category_tag" in self._keys
            self._tags = tag_leaves(self._table.column("category_tag")) if has_tags else []
            self._tags_read = True
        return self._tags

    def vote_ids(self, *, lines: np.ndarray, stem: str) -> pa.Array:
        """Each row's vote id as :func:`~auditkit.io.normalise._vote_ids` names it: ``question_id``,
        else ``id``, where it is a non-empty string (the schema lets no other JSON type through);
        else ``<stem>:<line>``. Found once (the checks and the build read it); ``lines``: the
        rows' 1-based line numbers."""
        if self._ids is None:
            ids: pa.Array | None = None
            for name in ("question_id", "id"):
                if name in self._keys and (ids is None or ids.null_count):
                    given = _non_empty(self._table.column(name))
                    ids = given if ids is None else pc.coalesce(ids, given)
            if ids is None or ids.null_count:
                numbers = integer_array(lines).cast(_TEXT)
                generated = pc.binary_join_element_wise(string_scalar(stem, _TEXT), numbers, _COLON)
                ids = generated if ids is None else pc.coalesce(ids, generated)
            self._ids = ids
        return self._ids

    def _checked_ids(self) -> pa.Array:
        """The vote ids :meth:`failing_rows` found (the build reads only checked blocks)."""
        if self._ids is None:
            raise RuntimeError("the vote ids of a block whose rows failing_rows did not check")
        return self._ids

    def failing_rows(self, seen_ids: VoteIdIndex, *, lines: np.ndarray, stem: str) -> np.ndarray:
        """Rows the column-wise checks cannot vouch for: the exact path reads them.

        A superset of the rows the exact path would quarantine or read differently: any row of
        an id (:meth:`vote_ids`) that repeats in the block (by its first hash) or was loaded
        before, a model empty after stripping, a self battle, a winner outside the known
        spellings, a time outside 2000-2100, an unreadable conversation.
        """
        table = self._table
        hashed = self._hashed = hash_ids(self.vote_ids(lines=lines, stem=stem))
        failing = repeated(hashed.first, hashed.order()) | (seen_ids.first_lines(hashed) >= 0)
        sides = self._stripped_sides()
        failing |= _mask(pc.equal(sides[0], _EMPTY)) | _mask(pc.equal(sides[1], _EMPTY))
        self_battles = _mask(pc.equal(sides[0], sides[1]))
        failing |= self._winner_codes() < 0
        tstamp = floats(table.column("tstamp"))
        with np.errstate(invalid="ignore"):
            failing |= (tstamp < _MIN_EPOCH) | (tstamp > _MAX_EPOCH)
        if self._with_text:
            failing |= self._failing_conversations()
        self._only_self_battles = self_battles & ~failing
        return failing | self_battles

    def only_self_battles(self) -> np.ndarray:
        """Rows :meth:`failing_rows` failed for a self battle alone (call it first).

        Every other check passed, so the exact path flags such a row for that one reason
        (``self_battle``) unless its id repeats one loaded in another block: the caller checks
        that (:class:`~auditkit.io.ids.DeferredIdCheck` holds these ids too)."""
        if self._only_self_battles is None:
            raise RuntimeError("only_self_battles of a block failing_rows did not check")
        return self._only_self_battles

    def keep_text_as_arrow(self) -> None:
        """Have :meth:`build` put the conversation columns in the frame as Arrow
        (``list<struct<role, content>>`` behind a ``pd.ArrowDtype``), not decoded to Python lists.

        Why: a streamed load only hands the conversations to the text scan, which may run in
        another process; Arrow columns travel there as buffers and are decoded there
        (:func:`decoded_conversations`, the same values), instead of in the reading process.
        """
        table = self._table
        self._arrow_text = all(
            table.column(side).type == _CONVERSATION_TYPE
            for side in ("conversation_a", "conversation_b")
        )

    def _conversation_array(self, side: str) -> pa.Array:
        """The block's ``side`` conversations as one array (joined once: the checks and the
        build read it)."""
        joined = self._joined.get(side)
        if joined is None:
            joined = self._joined[side] = self._table.column(side).combine_chunks()
        return joined

    def _side_checks(self, side: str) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_conversation_checks` of one side, made once (the checks and the decoding read
        it)."""
        checks = self._checks.get(side)
        if checks is None:
            checks = self._checks[side] = _conversation_checks(self._conversation_array(side))
        return checks

    def _failing_conversations(self) -> np.ndarray:
        """Rows whose conversation the exact path would quarantine (judged in Arrow, no row
        decoded)."""
        if self._conversation_failures is None:
            failing = np.zeros(self._table.num_rows, dtype=bool)
            for side in ("conversation_a", "conversation_b"):
                failing |= self._side_checks(side)[0]
            self._conversation_failures = failing
        return self._conversation_failures

    def _stripped_sides(self) -> list[pa.Array]:
        if self._sides is None:
            self._sides = [_stripped(self._table.column(side)) for side in ("model_a", "model_b")]
        return self._sides

    def take(self, rows: np.ndarray) -> ArrowColumns:
        """The same view over ``rows`` of the block (all of whose rows the checks passed)."""
        exact = self._exact
        part = ArrowColumns(self._table.take(integer_array(rows)), self._lines, self._with_text)
        # The lines are not copied one by one (that cost more than the block's checks): the part
        # keeps its rows' indices into them.
        part._line_rows = rows if self._line_rows is None else self._line_rows[rows]
        if exact is not None:
            part._exact = lambda: {k: [v[i] for i in rows.tolist()] for k, v in exact().items()}
        part._keys = self._keys
        if self._ids is not None:
            part._ids = self._ids.take(integer_array(rows))
        if self._hashed is not None:
            part._hashed = self._hashed.take(rows)
        part._arrow_text = self._arrow_text
        return part

    def exact_rows(self, rows: np.ndarray) -> dict[str, list[Any]]:
        """The exact per-value columns of ``rows`` only, with every field of the block."""
        if self._exact is not None or self._columns is not None:
            full = self.materialise()
            return {key: [full[key][i] for i in rows.tolist()] for key in full}
        part = to_columns(parse_records(self._line_list(rows)), self._with_text)
        return {key: part.get(key, [None] * len(rows)) for key in self._keys}

    def fast_chunk(
        self, *, lines: np.ndarray, file: str, stem: str, with_text: bool, seen_ids: VoteIdIndex
    ) -> ChunkResult | None:
        """The canonical chunk when every row loads; None (``seen_ids`` untouched) otherwise."""
        if not self.column_wise(with_text):
            return None
        if self.failing_rows(seen_ids, lines=lines, stem=stem).any():
            return None
        return self.build(lines=lines, file=file, seen_ids=seen_ids)

    def _winner_codes(self) -> np.ndarray:
        """Each row's winner as a code of ``WINNER_DTYPE`` (-1: not a known spelling)."""
        if self._winners is None:
            encoded = self._table.column("winner").combine_chunks().dictionary_encode()
            categories = list(WINNER_VALUES)
            mapped = [_WINNERS.get(u.strip().lower()) for u in encoded.dictionary.to_pylist()]
            codes = np.asarray([categories.index(w) if w else -1 for w in mapped], dtype=np.int8)
            self._winners = codes[integers(encoded.indices)]
        return self._winners

    def arrow_chunk(self, *, lines: np.ndarray, seen_ids: VoteIdIndex) -> ArrowChunk:
        """The canonical columns of a block whose rows all passed :meth:`failing_rows`, as Arrow
        and numpy (no text): its ids are committed to ``seen_ids`` (every row loads)."""
        table, keys, n = self._table, set(self._keys), self._table.num_rows
        hashed = self._hashed
        if hashed is None:
            raise RuntimeError("arrow_chunk of a block whose rows failing_rows did not check")
        model_a, model_b = self._stripped_sides()
        tstamp = floats(table.column("tstamp"))
        seen_ids.add(hashed, lines)
        anony_column = table.column("anony")
        anony = bools(anony_column) | ~valid(anony_column)  # missing: anonymous

        voter_field = "judge" if "judge" in keys else None
        if voter_field is not None:
            judges = _stripped(table.column("judge"))
            voters = pc.if_else(pc.equal(judges, _EMPTY), _NULL_TEXT, judges)
        else:
            voters = pa.nulls(n, type=_TEXT)

        unmapped: dict[str, int] = {}
        language_column = table.column("language").combine_chunks()
        encoded = language_column.dictionary_encode()
        codes_list: list[str | None] = []
        counts = np.bincount(
            integers(encoded.indices.drop_null()),
            minlength=len(encoded.dictionary),
        )
        for value, count in zip(encoded.dictionary.to_pylist(), counts.tolist(), strict=True):
            code, recognised = normalise_language(value)
            codes_list.append(code)
            if not recognised:
                unmapped[str(value)] = int(count)
        languages = string_array(codes_list, pa.string()).take(encoded.indices)
        return ArrowChunk(
            keys=frozenset(keys),
            model_a=model_a,
            model_b=model_b,
            winner=self._winner_codes(),
            voter_field=voter_field,
            voter=voters,
            tstamp=tstamp,
            anony=anony,
            language=languages,
            unmapped_languages=unmapped,
            turns=_turn_counts(table.column("turn")) if "turn" in keys else None,
            tags=tuple(key for key, _ in self._tag_leaves() or ()),
        )

    def build(self, *, lines: np.ndarray, file: str, seen_ids: VoteIdIndex) -> ChunkResult:
        """The canonical chunk of a block whose rows all passed :meth:`failing_rows`."""
        from auditkit.schema import WINNER_DTYPE

        table, keys, n = self._table, set(self._keys), self._table.num_rows
        conversations = self._text_columns() if self._with_text else None
        part = self.arrow_chunk(lines=lines, seen_ids=seen_ids)
        if part.turns is not None:
            turns: Any = pd.arrays.IntegerArray(part.turns[0], ~part.turns[1])
        elif conversations is not None:
            turns = pd.arrays.IntegerArray(conversations[3], ~conversations[4])
        else:
            turns = pd.arrays.IntegerArray(np.zeros(n, np.int16), np.ones(n, dtype=bool))

        data: dict[str, Any] = {
            "vote_id": _string_series(self._checked_ids()),
            "model_a": _string_series(part.model_a),
            "model_b": _string_series(part.model_b),
            "winner": pd.Categorical.from_codes(part.winner, dtype=WINNER_DTYPE),
            "voter": _string_series(part.voter),
            "tstamp": part.tstamp,
            "anony": part.anony,
            "language": _string_series(part.language),
            "turns": turns,
            "source_file": pd.Categorical.from_codes(
                np.zeros(n, dtype=np.int8), categories=pd.Index([file])
            ),
            "source_line": lines.astype(np.int64),
        }
        if conversations is not None:
            data["conversation_a"], data["conversation_b"] = conversations[:2]
            data["prompt"] = _prompt_column(conversations[2])
        if "conv_metadata" in keys:
            style_matrix = _style_columns(table.column("conv_metadata"))
            if style_matrix is None:  # an unusual shape: the exact per-value reading
                meta = table.column("conv_metadata").to_pylist()
                styles = [(*_style(value, "a"), *_style(value, "b")) for value in meta]
                style_matrix = np.array(styles, dtype=np.float64).reshape(n, 8).T
            for j, name in enumerate(STYLE_COLUMNS):
                data[name] = style_matrix[j]
        if "dedup_tag" in keys:
            labels = [_dedup_label(v) for v in table.column("dedup_tag").to_pylist()]
            data["dedup_tag"] = np.asarray(labels, dtype=object)
        if "is_code" in keys:
            data["is_code"] = _boolean_array(table.column("is_code"))
        for key, values in self._tag_leaves() or ():
            data[f"{TAG_PREFIX}{key}"] = tag_values(values)
        return ChunkResult(
            frame=pd.DataFrame(data),
            quarantine=[],
            voter_field=part.voter_field,
            unmapped_languages=part.unmapped_languages,
        )

    def _text_columns(self) -> tuple[Any, Any, pa.Array, np.ndarray, np.ndarray] | None:
        """(conversation_a, conversation_b, prompt, user turns as int16, whether the turns are
        known) of a block whose rows all passed the checks; None when no row has
        ``conversation_a`` (then the chunk has no conversation columns).

        The conversations are Python lists (:func:`decoded_conversations`), or Arrow after
        :meth:`keep_text_as_arrow`; prompt and turns are read in Arrow either way."""
        table = self._table
        if table.column("conversation_a").null_count == table.num_rows:
            return None
        names = ("conversation_a", "conversation_b")
        sides = [self._conversation_array(side) for side in names]
        prompt, turns, has_turns = _user_turns(sides[0])
        conversations: list[Any] = [
            pd.arrays.ArrowExtensionArray(lists)
            if self._arrow_text
            else decoded_conversations(lists, odd=self._side_checks(side)[1])
            for side, lists in zip(names, sides, strict=True)
        ]
        return conversations[0], conversations[1], prompt, turns, has_turns


def _conversation_checks(lists: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(rows the exact path rejects, rows whose value needs its per-turn reading) of a conversation
    column Arrow typed as ``list<struct<role, content>>``.

    The schema already makes every turn a ``{role, content}`` struct of strings, so what
    :func:`~auditkit.io.normalise._conversation` would still check per turn is checked here over
    the flattened turns at once: a null turn or a null role rejects the row; a null content is the
    empty text (the per-turn reading gives it). No row is decoded.
    """
    n = len(lists)
    failing = np.zeros(n, dtype=bool)
    odd_rows = np.zeros(n, dtype=bool)
    if lists.null_count == n:
        return failing, odd_rows
    turns = lists.flatten()
    parents = pc.list_parent_indices(lists).to_numpy()
    broken = turns.is_null().to_numpy(zero_copy_only=False) | turns.field(
        "role"
    ).is_null().to_numpy(zero_copy_only=False)
    odd = broken | turns.field("content").is_null().to_numpy(zero_copy_only=False)
    failing[parents[broken]] = True
    odd_rows[parents[odd]] = True
    return failing, odd_rows


def decoded_conversations(
    lists: pa.Array | pa.ChunkedArray, *, odd: np.ndarray | None = None
) -> np.ndarray:
    """Each row's conversation as the exact path reads it: ``[{role, content}]``, None where the
    row has none or the exact path rejects it (an object array, one entry per row).

    Rows whose turns are all whole are Arrow's own Python lists, decoded once; the others (a null
    content, or rejected) take :func:`~auditkit.io.normalise._conversation` for its exact value.
    ``odd``: those other rows, when the caller has :func:`_conversation_checks` of ``lists``.
    """
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    n = len(lists)
    store = np.empty(n, dtype=object)
    present = np.flatnonzero(valid(lists))
    if len(present) == 0:
        return store
    if odd is None:
        _, odd = _conversation_checks(lists)
    values = lists.take(pa.array(present)).to_pylist()
    for i, value in zip(present.tolist(), values, strict=True):
        if not odd[i]:
            store[i] = value
            continue
        conversation = _conversation(value)
        if not isinstance(conversation, str):
            store[i] = conversation
    return store


def _user_turns(lists: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(each row's prompt: the text of its first user turn, null without one; its number of user
    turns as int16; whether that number is known: the row has a non-empty conversation).

    What the per-row reading of a decoded conversation gives (``users = [t["content"] for t in
    conversation if t["role"] == "user"]``, ``users[0]``, ``len(users)``), over the flattened
    turns at once: a null content is the empty text, as :func:`decoded_conversations` decodes it.
    Rows the checks reject (a null turn or role) are never read.
    """
    n = len(lists)
    turns = lists.flatten()
    parents = pc.list_parent_indices(lists).to_numpy()
    is_user = bools(pc.and_kleene(turns.is_valid(), pc.equal(turns.field("role"), _USER)))
    user_rows = parents[is_user]
    counts = np.bincount(user_rows, minlength=n)
    first = np.flatnonzero(np.r_[True, user_rows[1:] != user_rows[:-1]][: len(user_rows)])
    position = np.full(n, -1, dtype=np.int64)
    position[user_rows[first]] = np.flatnonzero(is_user)[first]
    contents = turns.field("content").fill_null(_EMPTY_TURN)
    prompt = contents.take(pa.array(position, mask=position < 0))
    lengths = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)
    return prompt, counts.astype(np.int16), lengths > 0


def _prompt_column(prompt: pa.Array) -> Any:
    """The ``prompt`` column as a frame built from a Python object per row would type it: pandas'
    inferred string dtype when some row has a prompt (Arrow's array, no Python strings), else
    objects (all missing)."""
    if prompt.null_count == len(prompt):
        return np.full(len(prompt), None, dtype=object)
    dtype = _inferred_string_dtype()
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return prompt.to_numpy(zero_copy_only=False)
    if prompt.type != pa.large_string():
        prompt = prompt.cast(pa.large_string())
    # pandas-stubs lacks the ``dtype`` keyword pandas 3 has (the ``str`` dtype, NaN for missing)
    return pd.arrays.ArrowStringArray(pa.chunked_array([prompt]), dtype=dtype)  # type: ignore[call-arg]


_STRING_DTYPE: list[Any] = []


def _inferred_string_dtype() -> Any:
    """The dtype pandas gives a frame column of Python strings (its ``str`` dtype since 3.0)."""
    if not _STRING_DTYPE:
        _STRING_DTYPE.append(pd.DataFrame({"x": np.array(["x"], dtype=object)})["x"].dtype)
    return _STRING_DTYPE[0]
