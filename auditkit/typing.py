"""Array types, declared once for every module (as ``choix/typing.py`` does).

Statistics in auditkit are pure functions on numpy arrays; these aliases say which dtype each
argument and result has. Only numpy is imported, so any layer may use them.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["BoolArray", "Codes", "FloatArray", "IntArray", "PosArray", "VoteValues"]

FloatArray: TypeAlias = NDArray[np.float64]
"""Float64 values: scores, probabilities, strengths, p-values."""

IntArray: TypeAlias = NDArray[np.int64]
"""Int64 values: counts, codes, row numbers."""

BoolArray: TypeAlias = NDArray[np.bool_]
"""A mask, one entry per row (or per voter, model, …)."""

PosArray: TypeAlias = NDArray[np.intp]
"""Row positions for indexing (``np.intp``, what ``np.flatnonzero`` returns)."""

Codes: TypeAlias = NDArray[np.signedinteger[Any]]
"""Integer codes of models or voters, of whatever width fits (int32 where it does)."""


class VoteValues(Protocol):
    """Float64 values per vote, read by rows: an array, or values computed per slice on demand
    (as :class:`~auditkit.voters.scores.WinnerScores` does), so no whole copy is held."""

    def __getitem__(self, rows: slice | PosArray, /) -> FloatArray: ...
