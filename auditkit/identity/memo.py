"""Answers remembered on short texts, all forgotten at once when there are many.

Why: the identity rules ask the same questions of the few characters around a name ("I am ",
"'s engineers", "As an AI developed by "), which repeat across responses far more than the
responses do. Each answer is a function of its key alone, so remembering it changes nothing but
the time; long texts are not kept (they rarely repeat), and the bound keeps memory flat.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["remember"]

_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(
    answers: dict[_K, _V], key: _K, answer: _V, length: int, *, longest: int, most: int
) -> None:
    """``answers[key] = answer`` when the text it answers is ``longest`` characters or fewer
    (``length``); once ``most`` answers are kept, all are dropped first."""
    if length <= longest:
        if len(answers) >= most:
            answers.clear()
        answers[key] = answer
