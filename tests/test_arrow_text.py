"""Conversations that travel as Arrow read the same as the conversations the loader decodes.

Specification: a streamed load keeps each block's Arrow-typed conversations as Arrow
(``normalise_blocks(arrow_text=True)``) and the text scan decodes them where it runs. Oracle: the
same blocks read with ``arrow_text=False`` (Python lists, decoded in the reader) — and, for the
decoder, :func:`auditkit.io.normalise._conversation` applied row by row. Validity is judged in Arrow
without decoding; it must reject exactly the rows the per-turn reading rejects. The identity
findings must be the same whatever engine ran the scan. The reader's byte-order-mark check must
answer as a plain substring search.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_fastpath import RECORD, row, write_rows
from test_streaming import arena_file  # noqa: F401  (a module fixture the engine test reuses)

from auditkit.engine import LocalEngine, ProcessEngine
from auditkit.engine.scan import _decoded_text
from auditkit.io import arrowjsonl
from auditkit.io.arrowjsonl import (
    _CONVERSATION_TYPE,
    _conversation_checks,
    _has_bom,
    decoded_conversations,
)
from auditkit.io.chunks import iter_chunks
from auditkit.io.normalise import _conversation
from auditkit.rules import RulePack
from auditkit.streaming import stream_battles

TEXT = ("conversation_a", "conversation_b")

TURN = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "role": st.one_of(st.none(), st.sampled_from(["user", "assistant", "system", ""])),
            "content": st.one_of(st.none(), st.text(max_size=8)),
        }
    ),
)
CONVERSATION = st.one_of(st.none(), st.lists(TURN, max_size=5))


def exact_reading(value: Any) -> tuple[Any, bool]:
    """(what the per-turn path keeps, whether it rejects the row) for one conversation value."""
    if value is None:
        return None, False  # absent text is not malformed text
    conversation = _conversation(value)
    if isinstance(conversation, str):
        return None, True
    return conversation, False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CONVERSATION, max_size=20))
def test_decoder_and_checks_equal_the_per_turn_reading(values: list[Any]) -> None:
    lists = pa.array(values, type=_CONVERSATION_TYPE)
    expected = [exact_reading(v) for v in values]
    failing, _ = _conversation_checks(lists)
    assert failing.tolist() == [bad for _, bad in expected]
    decoded = decoded_conversations(lists)
    assert decoded.dtype == object and len(decoded) == len(values)
    assert decoded.tolist() == [kept for kept, _ in expected]
    # Sliced and chunked arrays (what a frame's column may hold) read the same.
    if len(values) > 2:
        chunked = pa.chunked_array([lists.slice(0, 1), lists.slice(1)])
        assert decoded_conversations(chunked).tolist() == decoded.tolist()
        assert decoded_conversations(lists.slice(1)).tolist() == decoded.tolist()[1:]


def chunks(path: Path, arrow_text: bool) -> list[Any]:
    return list(iter_chunks(path, with_text=True, block_rows=5, arrow_text=arrow_text))


def assert_same_chunks(path: Path) -> int:
    """The Arrow-text chunks of ``path``, decoded, equal the plain ones; how many had Arrow."""
    arrow_columns = 0
    plain, arrow = chunks(path, False), chunks(path, True)
    assert len(plain) == len(arrow)
    for one, other in zip(plain, arrow, strict=True):
        assert one.quarantine == other.quarantine
        assert one.rows_read == other.rows_read
        if one.frame is None:
            assert other.frame is None
            continue
        arrow_columns += any(
            isinstance(other.frame[c].dtype, pd.ArrowDtype) for c in TEXT if c in other.frame
        )
        pd.testing.assert_frame_equal(_decoded_text(other.frame), one.frame)
        assert other.frame.drop(columns=[c for c in TEXT if c in other.frame]).equals(
            one.frame.drop(columns=[c for c in TEXT if c in one.frame])
        )
    return arrow_columns


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=14))
def test_property_arrow_text_chunks_decode_to_the_plain_chunks(
    records: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert_same_chunks(write_rows(Path(tmp) / "fuzz.jsonl", list(records)))


def test_blocks_with_failing_rows_join_their_parts_as_arrow(tmp_path: Path) -> None:
    talk = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "I am GPT-4"}]
    rows = [
        row(question_id=f"q{i}", tstamp=1.7e9 + i, conversation_a=talk, conversation_b=talk)
        for i in range(10)
    ]
    rows[1]["winner"] = "nobody"  # quarantined: the exact path reads it
    rows[2]["conversation_b"] = [{"role": "user", "content": None}]  # null content: ""
    rows[3]["conversation_a"] = None  # no text on this row
    rows[6]["question_id"] = "q5"  # a repeated id: both rows go to the exact path
    rows[4]["model_b"] = rows[4]["model_a"]  # a self battle (at most half a block fails)
    path = write_rows(tmp_path / "mixed.jsonl", rows)
    assert assert_same_chunks(path) == 2  # both blocks of 5 kept Arrow beside exact rows
    first = chunks(path, True)[0].frame
    assert isinstance(first["conversation_b"].dtype, pd.ArrowDtype)
    decoded = _decoded_text(first).set_index("source_line")["conversation_b"]
    assert decoded[3] == [{"role": "user", "content": ""}]  # line 3: the null content


def test_turns_with_fields_beyond_role_and_content_are_decoded_in_the_reader(
    tmp_path: Path,
) -> None:
    # Arrow infers the extra field into the struct; such a block keeps Python lists.
    talk = [{"role": "user", "content": "hi", "name": "x"}]
    path = write_rows(tmp_path / "extra.jsonl", [row(conversation_a=talk, conversation_b=talk)])
    (chunk,) = chunks(path, True)
    assert chunk.frame["conversation_a"].dtype == object
    assert_same_chunks(path)


@pytest.fixture(scope="module")
def leaky_file(arena_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The streaming tests' leaky arena (text on half the battles, planted bad lines), plus a
    conversation with a null turn."""
    path = tmp_path_factory.mktemp("arrowtext") / "battles.jsonl"
    path.write_bytes(arena_file.read_bytes())
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[40])
    broken["conversation_a"] = [None]  # a null turn: quarantined as bad_conversation
    lines[40] = json.dumps(broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_findings_are_identical_whatever_the_engine(
    leaky_file: Path, default_rules: RulePack, workers: int
) -> None:
    local = stream_battles(leaky_file, rules=default_rules, engine=LocalEngine(), chunk_rows=200)
    with ProcessEngine(workers) as engine:
        pooled = stream_battles(leaky_file, rules=default_rules, engine=engine, chunk_rows=200)
    assert local.identity is not None and pooled.identity is not None
    assert len(local.identity.findings) > 20
    assert pooled.identity.to_json() == local.identity.to_json()
    assert pooled.load.quarantine == local.load.quarantine
    assert "bad_conversation" in local.load.quarantine_counts
    pd.testing.assert_frame_equal(pooled.battles.frame, local.battles.frame)
    assert pooled.text_rows == local.text_rows > 0
    assert not np.any([c in local.battles.frame.columns for c in TEXT])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40), st.lists(st.sampled_from([b"\xef", b"\xbb", b"\xbf", b"a"])))
def test_byte_order_mark_search_equals_substring_search(noise: bytes, pieces: list[bytes]) -> None:
    for data in (noise, b"".join(pieces), noise + b"".join(pieces) + noise):
        assert _has_bom(data) == (b"\xef\xbb\xbf" in data)


def test_byte_order_mark_search_past_many_lead_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrowjsonl, "_BOM_LEADS", 2)
    for data in (b"\xef\xef\xef\xbb\xbf", b"\xef\xef\xef\xbb", b"\xef" * 5 + b"x\xef\xbb\xbf"):
        assert _has_bom(data) == (b"\xef\xbb\xbf" in data)
