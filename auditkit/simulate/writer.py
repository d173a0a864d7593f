"""Write a simulated arena's battles the way FastChat-era logs look (language *names*, not codes)."""

from __future__ import annotations

from pathlib import Path

from auditkit.io import write_fastchat_jsonl
from auditkit.io.languages import LANGUAGE_CODES
from auditkit.schema import BattleTable

__all__ = ["language_names", "write_battles"]


def language_names() -> dict[str, str]:
    """ISO 639-1 code → the FastChat name ("zh" → "Chinese"): the first name listed for each code."""
    names: dict[str, str] = {}
    for name, code in LANGUAGE_CODES.items():
        names.setdefault(code, name.title())
    return names


def write_battles(battles: BattleTable, path: Path) -> int:
    """FastChat ``clean_battle`` JSON Lines via :func:`auditkit.io.write_fastchat_jsonl`."""
    frame = battles.frame.copy()
    names = language_names()
    frame["language"] = frame["language"].map(lambda c: names.get(c, c), na_action="ignore")
    frame["language"] = frame["language"].astype("string")
    return write_fastchat_jsonl(battles.with_frame(frame), path)
