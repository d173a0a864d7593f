"""The name prefilter over many responses at once: which of them name a model or maker?

Why: the identity scan asks :func:`auditkit.identity.matcher.has_name` of every assistant
response, and almost every answer is "no". Asked one response at a time, each question pays a
Python call, a lower-casing and an automaton call whose character offsets are mapped back from
UTF-8 (most of the automaton's time). Here a chunk's responses are joined, lower-cased and
scanned in one pass of the byte automaton (:attr:`IdentityRules.byte_names`), and the word
boundaries of every occurrence are checked with numpy over the bytes.

Exactly :func:`has_name` of each text:

- the texts are joined with ``"\\n"``, which no name contains, so no occurrence spans two texts,
  and which passes every boundary check as the start or end of a text does (it is neither an
  ASCII letter or digit nor Cyrillic, and neither cased nor case-ignorable, so ``str.lower``
  treats a final sigma beside it as at the end of a text);
- ASCII texts are lower-cased as bytes (``bytes.lower`` is ``str.lower`` on ASCII); the others
  with ``str.lower``, and a group in which some character's lower case is longer (``İ``), where
  ``has_name`` lower-cases character by character, is asked per text;
- a byte offset of an occurrence is a character offset's image (UTF-8 is self-synchronising), the
  byte before a Latin name is an ASCII letter or digit exactly when the character before it is,
  and the character before a Cyrillic name is Cyrillic (U+0400-U+04FF) exactly when its two bytes
  are a lead byte 0xD0-0xD3 and a continuation byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, repeat

import numpy as np

from auditkit.identity.lexicon import IdentityRules
from auditkit.identity.matcher import has_name

__all__ = ["names_in"]

_SEPARATOR = "\n"
_ASCII_ALPHA = np.zeros(256, dtype=bool)
_ASCII_ALPHA[[*range(ord("a"), ord("z") + 1), *range(ord("A"), ord("Z") + 1)]] = True
_ASCII_ALNUM = _ASCII_ALPHA.copy()
_ASCII_ALNUM[ord("0") : ord("9") + 1] = True
_SPACE = ord(" ")


def names_in(texts: Sequence[str], rules: IdentityRules) -> np.ndarray:
    """``[has_name(text, rules) for text in texts]`` as a boolean array, in one automaton pass
    per script group (see the module docstring for why it is exact)."""
    n = len(texts)
    found = np.zeros(n, dtype=bool)
    if n == 0:
        return found
    ascii_texts = np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
    for mask in (ascii_texts, ~ascii_texts):
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            continue
        group = list(compress(texts, mask.tolist()))
        found[rows] = _group_names(group, rules, ascii=bool(ascii_texts[rows[0]]))
    return found


def _group_names(texts: list[str], rules: IdentityRules, *, ascii: bool) -> np.ndarray:
    joined = _SEPARATOR.join(texts)
    # Where each text starts in the joined text, in characters.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    if ascii:
        data = joined.encode("ascii").lower()
    else:
        lowered = joined.lower()
        if len(lowered) != len(joined):
            # Some character lower-cases to several (has_name then goes character by character).
            return np.fromiter((has_name(t, rules) for t in texts), dtype=bool, count=len(texts))
        # Strict, as has_name's automaton: a lone surrogate is an error here as there.
        data = lowered.encode("utf-8")
        if len(data) != len(lowered) and len(texts) > 1:
            # Byte offsets: text k starts after the separator that follows every line break of
            # the texts before it and k - 1 separators ("\n" is the byte 0x0A and no other
            # character's UTF-8 holds that byte; lower-casing keeps every line break).
            breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(_SEPARATOR))
            inside = np.fromiter(
                map(str.count, texts, repeat(_SEPARATOR)), dtype=np.int64, count=len(texts)
            )
            before = np.cumsum(inside[:-1]) + np.arange(len(texts) - 1)
            starts[1:] = breaks[before] + 1
    return _owners_named(data, starts, rules)


def _owners_named(
    data: bytes | memoryview,
    starts: np.ndarray,
    rules: IdentityRules,
    ends: np.ndarray | None = None,
) -> np.ndarray:
    """Which texts (starting at byte ``starts`` of ``data``) hold a name standing as a word.

    ``ends``: where each text ends, when the texts lie back to back with nothing between them
    (an Arrow string array's data): an occurrence across two texts is no occurrence, and a
    text's first and last bytes have no neighbour (as at the start and end of ``data``). None:
    the texts are separated (:func:`_group_names`).
    """
    named = np.zeros(len(starts), dtype=bool)
    byte_names = rules.byte_names
    found = byte_names.automaton.find_matches_as_indexes(data, overlapping=True)
    if not found:
        return named
    hits = np.array(found, dtype=np.int64).reshape(-1, 3)
    pattern, start, end = hits[:, 0], hits[:, 1], hits[:, 2]
    buf = np.frombuffer(data, dtype=np.uint8)
    size = len(buf)
    first: np.ndarray | int = 0
    stop: np.ndarray | int = size
    if ends is not None:
        # The text each occurrence starts in (the last of several starting there: the others
        # are empty); occurrences running past its end are dropped.
        owner = np.searchsorted(starts, start, side="right") - 1
        inside = end <= ends[owner]
        pattern, start, end, owner = pattern[inside], start[inside], end[inside], owner[inside]
        first, stop = starts[owner], ends[owner]
    before = np.where(start > first, buf[np.maximum(start - 1, 0)], _SPACE)
    after = np.where(end < stop, buf[np.minimum(end, size - 1)], _SPACE)
    latin_ok = ~_ASCII_ALNUM[before] & ~_ASCII_ALPHA[after]
    lead = np.where(start - 1 > first, buf[np.maximum(start - 2, 0)], _SPACE)
    cyrillic_before = (before >= 0x80) & (before <= 0xBF) & (lead >= 0xD0) & (lead <= 0xD3)
    ok = np.where(
        byte_names.latin[pattern],
        latin_ok,
        ~(byte_names.cyrillic[pattern] & cyrillic_before),
    )
    owner = np.searchsorted(starts, start[ok], side="right") - 1
    named[owner] = True
    return named
