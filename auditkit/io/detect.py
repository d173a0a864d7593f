"""Format sniffing: which container (JSON array, JSON Lines, CSV, Parquet), compression and text
encoding a file uses, and which arena schema its columns belong to.

Sniffing reads only the first bytes, so callers never need to name the format; ``fmt=`` overrides it.
Text is decoded strictly: a byte-order mark says UTF-8/UTF-16/UTF-32, NUL bytes every other byte say
BOM-less UTF-16, anything else must be valid UTF-8 unless the caller names an ``encoding``. Bytes that
do not decode are an :class:`InputError` naming the file, line and byte offset, never a silent U+FFFD
(which merged ``modèle`` and ``modéle`` in a Latin-1 file into one model).
"""

from __future__ import annotations

import codecs
import gzip
import json
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import IO

from auditkit.errors import InputError

__all__ = [
    "CONTAINERS",
    "check_encoding",
    "decode_error",
    "detect_container",
    "detect_schema",
    "file_stem",
    "open_text",
    "sniff_encoding",
]

CONTAINERS = ("json", "jsonl", "csv", "parquet")
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 64 * 1024


def file_stem(path: Path) -> str:
    """The file name without compression and format suffixes: ``votes.jsonl.gz`` → ``votes``."""
    name = path.name
    for suffix in (".gz", ".gzip", ".jsonl", ".ndjson", ".json", ".csv", ".parquet", ".pq"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name


def _head(path: Path) -> tuple[bytes, bool]:
    """The first decompressed bytes of the file and whether it is gzip."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from exc
    if magic[:2] == _GZIP_MAGIC:
        try:
            with gzip.open(path, "rb") as handle:
                return handle.read(_SNIFF_BYTES), True
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"corrupt gzip stream: {exc}", path=str(path)) from exc
    with path.open("rb") as handle:
        return handle.read(_SNIFF_BYTES), False


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _sniff(head: bytes) -> str:
    """The encoding the first bytes show: a BOM, or UTF-16 without one (ASCII text with NULs)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 3 * max(even, 1):
            return "utf-16-le"
        if even > 3 * max(odd, 1):
            return "utf-16-be"
    return "utf-8"


def check_encoding(encoding: str | None) -> str | None:
    """A codec name Python knows (normalised), or None; an unknown name is an :class:`InputError`."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"unknown text encoding {encoding!r} (e.g. utf-8, latin-1, cp1252, utf-16)"
        ) from None


def sniff_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding to read ``path`` with: the caller's, else the sniffed one (see the module doc)."""
    if encoding is not None:
        return check_encoding(encoding) or "utf-8"
    head, _ = _head(path)
    return _sniff(head)


def decode_error(path: Path, encoding: str, *, is_gzip: bool | None = None) -> InputError:
    """The error for a file that does not decode: file, line and byte offset of the first bad byte.

    Scans the (decompressed) bytes with an incremental decoder, so the offset is exact however the
    reader that failed had buffered the file.
    """
    if is_gzip is None:
        is_gzip = _head(path)[1]
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, line = 0, 1
    opener = gzip.open if is_gzip else open
    with opener(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            # The decoder may hold back a few bytes of the previous block (a cut character).
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                bad = max(offset + exc.start - pending, 0)
                line += block[: max(bad - offset, 0)].count(b"\n")
                return _decode_failure(path, encoding, bad, line, exc.reason)
            line += block.count(b"\n")
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return _decode_failure(path, encoding, offset, line, exc.reason)
    return InputError(f"not valid {encoding} text", path=str(path))


def _decode_failure(path: Path, encoding: str, offset: int, line: int, why: str) -> InputError:
    hint = (
        "pass --encoding with the file's encoding (e.g. --encoding latin-1 or cp1252)"
        if encoding.replace("_", "-").startswith("utf-8")
        else "check --encoding"
    )
    return InputError(
        f"not valid {encoding} text at byte offset {offset:,} ({why}); {hint}",
        path=str(path),
        line=line,
    )


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    """Open a plain or gzip file for text reading, decoding strictly (see the module docstring).

    A decoding failure surfaces as :class:`UnicodeDecodeError` from the read that meets it; turn
    it into a clear error with :func:`decode_error`.
    """
    head, is_gzip = _head(path)
    name = check_encoding(encoding) or _sniff(head)
    if is_gzip:
        return gzip.open(path, "rt", encoding=name, errors="strict", newline="")
    return path.open("r", encoding=name, errors="strict", newline="")


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def detect_container(path: Path) -> tuple[str, bool]:
    """Return ``(container, is_gzip)``; raise :class:`InputError` for anything that is not a battle file."""
    if not path.exists():
        raise InputError("file not found", path=str(path))
    if path.is_dir():
        raise InputError("is a directory, not a battle file", path=str(path))
    head, is_gzip = _head(path)
    if head[:4] == _PARQUET_MAGIC:
        if is_gzip:
            raise InputError(
                "gzip-compressed Parquet is not supported; decompress it", path=str(path)
            )
        return "parquet", False
    encoding = _sniff(head)
    if encoding != "utf-8":  # a BOM or UTF-16: sniff the decoded text (a cut last char is fine)
        head = head.decode(encoding, errors="ignore").encode("utf-8")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        return "jsonl", is_gzip  # empty file: zero rows, not an error
    if text[0] == "[":
        # A JSON Lines file may open with a stray array line; an array file never has a complete
        # JSON value on its first line followed by an object line.
        first, _, rest = text.partition("\n")
        if rest.lstrip().startswith("{") and _is_json(first):
            return "jsonl", is_gzip
        return "json", is_gzip
    if text[0] == "{":
        return "jsonl", is_gzip
    first_line = text.splitlines()[0] if text else ""
    header = {cell.strip().strip('"').lower() for cell in first_line.split(",")}
    if "model_a" in header and "model_b" in header:
        return "csv", is_gzip
    raise InputError(
        "not a battle format (expected a JSON array, JSON Lines, CSV with model_a/model_b, or Parquet)",
        path=str(path),
    )


def detect_schema(columns: Collection[str], winner_values: Collection[object] = ()) -> str:
    """Name the arena schema a set of column names belongs to (recorded in ``source_formats``)."""
    cols = set(columns)
    if "acceptedIndex" in cols:
        return "copilot_arena"
    if {"winner_model_a", "winner_model_b"} & cols:
        return "arena_human_preference_55k"
    if "evaluation_session_id" in cols or "both_bad" in cols or "both_bad" in set(winner_values):
        return "arena_human_preference_140k"
    if "judge_hash" in cols:
        return "arena_human_preference_100k"
    if {"openai_moderation", "toxic_chat_tag"} & cols:
        return "chatbot_arena_conversations"
    return "fastchat_clean_battle"
