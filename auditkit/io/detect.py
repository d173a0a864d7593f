"""Format sniffing: which container (JSON array, JSON Lines, CSV, Parquet) and compression a file uses,
and which arena schema its columns belong to.

Sniffing reads only the first bytes, so callers never need to name the format; ``fmt=`` overrides it.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import IO

from auditkit.errors import InputError

__all__ = [
    "CONTAINERS",
    "detect_container",
    "detect_schema",
    "file_stem",
    "open_text",
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


def open_text(path: Path) -> IO[str]:
    """Open a plain or gzip file for text reading (UTF-8, undecodable bytes replaced, not fatal)."""
    _, is_gzip = _head(path)
    if is_gzip:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return path.open("r", encoding="utf-8", errors="replace", newline="")


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
