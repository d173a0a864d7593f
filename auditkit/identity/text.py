"""Reading the text of battle conversations: a message's text and the turn that probes identity.

Below both the identity detectors and the voter audit (which reads repeated probing as evidence),
so neither has to import the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["message_text", "probing_turn"]


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
    turn = 0
    for message in conversation:
        if not isinstance(message, Mapping) or message.get("role") != "user":
            continue
        turn += 1
        text = message_text(message.get("content"))
        if any(p.search(text) for p in probes):
            return turn, text
    return None
