"""Model A's score per vote, held as one byte per vote and given as float64 rows on demand.

Why: the voter audit keeps every vote's score (1 win, 0 loss, 0.5 any tie) for the whole audit;
as float64 that is 80 MB at 10M votes for three values. :class:`WinnerScores` keeps the winner's
category code (int8) instead and answers ``scores[rows]`` with exactly the float64 array the
plain array would give (``SCORE_OF_WINNER[codes[rows]]``), so no computation changes.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from auditkit.typing import FloatArray

__all__ = ["SCORE_OF_WINNER", "RowScores", "WinnerScores"]

# Model A's score per ``Winner`` category code (model_a, model_b, tie, tie_bothbad).
SCORE_OF_WINNER = np.array([1.0, 0.0, 0.5, 0.5])


class RowScores(Protocol):
    """Anything that gives the scores of vote rows (a float64 array does; so does
    :class:`WinnerScores`)."""

    def __getitem__(self, rows: Any, /) -> Any: ...


class WinnerScores:
    """Model A's score of each vote from its winner code: ``scores[rows]`` is a float64 array.

    ``codes`` are ``Winner`` category codes 0..3 (no missing winners: the audit drops them).
    """

    __slots__ = ("codes",)

    def __init__(self, codes: NDArray[np.int8]) -> None:
        self.codes = codes

    def __getitem__(self, rows: Any, /) -> FloatArray:
        out: FloatArray = SCORE_OF_WINNER[self.codes[rows]]
        return out

    def __len__(self) -> int:
        return int(self.codes.size)

    @property
    def size(self) -> int:
        return int(self.codes.size)
