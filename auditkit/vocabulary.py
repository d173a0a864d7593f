"""The battle table's vocabulary, without pandas: outcome labels, quarantine reasons, voter statuses
and the optional column names (:mod:`auditkit.schema` re-exports every name here).

Why apart: the loader's modules name these in their checks, and ``auditkit describe`` reads a clean
file with them and Arrow alone; :mod:`auditkit.schema` builds pandas dtypes at import.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = [
    "OPTIONAL_COLUMNS",
    "STYLE_COLUMNS",
    "TAG_PREFIX",
    "WINNER_VALUES",
    "QuarantineReason",
    "VoterStatus",
    "Winner",
]


class Winner(StrEnum):
    """Outcome of one battle, as stable strings."""

    MODEL_A = "model_a"
    MODEL_B = "model_b"
    TIE = "tie"
    TIE_BOTHBAD = "tie_bothbad"


# The winner labels in the order of the table's ``winner`` categories (``schema.WINNER_DTYPE``).
WINNER_VALUES: tuple[str, ...] = tuple(w.value for w in Winner)


class QuarantineReason(StrEnum):
    """Why a row was not loaded. Stable strings: they appear in quarantine files and summaries."""

    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_MODEL = "missing_model"
    MISSING_WINNER = "missing_winner"
    UNKNOWN_WINNER = "unknown_winner"
    SELF_BATTLE = "self_battle"
    DUPLICATE_VOTE_ID = "duplicate_vote_id"
    BAD_TIMESTAMP = "bad_timestamp"
    BAD_FIELD = "bad_field"
    BAD_CONVERSATION = "bad_conversation"
    CSV_MALFORMED = "csv_malformed"


class VoterStatus(StrEnum):
    """Whether the voter column can support voter audits."""

    USABLE = "usable"
    PLACEHOLDER = "placeholder"  # one id on (nearly) every row, e.g. a proxy's loopback address
    MISSING = "missing"  # the source has no voter field or it is empty


STYLE_COLUMNS: tuple[str, ...] = tuple(
    f"style_{side}_{feature}"
    for side in ("a", "b")
    for feature in ("tokens", "headers", "lists", "bold")
)

OPTIONAL_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("conversation_a", "object"),
    ("conversation_b", "object"),
    ("prompt", "string"),
    ("dedup_tag", "string"),
    ("is_code", "boolean"),
    *((name, "float64") for name in STYLE_COLUMNS),
)

TAG_PREFIX = "tag."
