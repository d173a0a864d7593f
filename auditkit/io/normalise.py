"""Raw columns of any arena schema → one canonical battle chunk plus quarantine records.

Every reader (JSON, JSON Lines, CSV, Parquet) hands this module a *column mapping* — source field name →
one Python value per row — so the normalisation rules live in one place and every format obeys them.
Each field is checked in its own pass over a column (cheap type checks first); a row that fails any fatal
check is quarantined with *all* its reasons, ordered by :data:`REASON_PRIORITY`.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

import numpy as np

from auditkit.io.ids import VoteIdIndex, hash_ids
from auditkit.io.languages import normalise_language
from auditkit.io.quarantine import QuarantineRecord
from auditkit.lazy import lazy_module
from auditkit.vocabulary import STYLE_COLUMNS, TAG_PREFIX, QuarantineReason, Winner

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")  # the exact path's; a clean block read column-wise needs none

__all__ = [
    "CONVERSATION_FIELDS",
    "KNOWN_FIELDS",
    "REASON_PRIORITY",
    "VOTER_FIELDS",
    "ChunkResult",
    "RawChunk",
    "normalise_chunk",
]

R = QuarantineReason

# The first reason in this order is the row's ``reason``; all are kept in ``reasons``.
REASON_PRIORITY: tuple[QuarantineReason, ...] = (
    R.INVALID_JSON,
    R.NOT_AN_OBJECT,
    R.CSV_MALFORMED,
    R.MISSING_MODEL,
    R.BAD_FIELD,
    R.MISSING_WINNER,
    R.UNKNOWN_WINNER,
    R.SELF_BATTLE,
    R.BAD_TIMESTAMP,
    R.BAD_CONVERSATION,
    R.DUPLICATE_VOTE_ID,
)
_RANK = {reason: i for i, reason in enumerate(REASON_PRIORITY)}

# Voter-like fields in order of preference (FastChat/33k, 100k, 140k).
VOTER_FIELDS = ("judge", "judge_hash", "evaluation_session_id")
CONVERSATION_FIELDS = frozenset(
    {
        "conversation_a",
        "conversation_b",
        "prompt",
        "response_a",
        "response_b",
        "prefix",
        "suffix",
        "completion_a",
        "completion_b",
    }
)
KNOWN_FIELDS = frozenset(
    {
        "question_id",
        "id",
        "model_a",
        "model_b",
        "winner",
        "both_bad",
        "winner_model_a",
        "winner_model_b",
        "winner_tie",
        "acceptedIndex",
        *VOTER_FIELDS,
        "tstamp",
        "timestamp",
        "anony",
        "language",
        "turn",
        "turns",
        "conv_metadata",
        "dedup_tag",
        "is_code",
        "is_refusal",
        "category_tag",
        "openai_moderation",
        "toxic_chat_tag",
        *CONVERSATION_FIELDS,
    }
)

_WINNERS = {
    "model_a": Winner.MODEL_A.value,
    "model_b": Winner.MODEL_B.value,
    "tie": Winner.TIE.value,
    "tie (bothbad)": Winner.TIE_BOTHBAD.value,
    "tie_bothbad": Winner.TIE_BOTHBAD.value,
    "both_bad": Winner.TIE_BOTHBAD.value,
    "bothbad": Winner.TIE_BOTHBAD.value,
}
_TRUE = {"true", "1", "1.0", "yes", "t"}
_FALSE = {"false", "0", "0.0", "no", "f"}
# Plausible vote times: after 2000-01-01 and before 2100-01-01 (catches milliseconds and garbage).
_MIN_EPOCH, _MAX_EPOCH = 946_684_800.0, 4_102_444_800.0

Problem = tuple[QuarantineReason, str, str]  # reason, field, detail


@dataclass
class ChunkResult:
    """What one chunk produced: the canonical rows, the rejected rows, and soft observations."""

    frame: pd.DataFrame
    quarantine: list[QuarantineRecord]
    voter_field: str | None
    unmapped_languages: dict[str, int] = field(default_factory=dict)
    # The vote ids of the quarantined rows, in quarantine order (a partitioned read checks them
    # against the ids loaded by earlier partitions: a repeat would add ``duplicate_vote_id``).
    quarantined_ids: list[str] = field(default_factory=list)


@dataclass
class RawChunk:
    """Rows as a reader saw them: source columns, 1-based lines, and the raw text of any row on demand."""

    columns: dict[str, list[Any]]
    n: int
    lines: np.ndarray
    raw: Callable[[int], str]
    pre_problems: dict[int, list[Problem]] = field(default_factory=dict)
    # Rows the reader rejected before any field was read (bad JSON, not an object).
    rejected: list[QuarantineRecord] = field(default_factory=list)
    rows_read: int = 0


def _uniform(values: Sequence[Any] | None, *kinds: str) -> np.ndarray | None:
    """The column as an object array when every value is one of ``kinds`` (pandas ``infer_dtype``
    names, missing values allowed), else None. This is the fast path: clean columns are checked once
    in C instead of value by value; anything else takes the per-row path with exact diagnostics."""
    if values is None:
        return None
    series = pd.Series(values, dtype=object)
    if pd.api.types.infer_dtype(series, skipna=True) not in kinds:
        return None
    return series.to_numpy()


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _parse_structured(value: Any) -> Any:
    """A nested value as stored by CSV writers: JSON text, or a Python repr (pandas ``to_csv``)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text or text[0] not in "[{":
        return value
    try:
        return json.loads(text)
    except ValueError:
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value


def _as_bool(value: Any) -> bool | None:
    """Booleans from JSON, Parquet or CSV text; None when it is not a boolean at all."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def _as_time(value: Any) -> tuple[float, str | None]:
    """(UTC epoch seconds or NaN, error detail or None). Epoch numbers and ISO strings are accepted."""
    if type(value) is float:
        seconds = value
    elif value is None:
        return math.nan, None
    elif isinstance(value, datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
        return stamp.timestamp(), None
    elif isinstance(value, bool):
        return math.nan, f"boolean {value!r} is not a time"
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return math.nan, None
        try:
            seconds = float(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                return math.nan, f"unparseable time {text[:40]!r}"
            stamp = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return stamp.timestamp(), None
    else:
        return math.nan, f"{type(value).__name__} is not a time"
    if math.isnan(seconds):
        return math.nan, None
    if not _MIN_EPOCH <= seconds <= _MAX_EPOCH:
        return math.nan, f"time {seconds!r} outside 2000-2100 (milliseconds?)"
    return seconds, None


def _part_text(content: Any) -> str | None:
    """Turn content → text: a string, or the text of typed parts (images contribute nothing)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts: list[str] = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, str):
                    texts.append(text)
                elif text is not None:
                    return None
            else:
                return None
        return "\n".join(texts)
    return None


def _conversation(value: Any) -> list[dict[str, str]] | str:
    """A validated ``[{role, content}]`` list with text content, or an error message."""
    value = _parse_structured(value)
    if not isinstance(value, list):
        return f"conversation is {type(value).__name__}, not a list"
    turns: list[dict[str, str]] = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict):
            return f"turn {i} is {type(turn).__name__}, not an object"
        role = turn.get("role")
        if not isinstance(role, str):
            return f"turn {i} has no string role"
        text = _part_text(turn.get("content"))
        if text is None:
            return f"turn {i} content is neither text nor typed parts"
        turns.append({"role": role, "content": text})
    return turns


def _string_list(value: Any) -> list[str] | None:
    """55k ``prompt``/``response_*``: a JSON-encoded list of strings (entries may be null)."""
    parsed = _parse_structured(value) if isinstance(value, str) else value
    if isinstance(value, str) and parsed is value:
        return None
    if not isinstance(parsed, list):
        return None
    out: list[str] = []
    for item in parsed:
        if item is None:
            out.append("")
        elif isinstance(item, str):
            out.append(item)
        else:
            return None
    return out


def _interleave(prompts: list[str], responses: list[str]) -> list[dict[str, str]]:
    turns: list[dict[str, str]] = []
    for user, assistant in zip_longest(prompts, responses, fillvalue=""):
        turns.append({"role": "user", "content": user})
        turns.append({"role": "assistant", "content": assistant})
    return turns


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Nested dicts → dotted keys; leaves keep scalars, lists become JSON text."""
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten(sub, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list | tuple):
        out[prefix] = json.dumps(value, default=str)
    else:
        out[prefix] = value


def _style(meta: Any, side: str) -> tuple[float, float, float, float]:
    """(tokens, headers, lists, bold) of one side from ``conv_metadata``; NaN when absent."""
    meta = _parse_structured(meta)
    if not isinstance(meta, dict):
        return (math.nan,) * 4

    def total(key: str) -> float:
        item = meta.get(key)
        if isinstance(item, dict):
            nums = [
                v for v in item.values() if isinstance(v, int | float) and not isinstance(v, bool)
            ]
            return float(sum(nums)) if nums else math.nan
        if isinstance(item, int | float) and not isinstance(item, bool):
            return float(item)
        return math.nan

    return (
        total(f"sum_assistant_{side}_tokens"),
        total(f"header_count_{side}"),
        total(f"list_count_{side}"),
        total(f"bold_count_{side}"),
    )


def _dedup_label(value: Any) -> str | None:
    value = _parse_structured(value)
    if isinstance(value, dict):
        if value.get("high_freq"):
            return "high_freq_sampled" if value.get("sampled") else "high_freq_not_sampled"
        return "unique"
    return value if isinstance(value, str) and value else None


_Flag = Callable[[int, QuarantineReason, str, str], None]
_Column = Callable[[str], Sequence[Any] | None]


def _vote_ids(col: _Column, n: int, flag: _Flag, lines: np.ndarray, stem: str) -> list[str]:
    """``question_id`` (else ``id``) as text; a missing one becomes ``<stem>:<line>``."""
    none_column: list[Any] = [None] * n
    ids: list[str] = [""] * n
    primary = col("question_id") or none_column
    secondary = col("id") or none_column
    clean_ids = _uniform(col("question_id") or col("id"), "string")
    fast_ids = (
        clean_ids is not None and not pd.isna(clean_ids).any() and not (clean_ids == "").any()
    )
    if fast_ids and clean_ids is not None:
        ids = clean_ids.tolist()
    for i in range(0 if fast_ids else n):
        value = primary[i]
        if _is_missing(value):
            value = secondary[i]
        if isinstance(value, str) and value:
            ids[i] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            ids[i] = str(value)
        elif isinstance(value, float) and value.is_integer():
            ids[i] = str(int(value))
        else:
            if not _is_missing(value):
                flag(i, R.BAD_FIELD, "id", f"vote id is {type(value).__name__}")
            ids[i] = f"{stem}:{int(lines[i])}"
    return ids


def _models(col: _Column, n: int, flag: _Flag) -> dict[str, list[Any]]:
    """Stripped model names per side; missing, non-text and self battles are flagged."""
    none_column: list[Any] = [None] * n
    models: dict[str, list[Any]] = {}
    for side in ("model_a", "model_b"):
        values = col(side) or none_column
        out: list[Any] = [None] * n
        clean = _uniform(col(side), "string")
        if clean is not None:
            stripped = [v.strip() if v is not None else None for v in clean]
            if all(stripped):
                models[side] = stripped
                continue
        for i, value in enumerate(values):
            if type(value) is str and value.strip():
                out[i] = value.strip()
            elif _is_missing(value):
                flag(i, R.MISSING_MODEL, side, f"{side} is missing")
            else:
                flag(i, R.BAD_FIELD, side, f"{side} is {type(value).__name__}, not a name")
        models[side] = out
    model_a = np.asarray(models["model_a"], dtype=object)
    same = (model_a == np.asarray(models["model_b"], dtype=object)) & pd.notna(model_a)
    for i in np.flatnonzero(same).tolist():
        flag(i, R.SELF_BATTLE, "model_b", f"model_a == model_b == {model_a[i]!r}")
    return models


def _winners(col: _Column, n: int, flag: _Flag) -> list[str | None]:
    """Winner labels from FastChat/HF strings, 55k one-hot columns or Copilot ``acceptedIndex``."""
    none_column: list[Any] = [None] * n
    winners: list[str | None] = [None] * n
    if col("winner") is not None:
        source = col("winner") or none_column
        both_bad = col("both_bad")
        rows: Sequence[int] = range(n)
        clean = _uniform(source, "string")
        if clean is not None:
            winners = [_WINNERS.get(v) for v in clean]
            rows = [i for i, w in enumerate(winners) if w is None]
            if both_bad is not None:
                rows = sorted({*rows, *np.flatnonzero(clean == "tie").tolist()})
        for i in rows:
            value = source[i]
            if _is_missing(value):
                flag(i, R.MISSING_WINNER, "winner", "winner is missing")
                continue
            mapped = _WINNERS.get(value.strip().lower()) if isinstance(value, str) else None
            if mapped is None:
                flag(i, R.UNKNOWN_WINNER, "winner", f"unknown winner {str(value)[:40]!r}")
                continue
            if both_bad is not None and mapped == Winner.TIE.value and _as_bool(both_bad[i]):
                mapped = Winner.TIE_BOTHBAD.value
            winners[i] = mapped
    elif col("winner_model_a") is not None or col("winner_model_b") is not None:
        flags = [
            (label, col(name) or none_column)
            for label, name in (
                (Winner.MODEL_A.value, "winner_model_a"),
                (Winner.MODEL_B.value, "winner_model_b"),
                (Winner.TIE.value, "winner_tie"),
            )
        ]
        for i in range(n):
            parsed = [(label, _as_bool(values[i])) for label, values in flags]
            if all(v is None for _, v in parsed) and all(_is_missing(vs[i]) for _, vs in flags):
                flag(i, R.MISSING_WINNER, "winner_model_a", "one-hot winner columns are empty")
                continue
            chosen = [label for label, v in parsed if v]
            if len(chosen) != 1 or any(v is None for _, v in parsed[:2]):
                flag(i, R.UNKNOWN_WINNER, "winner_model_a", "one-hot winner is not exactly one 1")
                continue
            winners[i] = chosen[0]
    elif col("acceptedIndex") is not None:
        for i, value in enumerate(col("acceptedIndex") or none_column):
            if _is_missing(value):
                flag(i, R.MISSING_WINNER, "acceptedIndex", "acceptedIndex is missing")
                continue
            try:
                index = float(value) if not isinstance(value, bool) else math.nan
            except (TypeError, ValueError):
                index = math.nan
            if index == 0:
                winners[i] = Winner.MODEL_A.value
            elif index == 1:
                winners[i] = Winner.MODEL_B.value
            else:
                flag(i, R.UNKNOWN_WINNER, "acceptedIndex", f"acceptedIndex {str(value)[:20]!r}")
    else:
        for i in range(n):
            flag(i, R.MISSING_WINNER, "winner", "no winner field")
    return winners


def _times(col: _Column, n: int, flag: _Flag) -> np.ndarray:
    """UTC epoch seconds (NaN when absent); unparseable or implausible times are flagged."""
    none_column: list[Any] = [None] * n
    tstamp = np.full(n, np.nan)
    time_name = "tstamp" if col("tstamp") is not None else "timestamp"
    time_rows: Sequence[int] = range(n)
    numeric = _uniform(col(time_name), "floating", "integer", "mixed-integer-float")
    if numeric is not None:
        tstamp = pd.Series(numeric, dtype=object).astype(np.float64).to_numpy(copy=True)
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(tstamp) & ((tstamp < _MIN_EPOCH) | (tstamp > _MAX_EPOCH))
        time_rows = np.flatnonzero(outside).tolist()
    times = col(time_name) or none_column
    for i in time_rows:
        seconds, error = _as_time(times[i])
        if error is not None:
            flag(i, R.BAD_TIMESTAMP, time_name, error)
        tstamp[i] = seconds
    return tstamp


def _anonymity(col: _Column, n: int, flag: _Flag) -> np.ndarray:
    """``anony`` as booleans; sources without the field are anonymous arenas."""
    none_column: list[Any] = [None] * n
    anony = np.ones(n, dtype=bool)
    clean_anony = _uniform(col("anony"), "boolean")
    if clean_anony is not None and not pd.isna(clean_anony).any():
        anony = clean_anony.astype(bool)
    elif col("anony") is not None:
        for i, value in enumerate(col("anony") or none_column):
            if value is True or value is False:
                anony[i] = value
            elif _is_missing(value):
                continue
            else:
                parsed_bool = _as_bool(value)
                if parsed_bool is None:
                    flag(i, R.BAD_FIELD, "anony", f"anony {str(value)[:20]!r} is not a boolean")
                else:
                    anony[i] = parsed_bool
    return anony


def _voters(col: _Column, n: int) -> tuple[str | None, list[Any]]:
    """(the voter field used, stripped voter ids or None)."""
    none_column: list[Any] = [None] * n
    # Not fatal: a bad voter id is treated as missing.
    voter_field = next((name for name in VOTER_FIELDS if col(name) is not None), None)
    voters: list[Any] = [None] * n
    clean_voters = _uniform(col(voter_field) if voter_field else None, "string")
    if clean_voters is not None:
        voters = [v.strip() or None if v is not None else None for v in clean_voters]
    elif voter_field is not None:
        for i, value in enumerate(col(voter_field) or none_column):
            if isinstance(value, str):
                voters[i] = value.strip() or None
            elif isinstance(value, int) and not isinstance(value, bool):
                voters[i] = str(value)
    return voter_field, voters


def _languages(col: _Column, n: int) -> tuple[list[Any], dict[str, int]]:
    """(ISO codes or None, counts of the values no code was found for)."""
    # Not fatal: unknown names are counted and left missing.
    languages: list[Any] = [None] * n
    unmapped: dict[str, int] = {}
    cache: dict[str, str | None] = {}
    clean_languages = _uniform(col("language"), "string")
    if clean_languages is not None:
        series = pd.Series(clean_languages, dtype=object)
        for value, count in series.value_counts().items():
            code, recognised = normalise_language(value)
            cache[str(value)] = code
            if not recognised:
                unmapped[str(value)] = int(count)
        languages = [cache.get(v) if v is not None else None for v in clean_languages]
    for i, value in enumerate((col("language") or ()) if clean_languages is None else ()):
        if value is None:
            continue
        key = value if isinstance(value, str) else repr(value)
        if key not in cache:
            code, recognised = normalise_language(value)
            cache[key] = code
            if not recognised:
                unmapped[key] = 0
        languages[i] = cache[key]
        if key in unmapped:
            unmapped[key] += 1
    return languages, unmapped


def _texts(col: _Column, n: int, flag: _Flag, with_text: bool) -> tuple[list[Any], ...]:
    """(conversation_a, conversation_b, prompt, turns) of FastChat, 55k or Copilot rows."""
    none_column: list[Any] = [None] * n
    # Conversations only with text; turns from them (or the 55k prompt list) always.
    conv_a: list[Any] = [None] * n
    conv_b: list[Any] = [None] * n
    prompt: list[Any] = [None] * n
    turns: list[Any] = [None] * n
    if col("conversation_a") is not None or col("conversation_b") is not None:
        if with_text:
            for side, store in (("conversation_a", conv_a), ("conversation_b", conv_b)):
                for i, value in enumerate(col(side) or none_column):
                    if value is None:
                        continue  # absent text is not malformed text
                    conv = _conversation(value)
                    if isinstance(conv, str):
                        flag(i, R.BAD_CONVERSATION, side, conv)
                    else:
                        store[i] = conv
            for i, conv in enumerate(conv_a):
                if conv:
                    users = [t["content"] for t in conv if t["role"] == "user"]
                    prompt[i] = users[0] if users else None
                    turns[i] = len(users)
    elif col("response_a") is not None or col("prompt") is not None:  # 55k
        prompts_col = col("prompt") or none_column
        resp_a, resp_b = col("response_a") or none_column, col("response_b") or none_column
        for i in range(n):
            prompts = _string_list(prompts_col[i])
            if prompts is None:
                if with_text:
                    flag(i, R.BAD_CONVERSATION, "prompt", "prompt is not a JSON list of strings")
                continue
            turns[i] = len(prompts)
            if not with_text:
                continue
            answers_a, answers_b = _string_list(resp_a[i]), _string_list(resp_b[i])
            if answers_a is None or answers_b is None:
                broken = "response_a" if answers_a is None else "response_b"
                flag(i, R.BAD_CONVERSATION, broken, f"{broken} is not a JSON list of strings")
                continue
            conv_a[i] = _interleave(prompts, answers_a)
            conv_b[i] = _interleave(prompts, answers_b)
            prompt[i] = prompts[0] if prompts else None
    elif col("completion_a") is not None:  # Copilot Arena: the prefix is the prompt
        prefix = col("prefix") or none_column
        comp_a, comp_b = col("completion_a") or none_column, col("completion_b") or none_column
        for i in range(n):
            turns[i] = 1
            if with_text:
                user = prefix[i] if isinstance(prefix[i], str) else ""
                a = comp_a[i] if isinstance(comp_a[i], str) else ""
                b = comp_b[i] if isinstance(comp_b[i], str) else ""
                conv_a[i] = [{"role": "user", "content": user}, {"role": "assistant", "content": a}]
                conv_b[i] = [{"role": "user", "content": user}, {"role": "assistant", "content": b}]
                prompt[i] = user
    return conv_a, conv_b, prompt, turns


def _turn_counts(col: _Column, turns: list[Any]) -> list[Any]:
    """Turn counts from ``turn``/``turns`` (else ``conv_metadata``); ``turns`` where neither says."""
    meta = col("conv_metadata")
    for name in ("turn", "turns"):
        turn_values = col(name)
        clean_turns = _uniform(turn_values, "integer")
        if clean_turns is not None:
            counts = pd.Series(clean_turns, dtype=object).astype("Int64")
            valid = (counts >= 0) & (counts < 32_768)
            turns = counts.where(valid.fillna(False), None).astype(object).tolist()
            turns = [None if t is pd.NA else t for t in turns]
            break
        if turn_values is not None:
            for i, value in enumerate(turn_values):
                if isinstance(value, int | float | str) and not isinstance(value, bool):
                    try:
                        count = int(float(value))
                    except (ValueError, OverflowError):
                        continue
                    if 0 <= count < 32_768:
                        turns[i] = count
            break
    else:
        if meta is not None:
            for i, value in enumerate(meta):
                parsed_meta = _parse_structured(value)
                if isinstance(parsed_meta, dict) and isinstance(parsed_meta.get("turns"), int):
                    turns[i] = parsed_meta["turns"]
    return turns


def _duplicates(
    ids: list[str], lines: np.ndarray, failed: Sequence[int], flag: _Flag, seen_ids: VoteIdIndex
) -> np.ndarray:
    """Rows not to load: ``failed`` and every row repeating an id an earlier loaded row has
    (flagged ``duplicate_vote_id``). The ids of the rows to load are added to ``seen_ids``."""
    n = len(ids)
    bad = np.zeros(n, dtype=bool)
    if failed:
        bad[list(failed)] = True
    # Duplicate ids: a row repeats an id that an earlier, loaded row already has.
    first_good: dict[str, int] = {}
    hashed = hash_ids(ids)
    loaded_before = seen_ids.first_lines(hashed)
    if len(set(ids)) == n and not (loaded_before >= 0).any():
        # Fast path: no id repeats inside the chunk or with anything loaded before.
        good = np.flatnonzero(~bad)
        seen_ids.add(hashed.take(good), lines[good])
        n_dup_scan = 0
    else:
        n_dup_scan = n
    for i in range(n_dup_scan):
        vote_id = ids[i]
        earlier = int(loaded_before[i])
        if earlier >= 0 or (vote_id in first_good and first_good[vote_id] < i):
            first_line = earlier if earlier >= 0 else int(lines[first_good[vote_id]])
            flag(
                i,
                R.DUPLICATE_VOTE_ID,
                "id",
                f"vote id {vote_id!r} already loaded (line {first_line})",
            )
            bad[i] = True
        elif not bad[i]:
            first_good[vote_id] = i
    if first_good:
        rows = list(first_good.values())
        seen_ids.add(hashed.take(rows), lines[rows])  # hashed once, above
    return bad


def _quarantine_records(
    problems: Mapping[int, list[Problem]], lines: np.ndarray, raw: Callable[[int], str], file: str
) -> list[QuarantineRecord]:
    """One record per failing row: every reason, the first by :data:`REASON_PRIORITY` leading."""
    quarantine: list[QuarantineRecord] = []
    for i in sorted(problems):
        found = sorted(problems[i], key=lambda p: _RANK[p[0]])
        reasons = tuple(dict.fromkeys(p[0] for p in found))
        quarantine.append(
            QuarantineRecord(
                file=file,
                line=int(lines[i]),
                reason=found[0][0],
                field=found[0][1],
                detail="; ".join(p[2] for p in found),
                raw=raw(i),
                reasons=reasons,
            )
        )
    return quarantine


def _canonical_frame(
    columns: Mapping[str, Sequence[Any]],
    keep: np.ndarray,
    *,
    file: str,
    lines: np.ndarray,
    with_text: bool,
    ids: list[str],
    models: dict[str, list[Any]],
    winners: list[str | None],
    voters: list[Any],
    tstamp: np.ndarray,
    anony: np.ndarray,
    languages: list[Any],
    texts: tuple[list[Any], ...],
) -> pd.DataFrame:
    """The kept rows as the canonical chunk, with the optional columns the source has."""
    from auditkit.schema import WINNER_DTYPE

    n = len(ids)
    none_column: list[Any] = [None] * n
    conv_a, conv_b, prompt, turns = texts

    def col(name: str) -> Sequence[Any] | None:
        return columns.get(name)

    def take(values: Sequence[Any]) -> np.ndarray:
        return np.asarray(values, dtype=object)[keep]

    def take_nested(values: Sequence[Any]) -> np.ndarray:
        # Element-wise so numpy never reads equal-length lists as a second dimension.
        array = np.empty(len(keep), dtype=object)
        for j, i in enumerate(keep):
            array[j] = values[int(i)]
        return array

    data: dict[str, Any] = {
        "vote_id": take(ids),
        "model_a": take(models["model_a"]),
        "model_b": take(models["model_b"]),
        "winner": pd.Categorical(take(winners), dtype=WINNER_DTYPE),
        "voter": take(voters),
        "tstamp": tstamp[keep],
        "anony": anony[keep],
        "language": take(languages),
        "turns": pd.array(take(turns), dtype="Int16"),
        "source_file": np.full(len(keep), file, dtype=object),
        "source_line": lines[keep].astype(np.int64),
    }
    if with_text and any(c is not None for c in conv_a):
        data["conversation_a"] = take_nested(conv_a)
        data["conversation_b"] = take_nested(conv_b)
        data["prompt"] = take(prompt)
    meta = col("conv_metadata")
    if meta is not None:
        styles = [(_style(value, "a"), _style(value, "b")) for value in meta]
        for j, name in enumerate(STYLE_COLUMNS):
            which, feature = divmod(j, 4)
            data[name] = np.array([s[which][feature] for s in styles], dtype=np.float64)[keep]
    if col("dedup_tag") is not None:
        data["dedup_tag"] = take([_dedup_label(v) for v in col("dedup_tag") or none_column])
    if col("is_code") is not None:
        data["is_code"] = pd.array(
            take([_as_bool(v) for v in col("is_code") or none_column]), dtype="boolean"
        )
    data.update(_tag_columns(columns, n, keep))
    return pd.DataFrame(data)


# Above this share of failing rows a block is read by the exact path whole (cheaper than two paths).
MAX_FAILING_SHARE = 0.5
_TEXT_COLUMNS = ("conversation_a", "conversation_b", "prompt")


def _column_wise(
    columns: Any,
    *,
    lines: np.ndarray,
    raw: Callable[[int], str],
    file: str,
    stem: str,
    with_text: bool,
    seen_ids: VoteIdIndex,
) -> ChunkResult | None:
    """A block read column-wise (:class:`auditkit.io.arrowjsonl.ArrowColumns`); None: read it exact.

    The rows every column check passes are built with Arrow/numpy; the failing rows alone go
    through :func:`normalise_chunk`'s per-value path, which writes their quarantine records. The
    two parts share no vote id (every row of a repeated id fails), so loading the passing rows
    first leaves the duplicate check of the failing ones as it is on the whole block.
    """
    if not columns.column_wise(with_text):
        return None
    failing = columns.failing_rows(seen_ids, lines=lines, stem=stem)
    if not failing.any():
        return columns.build(lines=lines, file=file, seen_ids=seen_ids)  # type: ignore[no-any-return]
    if failing.mean() > MAX_FAILING_SHARE:
        return None
    good, bad = np.flatnonzero(~failing), np.flatnonzero(failing)
    loaded: ChunkResult = columns.take(good).build(lines=lines[good], file=file, seen_ids=seen_ids)
    checked = normalise_chunk(
        columns.exact_rows(bad),
        len(bad),
        lines=lines[bad],
        raw=lambda j: raw(int(bad[j])),
        file=file,
        stem=stem,
        with_text=with_text,
        seen_ids=seen_ids,
    )
    unmapped = dict(loaded.unmapped_languages)
    for value, count in checked.unmapped_languages.items():
        unmapped[value] = unmapped.get(value, 0) + count
    return ChunkResult(
        frame=_merge_parts(loaded.frame, checked.frame),
        quarantine=checked.quarantine,
        voter_field=loaded.voter_field or checked.voter_field,
        unmapped_languages=unmapped,
        quarantined_ids=checked.quarantined_ids,
    )


def _merge_parts(loaded: pd.DataFrame, checked: pd.DataFrame) -> pd.DataFrame:
    """Two parts of one block as the whole block's frame: rows in line order, the text columns
    (present when either part has them) after ``source_line``, the ``tag.*`` columns of either
    part last in key order (as :func:`_tag_columns` orders the whole block's), None where a part
    had none."""
    if checked.empty and set(checked.columns) <= set(loaded.columns):
        return loaded
    tags = sorted({c for c in (*loaded.columns, *checked.columns) if c.startswith(TAG_PREFIX)})
    base = [c for c in loaded.columns if c not in _TEXT_COLUMNS and c not in tags]
    text = [c for c in _TEXT_COLUMNS if c in loaded.columns or c in checked.columns]
    at = base.index("source_line") + 1
    names = base[:at] + text + base[at:]
    names += [c for c in checked.columns if c not in names and c not in tags]
    names += tags
    parts = []
    for part in (loaded, checked):
        part = part.copy(deep=False)
        for name in (*text, *tags):
            if name not in part.columns:
                part[name] = np.full(len(part), None, dtype=object)
        parts.append(part[names])
    for name in text:
        # Conversations the loaded part kept as Arrow: the checked part's lists join them as Arrow
        # of the same type (their ``{role, content}`` turns read back as the same lists).
        kind = loaded[name].dtype if name in loaded.columns else None
        if isinstance(kind, pd.ArrowDtype) and not isinstance(parts[1][name].dtype, pd.ArrowDtype):
            import pyarrow as pa

            values = pa.array(parts[1][name].tolist(), type=kind.pyarrow_dtype)
            parts[1][name] = pd.arrays.ArrowExtensionArray(values)
    frame = parts[0] if checked.empty else pd.concat(parts, ignore_index=True)
    order = np.argsort(frame["source_line"].to_numpy(), kind="stable")
    return frame.take(order).reset_index(drop=True)


def normalise_chunk(
    columns: Mapping[str, Sequence[Any]],
    n: int,
    *,
    lines: np.ndarray,
    raw: Callable[[int], str],
    file: str,
    stem: str,
    with_text: bool,
    seen_ids: VoteIdIndex,
    pre_problems: Mapping[int, list[Problem]] | None = None,
) -> ChunkResult:
    """Normalise ``n`` rows given as source columns; quarantine what cannot be trusted.

    ``seen_ids`` holds every vote id loaded so far (all chunks, all files) with its first line and is
    updated in place, so duplicates across chunks and files are found. ``pre_problems`` carries
    row-level failures found by the reader (e.g. a CSV row with the wrong number of fields).
    """
    if getattr(columns, "fast_chunk", None) is not None and not pre_problems:
        # A block pyarrow parsed (:mod:`auditkit.io.arrowjsonl`): column-wise, the exact
        # per-value checks below only for the rows the column checks cannot vouch for.
        result = _column_wise(
            columns,
            lines=lines,
            raw=raw,
            file=file,
            stem=stem,
            with_text=with_text,
            seen_ids=seen_ids,
        )
        if result is not None:
            return result
        columns = columns.materialise()  # type: ignore[attr-defined]
    problems: dict[int, list[Problem]] = {i: list(p) for i, p in (pre_problems or {}).items()}

    def flag(i: int, reason: QuarantineReason, name: str, detail: str) -> None:
        problems.setdefault(i, []).append((reason, name, detail))

    def col(name: str) -> Sequence[Any] | None:
        return columns.get(name)

    ids = _vote_ids(col, n, flag, lines, stem)
    models = _models(col, n, flag)
    winners = _winners(col, n, flag)
    tstamp = _times(col, n, flag)
    anony = _anonymity(col, n, flag)
    voter_field, voters = _voters(col, n)
    languages, unmapped = _languages(col, n)
    conv_a, conv_b, prompt, turns = _texts(col, n, flag, with_text)
    turns = _turn_counts(col, turns)
    bad = _duplicates(ids, lines, list(problems), flag, seen_ids)
    frame = _canonical_frame(
        columns,
        np.flatnonzero(~bad),
        file=file,
        lines=lines,
        with_text=with_text,
        ids=ids,
        models=models,
        winners=winners,
        voters=voters,
        tstamp=tstamp,
        anony=anony,
        languages=languages,
        texts=(conv_a, conv_b, prompt, turns),
    )
    return ChunkResult(
        frame=frame,
        quarantine=_quarantine_records(problems, lines, raw, file),
        voter_field=voter_field,
        unmapped_languages=unmapped,
        quarantined_ids=[ids[i] for i in sorted(problems)],
    )


def _tag_columns(columns: Mapping[str, Sequence[Any]], n: int, keep: np.ndarray) -> dict[str, Any]:
    """``category_tag`` and the moderation structs flattened into ``tag.<dotted.key>`` columns."""
    sources: list[tuple[str, str]] = [
        ("category_tag", ""),
        ("toxic_chat_tag", "toxic_chat_tag"),
        ("is_refusal", "is_refusal"),
    ]
    if not any(name in columns for name, _ in (*sources, ("openai_moderation", ""))):
        return {}
    flat_rows: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, prefix in sources:
        values = columns.get(name)
        if values is None:
            continue
        for i, value in enumerate(values):
            parsed = _parse_structured(value)
            if parsed is None:
                continue
            _flatten(parsed, prefix, flat_rows[i])
    moderation = columns.get("openai_moderation")
    if moderation is not None:
        for i, value in enumerate(moderation):
            parsed = _parse_structured(value)
            if isinstance(parsed, dict) and "flagged" in parsed:
                flat_rows[i]["openai_moderation.flagged"] = parsed["flagged"]
    keys = sorted(set().union(*flat_rows)) if n else []
    out: dict[str, Any] = {}
    for key in keys:
        out[f"{TAG_PREFIX}{key}"] = np.asarray([row.get(key) for row in flat_rows], dtype=object)[
            keep
        ]
    return out
