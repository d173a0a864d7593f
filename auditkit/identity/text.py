"""Reading the text of battle conversations: a message's text and the turn that probes identity.

Below both the identity detectors and the voter audit (which reads repeated probing as evidence),
so neither has to import the other. Both ask :func:`probing_rows` of the same table, so its
conversations are searched for probes once per table and rule pack, whichever asks first.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditkit.identity.anypattern import any_pattern

__all__ = ["ProbingRows", "message_text", "probing_rows", "probing_turn"]


def message_text(content: Any) -> str:
    """The text of a message's ``content`` (a string, or a list of ``{"type","text"}`` parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, Mapping):
        return str(content.get("text") or content.get("answer") or "")
    if isinstance(content, Iterable):
        return "\n".join(message_text(part) for part in content)
    return ""


def probing_turn(conversation: Any, probes: Sequence[re.Pattern[str]]) -> tuple[int, str] | None:
    """The first user turn (1-based) that probes identity and its text, or None."""
    if isinstance(conversation, np.ndarray):
        conversation = conversation.tolist()
    if not isinstance(conversation, list | tuple):
        return None
    matcher = any_pattern(probes)
    turn = 0
    for message in conversation:
        if not isinstance(message, Mapping) or message.get("role") != "user":
            continue
        turn += 1
        text = message_text(message.get("content"))
        if matcher.search(text):
            return turn, text
    return None


@dataclass(frozen=True, eq=False)
class ProbingRows:
    """The rows of a table whose user probes identity (either side), in row order, with the
    probing turn (1-based) and its text (side ``a`` first, as :func:`probing_turn` reads it)."""

    rows: np.ndarray  # int64 row positions
    turns: tuple[int, ...]
    texts: tuple[str, ...]

    def mask(self, n: int) -> np.ndarray:
        """One boolean per row of an ``n``-row table: does that row probe?"""
        out = np.zeros(n, dtype=bool)
        out[self.rows] = True
        return out


# Per table (frame object) and probe patterns (tuple object), checked through weak references:
# the identity_probe detector and the voter audit read the same table in one audit.
_PROBING: dict[tuple[int, int], tuple[weakref.ref[pd.DataFrame], object, ProbingRows]] = {}
_PROBING_LOCK = threading.Lock()


def probing_rows(frame: pd.DataFrame, probes: Sequence[re.Pattern[str]]) -> ProbingRows:
    """Which rows of ``frame`` (with ``conversation_a`` / ``conversation_b``) probe identity.

    Row ``i`` probes when :func:`probing_turn` finds a probing user turn in its conversation
    ``a`` or, failing that, ``b``. Computed once per frame and list of patterns and kept while
    the frame lives (the frame must not be changed in place afterwards: tables are not).
    """
    key = (id(frame), id(probes))
    with _PROBING_LOCK:
        hit = _PROBING.get(key)
    if hit is not None and hit[0]() is frame and hit[1] is probes:
        return hit[2]
    found = _find_probing_rows(frame, probes)
    with _PROBING_LOCK:
        _PROBING[key] = (weakref.ref(frame, lambda _: _PROBING.pop(key, None)), probes, found)
    return found


def _find_probing_rows(frame: pd.DataFrame, probes: Sequence[re.Pattern[str]]) -> ProbingRows:
    rows: list[int] = []
    turns: list[int] = []
    texts: list[str] = []
    sides = zip(frame["conversation_a"].tolist(), frame["conversation_b"].tolist(), strict=True)
    for i, (conv_a, conv_b) in enumerate(sides):
        if conv_a is None and conv_b is None:
            continue
        probing = probing_turn(conv_a, probes) or probing_turn(conv_b, probes)
        if probing is not None:
            rows.append(i)
            turns.append(probing[0])
            texts.append(probing[1])
    return ProbingRows(np.asarray(rows, dtype=np.int64), tuple(turns), tuple(texts))
