"""Write a battle table back out as FastChat ``clean_battle`` JSON Lines (the format every arena tool reads).

The simulator and the audit's cleaned output use it; :func:`auditkit.io.load_battles` reads it back to
the same table (round trip), with ``tie_bothbad`` spelled FastChat's way, ``tie (bothbad)``.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import IO, Any

import pandas as pd

from auditkit.schema import STYLE_COLUMNS, TAG_PREFIX, BattleTable, Winner

__all__ = ["write_fastchat_jsonl"]

try:
    import orjson

    def _dumps(record: dict[str, Any]) -> bytes:
        return orjson.dumps(record, option=orjson.OPT_SERIALIZE_NUMPY)

except ImportError:  # pragma: no cover - exercised only without orjson

    def _dumps(record: dict[str, Any]) -> bytes:
        return json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")


_FASTCHAT_WINNER = {w.value: w.value for w in Winner} | {Winner.TIE_BOTHBAD.value: "tie (bothbad)"}


def _plain(value: Any) -> Any:
    """pandas/numpy missing values → None; numpy scalars → Python scalars."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        return value.item()
    return value


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return [_plain(v) for v in frame[name].tolist()]


def write_fastchat_jsonl(battles: BattleTable, path: str | Path) -> int:
    """Write one JSON object per battle (gzip when ``path`` ends in ``.gz``); return rows written.

    Fields: ``question_id`` (vote id), ``model_a``, ``model_b``, ``winner``, ``judge`` (the voter),
    ``anony``, ``language`` (ISO code), ``turn``, ``tstamp``, plus ``conversation_a/b`` when the table
    has text, ``conv_metadata`` rebuilt from style columns, and tag columns as ``category_tag``.
    """
    frame = battles.frame
    target = Path(path)
    if target.parent != Path():
        target.parent.mkdir(parents=True, exist_ok=True)
    columns: dict[str, list[Any]] = {
        "question_id": _column(frame, "vote_id"),
        "model_a": _column(frame, "model_a"),
        "model_b": _column(frame, "model_b"),
        "winner": [_FASTCHAT_WINNER[str(w)] for w in frame["winner"].tolist()],
        "judge": _column(frame, "voter"),
        "anony": [bool(v) for v in frame["anony"].tolist()],
        "language": _column(frame, "language"),
        "turn": _column(frame, "turns"),
        "tstamp": _column(frame, "tstamp"),
    }
    for name in ("conversation_a", "conversation_b", "dedup_tag", "is_code"):
        if name in frame.columns:
            columns[name] = _column(frame, name)
    n = len(frame)
    metadata: list[dict[str, Any]] | None = None
    if all(name in frame.columns for name in STYLE_COLUMNS):
        styles = {name: _column(frame, name) for name in STYLE_COLUMNS}
        metadata = []
        for i in range(n):
            meta: dict[str, Any] = {}
            for side in ("a", "b"):
                meta[f"sum_assistant_{side}_tokens"] = styles[f"style_{side}_tokens"][i]
                meta[f"header_count_{side}"] = {"total": styles[f"style_{side}_headers"][i]}
                meta[f"list_count_{side}"] = {"total": styles[f"style_{side}_lists"][i]}
                meta[f"bold_count_{side}"] = {"total": styles[f"style_{side}_bold"][i]}
            metadata.append(meta)
    tag_names = [c for c in frame.columns if c.startswith(TAG_PREFIX)]
    tags = {name[len(TAG_PREFIX) :]: _column(frame, name) for name in tag_names}
    opener: Any = gzip.open if target.name.endswith(".gz") else open
    handle: IO[bytes]
    with opener(target, "wb") as handle:
        names = list(columns)
        for i in range(n):
            record = {name: columns[name][i] for name in names}
            if metadata is not None:
                record["conv_metadata"] = metadata[i]
            if tags:
                record["category_tag"] = {key: values[i] for key, values in tags.items()}
            handle.write(_dumps(record))
            handle.write(b"\n")
    return n
