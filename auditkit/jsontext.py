"""``json.dumps(value, indent=N, sort_keys=True)``, byte for byte, at the C encoder's speed.

Why: with ``indent`` the standard library falls back to its pure-Python encoder, about 5 µs a
value. The votes-to-flip files list every vote a set changes — hundreds of thousands of ids at 10M
votes, 15 s of the audit. Here containers are laid out in Python (one call per container) and the
leaves go through the C encoder, with the layout ``json`` uses: ``"key": value``, items separated
by ``,`` and a newline, empty containers as ``{}`` and ``[]``.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
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
            items = _records(value, indent, level + 1) or [
                _layout(item, indent, level + 1) for item in value
            ]
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + "]"
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return _LEAF.encode(value)
    raise _NotPlain


_PLAIN_LEAVES = {str, int, float, bool, type(None)}


def _records(value: list[Any] | tuple[Any, ...], indent: int, level: int) -> list[str] | None:
    """The items of a list of records laid out, each a dict with the same string keys and plain
    leaves (the changed votes of a votes file), by one template: None for any other list.

    Why: each record through :func:`_layout` costs a sort, a comprehension and a join; here the
    keys are sorted once, the leaves encoded a key at a time (strings by the C function
    ``json.dumps`` itself uses with ``ensure_ascii``), and each record is one ``%``.
    """
    first = value[0]
    if type(first) is not dict or not first or not all(type(key) is str for key in first):
        return None
    keys = sorted(first)
    inner = "\n" + " " * (indent * (level + 1))
    body = ("," + inner).join(_LEAF.encode(key).replace("%", "%%") + ": %s" for key in keys)
    template = "{" + inner + body + "\n" + " " * (indent * level) + "}"
    same = first.keys()
    if not all(type(item) is dict and item.keys() == same for item in value):
        return None
    columns = []
    for key in keys:
        column = [item[key] for item in value]
        kinds = set(map(type, column))
        if kinds == {str}:  # the common leaf: one C call a string, as the encoder makes it
            columns.append(list(map(encode_basestring_ascii, column)))
        elif kinds <= _PLAIN_LEAVES:
            columns.append(list(map(_LEAF.encode, column)))
        else:
            return None
    return [template % leaves for leaves in zip(*columns, strict=True)]
