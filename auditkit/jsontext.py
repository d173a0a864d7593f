"""``json.dumps(value, indent=N, sort_keys=True)``, byte for byte, at the C encoder's speed.

Why: with ``indent`` the standard library falls back to its pure-Python encoder, about 5 µs a
value. The votes-to-flip files list every vote a set changes — hundreds of thousands of ids at 10M
votes, 15 s of the audit. Here containers are laid out in Python (one call per container) and the
leaves go through the C encoder, with the layout ``json`` uses: ``"key": value``, items separated
by ``,`` and a newline, empty containers as ``{}`` and ``[]``.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["indented_json"]

_LEAF = json.JSONEncoder()  # ensure_ascii, allow_nan: json.dumps' defaults


class _NotPlain(Exception):
    """A value the fast layout does not handle: the standard encoder takes the whole value."""


def indented_json(value: Any, indent: int = 1) -> str:
    """``json.dumps(value, indent=indent, sort_keys=True)`` (same text for every input)."""
    try:
        return _layout(value, indent, 0)
    except _NotPlain:
        return json.dumps(value, indent=indent, sort_keys=True)


def _layout(value: Any, indent: int, level: int) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            raise _NotPlain  # json converts other keys to strings and sorts those: leave it to json
        inner = "\n" + " " * (indent * (level + 1))
        items = [
            _LEAF.encode(key) + ": " + _layout(value[key], indent, level + 1)
            for key in sorted(value)
        ]
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = "\n" + " " * (indent * (level + 1))
        if all(type(item) is str for item in value):
            # The common case, a list of vote ids: one C call for all the strings.
            items = [_LEAF.encode(item) for item in value]
        else:
            items = [_layout(item, indent, level + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + "]"
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return _LEAF.encode(value)
    raise _NotPlain
