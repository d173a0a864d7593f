"""Formats in, one battle table out: loaders with quarantine, format sniffing, and the FastChat writer.

The names below are loaded on first use, so importing one reader (``auditkit.io.jsonl``) does not
import the table builders and pandas with it (``auditkit describe`` counts a clean file with Arrow).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditkit.io.loader import LoadResult, classify_voters, load_battles
    from auditkit.io.quarantine import QuarantineRecord, write_quarantine
    from auditkit.io.writer import write_fastchat_jsonl

__all__ = [
    "LoadResult",
    "QuarantineRecord",
    "classify_voters",
    "load_battles",
    "write_fastchat_jsonl",
    "write_quarantine",
]

_HOMES = {
    "LoadResult": "auditkit.io.loader",
    "classify_voters": "auditkit.io.loader",
    "load_battles": "auditkit.io.loader",
    "QuarantineRecord": "auditkit.io.quarantine",
    "write_quarantine": "auditkit.io.quarantine",
    "write_fastchat_jsonl": "auditkit.io.writer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
