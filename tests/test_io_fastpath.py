"""The pyarrow fast path for JSON Lines and the chunked writer change speed, never results.

Oracle: the same file loaded with the fast path switched off (``jsonl._FAST = False``, the exact
per-line path every other io test pins down) must give the identical table, quarantine and notes.
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_properties import _is_utf8

from auditkit.errors import InputError
from auditkit.io import LoadResult, load_battles, write_fastchat_jsonl
from auditkit.io import jsonl as jsonl_module
from auditkit.io import writer as writer_module
from auditkit.io.arrowjsonl import ArrowColumns, _valid_utf8, parse_block
from auditkit.io.ids import VoteIdIndex
from auditkit.io.jsonl import read_jsonl

DATA = Path(__file__).resolve().parent / "data" / "io"


def row(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question_id": "q1",
        "model_a": "gpt-4",
        "model_b": "claude-2",
        "winner": "model_a",
        "judge": "arena_user_1",
        "anony": True,
        "language": "English",
        "turn": 1,
        "tstamp": 1_700_000_000.5,
    }
    base.update(fields)
    return base


def write_rows(path: Path, rows: list[Any]) -> Path:
    lines = [r if isinstance(r, bytes) else json.dumps(r, allow_nan=True).encode() for r in rows]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def clean_rows(n: int, **fields: Any) -> list[dict[str, Any]]:
    return [row(question_id=f"q{i}", tstamp=1_700_000_000.0 + i, **fields) for i in range(n)]


def load_both(path: Path, with_text: bool = True) -> tuple[LoadResult, LoadResult]:
    fast = load_battles(path, with_text=with_text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "_FAST", False)
        exact = load_battles(path, with_text=with_text)
    return fast, exact


def assert_same(fast: LoadResult, exact: LoadResult) -> None:
    pd.testing.assert_frame_equal(fast.battles.frame, exact.battles.frame)
    assert fast.quarantine == exact.quarantine
    assert (fast.rows_read, fast.rows_loaded) == (exact.rows_read, exact.rows_loaded)
    assert fast.battles.extra == exact.battles.extra
    assert fast.battles.voter_field == exact.battles.voter_field
    assert fast.battles.voter_note == exact.battles.voter_note
    assert fast.battles.source_formats == exact.battles.source_formats


def kinds(path: Path, with_text: bool = True) -> Iterator[bool]:
    """Per reader block: True when pyarrow parsed it and the column-wise path accepted every row."""
    seen = VoteIdIndex()
    for raw in read_jsonl(path, is_gzip=False, with_text=with_text):
        columns = raw.columns
        yield isinstance(columns, ArrowColumns) and (
            columns.fast_chunk(
                lines=raw.lines, file="f", stem="f", with_text=with_text, seen_ids=seen
            )
            is not None
        )


def test_clean_block_takes_the_fast_path_and_matches(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "b.jsonl", clean_rows(50, language="Klingon"))
    assert list(kinds(path)) == [True]
    fast, exact = load_both(path)
    assert_same(fast, exact)
    assert fast.rows_loaded == 50
    assert fast.battles.extra["languages_unmapped"] == {"Klingon": 50}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (row(model_b="gpt-4"), "self_battle"),
        (row(winner="draw"), "unknown_winner"),
        (row(tstamp=1.7e12), "bad_timestamp"),
        (row(question_id="q3"), "duplicate_vote_id"),
        (row(model_a=None), "missing_model"),
        (row(model_a=7), "bad_field"),
        (b'{"model_a": "a", "model_b": "b", "winner": "tie", "tstamp": NaN}', "invalid_json"),
        (b'{"model_a": "a", "model_b": "b", "winner": "tie"} {"x": 1}', "invalid_json"),
        (b"\xef\xbb\xbf" + json.dumps(row(question_id="bom")).encode(), "invalid_json"),
        (b"[1, 2]", "not_an_object"),
    ],
)
def test_a_planted_defect_sends_its_block_to_the_exact_path(
    tmp_path: Path, bad: Any, reason: str
) -> None:
    rows: list[Any] = [*clean_rows(5), bad, *clean_rows(3, winner="tie")[::-1]]
    rows[-3:] = [row(question_id=f"r{i}") for i in range(3)]
    path = write_rows(tmp_path / "b.jsonl", rows)
    assert list(kinds(path)) == [False]
    fast, exact = load_both(path)
    assert_same(fast, exact)
    assert [(r.line, r.reason.value) for r in fast.quarantine] == [(6, reason)]
    assert fast.rows_loaded == 8


def test_a_line_that_is_not_utf8_stops_both_paths_naming_it(tmp_path: Path) -> None:
    bad = json.dumps(row(question_id="x")).encode()[:-1] + b', "judge": "\xff"}'
    rows: list[Any] = [*clean_rows(5), bad, *[row(question_id=f"r{i}") for i in range(3)]]
    path = write_rows(tmp_path / "b.jsonl", rows)
    offset = sum(len(line) + 1 for line in path.read_bytes().split(b"\n")[:5]) + bad.index(b"\xff")
    for fast in (True, False):
        with (
            pytest.MonkeyPatch.context() as patch,
            pytest.raises(InputError, match=rf"line 6: not valid UTF-8 at byte offset {offset:,}"),
        ):
            patch.setattr(jsonl_module, "_FAST", fast)
            load_battles(path)


@pytest.mark.parametrize(
    "data",
    [
        "héllo 你好 😀".encode(),
        b"\xed\xa0\x80",  # a surrogate
        b"\xed\x9f\xbf",  # the last code point before the surrogates
        b"\xc0\xaf",  # overlong "/"
        b"\xe0\x80\xaf",  # overlong, three bytes
        b"\xf4\x8f\xbf\xbf",  # U+10FFFF
        b"\xf4\x90\x80\x80",  # past U+10FFFF
        b"\xf8\x88\x80\x80\x80",  # five-byte form
        b"\xe4\xbd",  # truncated
        b"\x80",  # a lone continuation byte
        b"\xff",
        b"a\x00b",
    ],
)
def test_utf8_check_judges_as_python_decoding(data: bytes) -> None:
    assert _valid_utf8(data) == _is_utf8(data)


def test_utf8_check_agrees_with_python_on_random_bytes() -> None:
    rng = random.Random(20261206)
    for _ in range(20_000):
        data = bytes(rng.randint(0x80 if rng.random() < 0.8 else 0, 255) for _ in range(5))
        assert _valid_utf8(data) == _is_utf8(data), data


def test_only_the_block_with_the_defect_is_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl_module, "BLOCK_ROWS", 4)
    rows: list[Any] = clean_rows(12)
    rows[5] = row(question_id="q5", winner="nobody")
    path = write_rows(tmp_path / "b.jsonl", rows)
    assert list(kinds(path)) == [True, False, True]
    fast, exact = load_both(path)
    assert_same(fast, exact)
    assert [(r.line, r.reason.value) for r in fast.quarantine] == [(6, "unknown_winner")]


def test_duplicate_id_across_fast_blocks_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl_module, "BLOCK_ROWS", 3)
    rows = clean_rows(6)
    rows[4] = row(question_id="q1")
    fast, exact = load_both(write_rows(tmp_path / "b.jsonl", rows))
    assert_same(fast, exact)
    assert [(r.line, r.detail) for r in fast.quarantine] == [
        (5, "vote id 'q1' already loaded (line 2)")
    ]


def test_blank_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    rows = [json.dumps(r).encode() for r in clean_rows(3)]
    path.write_bytes(rows[0] + b"\n\n" + rows[1] + b"\n   \n" + rows[2] + b"\n")
    fast, exact = load_both(path)
    assert_same(fast, exact)
    assert fast.battles.frame["source_line"].tolist() == [1, 3, 5]


def test_padding_and_optional_nulls_match_the_exact_path(tmp_path: Path) -> None:
    rows = [
        row(question_id="a", model_a="  gpt-4 ", judge="  ", language=None, turn=None),
        row(question_id="b", anony=None, tstamp=None, turn=40_000, winner="tie (bothbad)"),
        row(question_id="c", judge=None, anony=False, turn=-1, language="zh-Hant"),
    ]
    path = write_rows(tmp_path / "b.jsonl", rows)
    assert list(kinds(path)) == [True]
    fast, exact = load_both(path)
    assert_same(fast, exact)
    frame = fast.battles.frame
    assert frame["model_a"].tolist()[0] == "gpt-4"
    assert frame["anony"].tolist() == [True, True, False]
    assert frame["turns"].isna().tolist() == [True, True, True]


def test_a_field_that_is_null_everywhere_is_present_or_absent_as_in_the_exact_path(
    tmp_path: Path,
) -> None:
    with_null_judge = [row(question_id=f"q{i}", judge=None) for i in range(3)]
    fast, exact = load_both(write_rows(tmp_path / "a.jsonl", with_null_judge))
    assert_same(fast, exact)
    assert fast.battles.voter_field == "judge"
    without_judge = [{k: v for k, v in r.items() if k != "judge"} for r in with_null_judge]
    fast, exact = load_both(write_rows(tmp_path / "b.jsonl", without_judge))
    assert_same(fast, exact)
    assert fast.battles.voter_field is None


def test_conversations_style_metadata_and_flags_match(tmp_path: Path) -> None:
    conversation = [
        {"role": "user", "content": "Who are you?"},
        {"role": "assistant", "content": None, "extra": 1},
        {"role": "user", "content": "And?"},
    ]
    meta = {
        "sum_assistant_a_tokens": 12,
        "header_count_a": {"h1": 1, "h2": 2, "flag": True},
        "list_count_a": {"total": None},
        "bold_count_a": {"total": 3},
        "sum_assistant_b_tokens": 7.5,
        "turns": 9,
    }
    rows = [
        row(
            question_id="t1",
            conversation_a=conversation,
            conversation_b=[],
            conv_metadata=meta,
            is_code=True,
            dedup_tag={"high_freq": True, "sampled": False},
        ),
        row(question_id="t2", conversation_a=None, conversation_b=None, conv_metadata=None),
        row(question_id="t3", is_code=None, dedup_tag={"high_freq": False}),
    ]
    path = write_rows(tmp_path / "b.jsonl", rows)
    assert list(kinds(path)) == [True]
    for with_text in (True, False):
        fast, exact = load_both(path, with_text=with_text)
        assert_same(fast, exact)
    frame = load_battles(path).battles.frame
    assert frame["style_a_headers"].tolist()[0] == 3.0  # 1 + 2, the boolean is not a count
    assert frame["prompt"].tolist()[0] == "Who are you?"
    assert frame["conversation_a"].iloc[0][1] == {"role": "assistant", "content": ""}
    assert frame["turns"].tolist() == [1, 1, 1]  # the turn field wins over the conversation


@pytest.mark.parametrize("name", ["fastchat.jsonl", "hp100k.jsonl", "hp140k.jsonl"])
def test_fixture_files_match(name: str) -> None:
    assert_same(*load_both(DATA / name))


def test_parse_block_refuses_what_orjson_rejects() -> None:
    good = json.dumps(row()).encode()
    assert parse_block(good, 1) is not None
    assert parse_block(good[:-1] + b', "x": Infinity}', 1) is None
    assert parse_block(good[:-1] + b', "x": -NaN}', 1) is None
    assert parse_block(good + b"\n" + good, 1) is None  # two lines read as one row
    # "Inf" inside a string is text, not a number: the block stays fast.
    assert parse_block(good[:-1] + b', "note": "Information"}', 1) is not None


IDS = st.sampled_from(["q1", "q2", "q3", "q4", ""])
RECORD = st.fixed_dictionaries(
    {"question_id": IDS, "model_a": st.sampled_from(["a", " a", "b"])},
    optional={
        "model_b": st.sampled_from(["a", "b", "c ", None, 3]),
        "winner": st.sampled_from(["model_a", "model_b", "tie", "tie (bothbad)", "Tie", "x"]),
        "tstamp": st.sampled_from([1.7e9, 1_700_000_001, 1.7e12, None, "2024-01-01"]),
        "anony": st.sampled_from([True, False, None, "yes"]),
        "language": st.sampled_from(["English", "en", "Klingon", None, 5]),
        "judge": st.sampled_from(["u1", " u2 ", "", None]),
        "turn": st.sampled_from([1, 2, -1, None, 2.0]),
        "conversation_a": st.sampled_from(
            [
                None,
                [],
                [{"role": "user", "content": "hi"}],
                [{"content": "x"}],
                "text",
                # checked over the flattened turns: a null turn, role or content
                [{"role": "user", "content": "hi"}, None],
                [{"role": None, "content": "hi"}],
                [{"role": "assistant", "content": None}, {"role": "user", "content": "x"}],
            ]
        ),
        "conversation_b": st.sampled_from([None, [{"role": "user", "content": "hi"}], [None]]),
        "conv_metadata": st.sampled_from(
            [None, {"header_count_a": {"total": 2}}, {"sum_assistant_a_tokens": 1.5}]
        ),
        "is_code": st.sampled_from([True, False, None]),
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=12), st.booleans())
def test_property_fast_path_equals_exact_path(records: list[dict[str, Any]], text: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_rows(Path(tmp) / "fuzz.jsonl", list(records))
        assert_same(*load_both(path, with_text=text))


# --- writer ---------------------------------------------------------------------------------


def test_writer_chunks_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    battles = load_battles([DATA / "hp100k.jsonl", DATA / "hp140k.jsonl"]).battles
    whole = tmp_path / "whole.jsonl"
    write_fastchat_jsonl(battles, whole)
    monkeypatch.setattr(writer_module, "WRITE_CHUNK_ROWS", 1)
    pieces = tmp_path / "pieces.jsonl"
    assert write_fastchat_jsonl(battles, pieces) == 4
    assert pieces.read_bytes() == whole.read_bytes()
    assert whole.read_bytes().count(b"\n") == 4


def test_writer_round_trip_is_a_fixed_point(tmp_path: Path) -> None:
    """write → load → write gives the same bytes (gzip content included)."""
    battles = load_battles(DATA / "fastchat.jsonl").battles
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    write_fastchat_jsonl(battles, first)
    reloaded = load_battles(first).battles
    pd.testing.assert_frame_equal(
        reloaded.frame.drop(columns=["source_file"]), battles.frame.drop(columns=["source_file"])
    )
    write_fastchat_jsonl(reloaded, second)
    assert gzip.decompress(first.read_bytes()) == gzip.decompress(second.read_bytes())


def test_writer_record_layout(tmp_path: Path) -> None:
    battles = load_battles(DATA / "hp100k.jsonl").battles
    path = tmp_path / "out.jsonl"
    write_fastchat_jsonl(battles, path)
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert list(record)[:9] == [
        "question_id",
        "model_a",
        "model_b",
        "winner",
        "judge",
        "anony",
        "language",
        "turn",
        "tstamp",
    ]
    assert list(record)[-2:] == ["conv_metadata", "category_tag"]
    assert set(record["conv_metadata"]["header_count_a"]) == {"total"}


CLEAN = st.fixed_dictionaries(
    {
        "model_a": st.sampled_from(["gpt-4", " gpt-4", "llama-3"]),
        "model_b": st.sampled_from(["claude-2", "qwen "]),
        "winner": st.sampled_from(["model_a", "model_b", "tie", "tie (bothbad)"]),
        "turn": st.one_of(st.none(), st.integers(-3, 40_000)),
    },
    optional={
        "tstamp": st.one_of(st.none(), st.floats(1e9, 4e9), st.integers(10**9, 4 * 10**9)),
        "anony": st.sampled_from([True, False, None]),
        "language": st.sampled_from(["English", "en", "zh-Hant", "Klingon", "unknown", None]),
        "judge": st.sampled_from(["u1", " u2 ", "", "anonymous"]),
        "conv_metadata": st.sampled_from(
            [
                None,
                {"header_count_a": {"h1": 2, "h2": 1}, "sum_assistant_b_tokens": 7},
                {"sum_assistant_a_tokens": 1.5, "bold_count_b": {"total": 2.0}},
            ]
        ),
        "is_code": st.sampled_from([True, False, None]),
        "extra_field": st.integers(0, 5),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CLEAN, min_size=1, max_size=12), st.booleans())
def test_property_clean_blocks_are_fast_and_exact(
    records: list[dict[str, Any]], text: bool
) -> None:
    # The first row has every field: a field that is null on *every* row makes the fast path
    # step aside (present-but-null and absent cannot be told apart cheaply).
    first = row(question_id="first", is_code=False, conv_metadata={"sum_assistant_a_tokens": 3})
    rows = [first, *({"question_id": f"q{i}", **r} for i, r in enumerate(records))]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_rows(Path(tmp) / "clean.jsonl", rows)
        assert list(kinds(path, with_text=text)) == [True]
        fast, exact = load_both(path, with_text=text)
        assert_same(fast, exact)
        assert fast.rows_loaded == len(rows)
