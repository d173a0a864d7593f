"""Text normalisation before self-identification matching, with a map back to the original.

Real answers dress a name up: "我是**通义千问**，…", "Я — модель *DeepSeek-V3*", "私は「Claude」です",
full-width punctuation, typographic dashes. The rules are written against plain text, so a
candidate response is normalised first: markdown emphasis markers are dropped, full-width
punctuation and brackets become their ASCII forms, dashes become one dash, invisible characters
and non-breaking spaces become plain space. Sentence ends (。！？) and quotation marks are kept:
the matcher uses them to find the sentence and to tell quoted text from the speaker's own.
Every character of the output remembers its position in the input, so spans found on the
normalised text are reported on the original.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["NormalisedText", "may_need_normalising", "needs_normalising", "normalise", "unchanged"]

# Emphasis runs: **bold**, __bold__, *italic*, ~~strike~~ (single underscores are left alone:
# they are part of identifiers such as gpt_4_turbo), and invisible characters.
_REMOVE = re.compile("\\*{1,3}|_{2,3}|~~|[\u200b\u200c\u200d\ufeff]")
_TRANSLATE = str.maketrans(
    {
        "，": ",",
        "、": ",",
        "：": ":",
        "；": ";",
        "（": "(",
        "）": ")",
        "［": "[",
        "］": "]",
        "｛": "{",
        "｝": "}",
        "　": " ",
        "\u00a0": " ",
        "\u202f": " ",
        "–": "-",
        "―": "-",
        "‐": "-",
        "‑": "-",
        "－": "-",
        "～": "~",
    }
)


_TRANSLATED = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")


# NormalisedText.breaks of a text nothing was removed from.
_NOTHING_REMOVED = ((0, 0),)


@dataclass(frozen=True)
class NormalisedText:
    """The normalised text and where its characters came from in the original.

    ``breaks`` holds, for each run of kept characters, (start in the normalised text, start in the
    original); a span is mapped back by bisection (no per-character table).
    """

    text: str
    breaks: tuple[tuple[int, int], ...]
    original_length: int

    def original_offset(self, pos: int) -> int:
        k = bisect_right(self.breaks, (pos, self.original_length + 1)) - 1
        norm_start, orig_start = self.breaks[max(k, 0)]
        return orig_start + (pos - norm_start)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised characters ``start:end``."""
        if start >= len(self.text):
            return self.original_length, self.original_length
        if self.breaks == _NOTHING_REMOVED:  # offsets are the original's (most text)
            return start, max(end, start)
        last = self.original_offset(end - 1) + 1 if end > start else self.original_offset(start)
        return self.original_offset(start), last


_SPECIAL_CHARS = re.compile(_TRANSLATED.pattern[:-1] + "*\u200b\u200c\u200d\ufeff]")
_SPECIAL = re.compile(_SPECIAL_CHARS.pattern + "|__|~~")


def may_need_normalising(text: str) -> bool:
    """Does ``text`` hold anywhere a character :func:`normalise` would change? (Most text holds
    none.) ``_SPECIAL`` as its three parts: a search for one character class runs far faster than
    one for an alternation, tried at every position."""
    return _SPECIAL_CHARS.search(text) is not None or "__" in text or "~~" in text


def needs_normalising(text: str, spans: list[tuple[int, int]]) -> bool:
    """Does any span of ``text`` hold a character :func:`normalise` would change?"""
    if not may_need_normalising(text):  # one pass: most responses hold none anywhere
        return False
    return any(_SPECIAL.search(text, lo, hi) is not None for lo, hi in spans)


def unchanged(text: str) -> NormalisedText:
    """``text`` as its own normalisation (offsets are the identity)."""
    return NormalisedText(text, _NOTHING_REMOVED, len(text))


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching (see the module docstring); the same length or shorter."""
    # Most text has few of these characters: substitute only where one occurs (one for one, so
    # offsets are unchanged), then drop the emphasis runs.
    if _TRANSLATED.search(text) is not None:
        text_t = _TRANSLATED.sub(lambda m: m.group().translate(_TRANSLATE), text)
    else:
        text_t = text
    parts: list[str] = []
    breaks: list[tuple[int, int]] = [(0, 0)]
    pos = 0
    kept = 0
    for m in _REMOVE.finditer(text_t):
        parts.append(text_t[pos : m.start()])
        kept += m.start() - pos
        pos = m.end()
        breaks.append((kept, pos))
    if pos == 0:
        return NormalisedText(text_t, ((0, 0),), len(text))
    parts.append(text_t[pos:])
    return NormalisedText("".join(parts), tuple(breaks), len(text))
