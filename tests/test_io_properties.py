"""Property: whatever rows a JSONL or CSV file holds, each is loaded or quarantined — none lost, no crash."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.errors import InputError
from auditkit.io import load_battles

MODELS = st.sampled_from(["a", "b", "c", "", None, 3, ["x"]])
WINNERS = st.sampled_from(["model_a", "model_b", "tie", "tie (bothbad)", "both_bad", "x", None, 1])
TIMES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2024-01-01T00:00:00Z", "not a time", "", None, True, 1.7e9, 1.7e12]),
)
IDS: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.sampled_from(["q1", "q2", "q3"]), st.integers(0, 3), st.just({})
)
CONVERSATIONS = st.one_of(
    st.none(),
    st.just("text"),
    st.just([{"role": "user", "content": "hi"}]),
    st.just([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
    st.just([{"content": "no role"}]),
    st.just([1, 2]),
)

RECORD = st.fixed_dictionaries(
    {},
    optional={
        "question_id": IDS,
        "model_a": MODELS,
        "model_b": MODELS,
        "winner": WINNERS,
        "tstamp": TIMES,
        "anony": st.sampled_from([True, False, "yes", None, 2]),
        "language": st.sampled_from(["English", "en", "Klingon", None, 5]),
        "judge": st.sampled_from(["u1", "u2", "", None, 9]),
        "conversation_a": CONVERSATIONS,
        "turn": st.sampled_from([1, 2, -1, "x", None]),
    },
)
GARBAGE = st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b)
VALID = {"model_a": "a", "model_b": "b", "winner": "tie"}


def jsonl_line(item: Any) -> bytes:
    if isinstance(item, bytes):
        return item
    return json.dumps(item, allow_nan=True).encode()


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(RECORD, GARBAGE, st.just([1]), st.just("str")), max_size=25))
def test_jsonl_rows_are_loaded_or_quarantined(items: list[Any]) -> None:
    """Every row loads or is quarantined; a line that is not UTF-8 stops the load naming it."""
    lines = [json.dumps(VALID).encode()] + [jsonl_line(item) for item in items]
    expected_rows = sum(1 for line in lines if line.strip())
    not_utf8 = [number for number, line in enumerate(lines, start=1) if not _is_utf8(line)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        if not_utf8:
            with pytest.raises(InputError, match=rf"line {not_utf8[0]}: not valid UTF-8 at byte"):
                load_battles(path)
            return
        result = load_battles(path)
    assert result.rows_read == expected_rows
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert sum(result.quarantine_counts.values()) == result.rows_quarantined
    frame = result.battles.frame
    assert frame["vote_id"].is_unique
    assert (frame["model_a"] != frame["model_b"]).all()
    loaded_lines = set(frame["source_line"].tolist())
    quarantined_lines = {r.line for r in result.quarantine}
    assert not loaded_lines & quarantined_lines
    for record in result.quarantine:
        assert record.reason == record.reasons[0]


CELL = st.one_of(
    st.sampled_from(
        ["a", "b", "", "model_a", "tie", "0", "1", "1.0", "x,y", 'q"uote', "line\nbreak"]
    ),
    st.text(max_size=8),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=25))
def test_csv_rows_are_loaded_or_quarantined(records: list[list[str]]) -> None:
    header = ["id", "model_a", "model_b", "winner", "tstamp"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow(["", "a", "b", "tie", ""])
    for cells in records:
        writer.writerow(cells)
    text = buffer.getvalue()
    # What a CSV parser sees as records, blank ones excluded: the oracle for rows_read.
    expected = sum(1 for rec in csv.reader(io.StringIO(text)) if rec and rec != [""]) - 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        path.write_text(text, encoding="utf-8")
        result = load_battles(path)
    assert result.rows_read == expected
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert result.battles.frame["vote_id"].is_unique
