"""Formats in, one battle table out: loaders with quarantine, format sniffing, and the FastChat writer."""

from __future__ import annotations

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
