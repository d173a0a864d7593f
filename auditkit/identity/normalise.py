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
from dataclasses import dataclass

__all__ = ["NormalisedText", "normalise"]

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
        "—": "-",
        "–": "-",
        "―": "-",
        "‐": "-",
        "‑": "-",
        "－": "-",
        "～": "~",
    }
)



@dataclass(frozen=True)
class NormalisedText:
    """The normalised text and, per character, its offset in the original text."""

    text: str
    offsets: tuple[int, ...]
    original_length: int

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised characters ``start:end``."""
        if start >= len(self.offsets):
            return self.original_length, self.original_length
        last = self.offsets[end - 1] + 1 if end > start else self.offsets[start]
        return self.offsets[start], last


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching (see the module docstring); the same length or shorter."""
    translated = text.translate(_TRANSLATE)  # one character for one: offsets unchanged
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _REMOVE.finditer(translated):
        parts.append(translated[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    if pos == 0:
        return NormalisedText(translated, tuple(range(len(text))), len(text))
    parts.append(translated[pos:])
    offsets.extend(range(pos, len(text)))
    return NormalisedText("".join(parts), tuple(offsets), len(text))
