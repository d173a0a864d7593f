"""The battle table: the one canonical, columnar form every loader produces and every detector reads.

Every source format (FastChat ``clean_battle``, LMArena Hugging Face exports, CSV) is normalised to the
columns below once, in :mod:`auditkit.io`; nothing downstream knows which format a vote came from.

Columns (``CORE_COLUMNS`` are always present, ``OPTIONAL_COLUMNS`` only when the source has them)

============== ========================== ==============================================================
column         dtype                      meaning and origin
============== ========================== ==============================================================
vote_id        string, unique             FastChat ``question_id`` / HF ``id`` / ``question_id``; else
                                          ``<file stem>:<line>`` (the row's position in its file)
model_a/_b     string (the loader: a      ``model_a`` / ``model_b`` of every format; a loaded table
               category of the sorted     holds them as categoricals, one code a vote
               names, see ``io.models``)  (:mod:`auditkit.io.models`): the same values
winner         category (``Winner``)      FastChat ``winner``; 140k ``both_bad`` → ``tie_bothbad``;
                                          55k one-hot ``winner_model_a/_b/_tie``; Copilot
                                          ``acceptedIndex`` 0/1
voter          string, nullable           ``judge`` (FastChat, 33k), ``judge_hash`` (100k),
                                          ``evaluation_session_id`` (140k); which one is recorded in
                                          ``BattleTable.voter_field``
tstamp         float64 seconds, nullable  ``tstamp`` (Unix seconds) or ``timestamp`` (ISO → UTC epoch)
anony          bool                       ``anony``; sources without it are anonymous arenas → True
language       string, nullable           ISO 639-1 code: FastChat names ("English") and 2025 ISO codes
                                          both normalised; "unknown" → missing
turns          Int16                      ``turn`` / ``conv_metadata.turns`` / number of user turns
source_file    category                   the file the row came from
source_line    int64                      1-based line (JSONL/CSV) or element index (JSON array, Parquet)
============== ========================== ==============================================================

Optional: ``conversation_a``/``conversation_b`` (object: a list of ``{"role", "content"}`` dicts with
``content`` as plain text), ``prompt`` (the first user turn, for prompt de-duplication), style counts
``style_{a,b}_{tokens,headers,lists,bold}`` (from ``conv_metadata`` when present), ``dedup_tag``,
``is_code``, and category tags as ``tag.<name>`` columns (the 140k ``category_tag`` flattened).
A streamed load (:func:`auditkit.streaming.stream_battles`) replaces ``prompt`` by its fixed-size
fingerprints ``prompt_exact``, ``prompt_near``, ``prompt_near_len``, ``prompt_repeat`` and
``prompt_preview`` (:mod:`auditkit.prompts`): all that prompt de-duplication and the voters'
repeated-prompt test read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from auditkit.codes import TableCodes
from auditkit.vocabulary import (
    OPTIONAL_COLUMNS,
    STYLE_COLUMNS,
    TAG_PREFIX,
    WINNER_VALUES,
    QuarantineReason,
    VoterStatus,
    Winner,
)

__all__ = [
    "CORE_COLUMNS",
    "OPTIONAL_COLUMNS",
    "STYLE_COLUMNS",
    "TAG_PREFIX",
    "WINNER_DTYPE",
    "BattleTable",
    "QuarantineReason",
    "VoterStatus",
    "Winner",
    "coerce_frame",
    "empty_frame",
    "models_in",
    "outcome_for_a",
    "take_values",
]


WINNER_DTYPE = pd.CategoricalDtype(list(WINNER_VALUES), ordered=False)


# (column, pandas dtype) for the columns every battle table has, in order.
CORE_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("vote_id", "string"),
    ("model_a", "string"),
    ("model_b", "string"),
    ("winner", WINNER_DTYPE),
    ("voter", "string"),
    ("tstamp", "float64"),
    ("anony", "bool"),
    ("language", "string"),
    ("turns", "Int16"),
    ("source_file", "category"),
    ("source_line", "int64"),
)


def empty_frame() -> pd.DataFrame:
    """A zero-row battle frame with the core columns and dtypes."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in CORE_COLUMNS})


def models_in(frame: pd.DataFrame) -> list[str]:
    """Every model on either side of ``frame``, sorted.

    Each side's distinct names are taken on its own: joining the two columns first would copy
    2 × n strings (about 0.5 GiB at 10M battles) to find a few dozen names.
    """
    names = {str(m) for c in ("model_a", "model_b") for m in frame[c].unique() if pd.notna(m)}
    return sorted(names)


def take_values(column: pd.Series, positions: np.ndarray) -> np.ndarray:
    """``column``'s values at row ``positions`` as a numpy array (strings as Python ``str``).

    Why not ``column.take``: a streamed string column is an Arrow array of hundreds of chunks, and
    Arrow's take on a chunked array first concatenates every chunk — a copy of the whole column
    (about 0.2 GiB for 10M vote ids) to pick a few thousand values. Here each chunk is taken from
    on its own.
    """
    positions = np.asarray(positions, dtype=np.int64)
    if not hasattr(column.array, "__arrow_array__") or isinstance(column.dtype, np.dtype):
        return np.asarray(column.to_numpy(dtype=object)[positions], dtype=object)
    arrow = column.array.__arrow_array__()  # Arrow-backed: the column's own (chunked) array
    chunked = arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])
    out = np.empty(positions.size, dtype=object)
    starts = np.cumsum([0, *(len(c) for c in chunked.chunks)])
    which = np.searchsorted(starts, positions, side="right") - 1
    for index in np.unique(which).tolist():
        here = np.flatnonzero(which == index)
        local = pa.array(positions[here] - starts[index], type=pa.int64())
        out[here] = chunked.chunk(index).take(local).to_pylist()
    return out


def outcome_for_a(winner: pd.Series | np.ndarray) -> np.ndarray:
    """Model A's score per battle under LMArena's convention: win 1, loss 0, any tie 0.5."""
    if isinstance(winner, pd.Series) and isinstance(winner.dtype, pd.CategoricalDtype):
        # Scored once per category, then looked up by code (a missing winner, code -1, is 0.5):
        # no Python object per battle.
        scores = np.append(outcome_for_a(np.asarray(winner.cat.categories, dtype=object)), 0.5)
        return np.asarray(scores[np.asarray(winner.cat.codes)], dtype=np.float64)
    values = np.asarray(winner, dtype=object)
    out = np.full(values.shape, 0.5, dtype=np.float64)
    out[values == Winner.MODEL_A.value] = 1.0
    out[values == Winner.MODEL_B.value] = 0.0
    return out


@dataclass(frozen=True, eq=False)
class BattleTable:
    """The canonical battles plus what the loader learned about them.

    ``frame`` holds one row per loaded vote (see the module docstring for columns). ``voter_field`` names
    the source field that filled ``voter`` (``judge``, ``judge_hash``, ``evaluation_session_id``) or is
    None; ``voter_status`` says whether voter audits may use it — a placeholder id (one value on every
    row, "anonymous", empty) is never treated as one voter.
    """

    frame: pd.DataFrame
    voter_field: str | None = None
    voter_status: VoterStatus = VoterStatus.MISSING
    voter_note: str = ""
    sources: tuple[str, ...] = ()
    source_formats: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [name for name, _ in CORE_COLUMNS if name not in self.frame.columns]
        if missing:
            raise ValueError(f"battle frame lacks core columns: {', '.join(missing)}")

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def voters_usable(self) -> bool:
        return self.voter_status is VoterStatus.USABLE

    @property
    def has_text(self) -> bool:
        return "conversation_a" in self.frame.columns and "conversation_b" in self.frame.columns

    @property
    def models(self) -> list[str]:
        """Every model that appears on either side, sorted."""
        return models_in(self.frame)

    @cached_property
    def codes(self) -> TableCodes:
        """The model and voter codes of this table's rows, computed once for every stage
        (:class:`~auditkit.codes.TableCodes`; a table from :meth:`with_frame` has its own)."""
        return TableCodes(self.frame)

    @property
    def tag_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith(TAG_PREFIX)]

    def with_frame(self, frame: pd.DataFrame) -> BattleTable:
        """The same metadata over another frame (e.g. the cleaned subset)."""
        return BattleTable(
            frame=frame,
            voter_field=self.voter_field,
            voter_status=self.voter_status,
            voter_note=self.voter_note,
            sources=self.sources,
            source_formats=self.source_formats,
            extra=dict(self.extra),
        )

    def anonymous(self) -> BattleTable:
        """Only anonymous battles: the leaderboard convention."""
        return self.with_frame(self.frame[self.frame["anony"].to_numpy(dtype=bool)])

    @classmethod
    def from_records(
        cls,
        records: Iterable[dict[str, Any]],
        *,
        voter_field: str | None = None,
        voter_status: VoterStatus | None = None,
    ) -> BattleTable:
        """Build a table from already-canonical dict rows (tests and the simulator use this).

        Missing core fields get their defaults: vote ids from positions, ``anony`` True, nullables NA.
        """
        frame = pd.DataFrame(list(records))
        n = len(frame)
        defaults: dict[str, Any] = {
            "vote_id": [str(i) for i in range(n)],
            "voter": pd.NA,
            "tstamp": np.nan,
            "anony": True,
            "language": pd.NA,
            "turns": 1,
            "source_file": "<memory>",
            "source_line": np.arange(1, n + 1),
        }
        for name, value in defaults.items():
            if name not in frame.columns:
                frame[name] = value
        frame = coerce_frame(frame)
        if voter_status is None:
            voter_status = (
                VoterStatus.USABLE if frame["voter"].notna().any() else VoterStatus.MISSING
            )
        return cls(frame=frame, voter_field=voter_field, voter_status=voter_status)


def coerce_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast known columns to their canonical dtypes and put core columns first."""
    frame = frame.copy()
    if "winner" in frame.columns:
        known = {w.value for w in Winner}
        winners = frame["winner"]
        if isinstance(winners.dtype, pd.CategoricalDtype):  # its used categories, not every row
            winners = winners.cat.remove_unused_categories().cat.categories.to_series()
        unknown = set(winners.dropna().astype(str).unique()) - known
        if unknown:
            raise ValueError(f"unknown winner values: {', '.join(sorted(unknown))}")
    for name, dtype in (*CORE_COLUMNS, *OPTIONAL_COLUMNS):
        if name in frame.columns and dtype != "object":
            frame[name] = frame[name].astype(dtype)
    core = [name for name, _ in CORE_COLUMNS]
    rest = [c for c in frame.columns if c not in core]
    return frame[core + rest].reset_index(drop=True)
