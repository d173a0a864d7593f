"""Bad input loses nothing: each planted defect is quarantined with its reason, line and raw text."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from auditkit.errors import InputError
from auditkit.io import QuarantineRecord, load_battles
from auditkit.io.loader import classify_voters, iter_chunks
from auditkit.schema import BattleTable, QuarantineReason, VoterStatus

R = QuarantineReason
GOOD = {"model_a": "a", "model_b": "b", "winner": "model_a", "tstamp": 1700000000.0}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(**changes: object) -> str:
    record: dict[str, object] = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...})


# (planted line, expected first reason, expected field)
PLANTED: list[tuple[str, QuarantineReason, str | None]] = [
    ('{"model_a": "a", ', R.INVALID_JSON, None),
    ("[1, 2, 3]", R.NOT_AN_OBJECT, None),
    (row(model_b=...), R.MISSING_MODEL, "model_b"),
    (row(model_a=7), R.BAD_FIELD, "model_a"),
    (row(winner=...), R.MISSING_WINNER, "winner"),
    (row(winner="model_c"), R.UNKNOWN_WINNER, "winner"),
    (row(model_b="a"), R.SELF_BATTLE, "model_b"),
    (row(tstamp="yesterday"), R.BAD_TIMESTAMP, "tstamp"),
    (row(tstamp=1700000000000.0), R.BAD_TIMESTAMP, "tstamp"),  # milliseconds
    (row(conversation_a="hello"), R.BAD_CONVERSATION, "conversation_a"),
    (row(conversation_a=[{"role": "user", "content": 5}]), R.BAD_CONVERSATION, "conversation_a"),
    (row(anony="maybe"), R.BAD_FIELD, "anony"),
]


@pytest.mark.parametrize(("line", "reason", "field"), PLANTED)
def test_each_planted_defect_is_quarantined(
    tmp_path: Path, line: str, reason: QuarantineReason, field: str | None
) -> None:
    path = write_lines(tmp_path / "b.jsonl", [row(), line, row(model_a="c")])
    result = load_battles(path)
    assert (result.rows_read, result.rows_loaded) == (3, 2)
    [record] = result.quarantine
    assert (record.file, record.line, record.reason, record.field) == (str(path), 2, reason, field)
    assert record.raw == line
    assert result.quarantine_counts == {reason.value: 1}
    assert result.battles.frame["source_line"].tolist() == [1, 3]


def test_all_reasons_of_a_row_are_recorded_first_one_decides(tmp_path: Path) -> None:
    bad = row(model_b="a", winner="nobody", tstamp="never")
    result = load_battles(write_lines(tmp_path / "b.jsonl", [bad]))
    [record] = result.quarantine
    assert record.reason is R.UNKNOWN_WINNER
    assert record.reasons == (R.UNKNOWN_WINNER, R.SELF_BATTLE, R.BAD_TIMESTAMP)
    assert "nobody" in record.detail and "never" in record.detail


def test_duplicate_ids_second_and_later_copies_within_and_across_files(tmp_path: Path) -> None:
    first = write_lines(
        tmp_path / "one.jsonl",
        [row(question_id="x"), row(question_id="x"), row(question_id="y"), row(question_id="x")],
    )
    second = write_lines(tmp_path / "two.jsonl", [row(question_id="y"), row(question_id="z")])
    result = load_battles([first, second])
    assert result.battles.frame["vote_id"].tolist() == ["x", "y", "z"]
    assert [(Path(r.file).name, r.line) for r in result.quarantine] == [
        ("one.jsonl", 2),
        ("one.jsonl", 4),
        ("two.jsonl", 1),
    ]
    assert result.quarantine_counts == {"duplicate_vote_id": 3}
    assert "line 1" in result.quarantine[0].detail


def test_bad_first_copy_does_not_block_a_good_second_copy(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "b.jsonl", [row(question_id="x", winner="?"), row(question_id="x")]
    )
    result = load_battles(path)
    assert result.battles.frame["source_line"].tolist() == [2]
    assert result.quarantine_counts == {"unknown_winner": 1}


def test_generated_ids_use_file_stem_and_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "votes.jsonl", [row(), "", row()])
    result = load_battles(path)
    assert result.battles.frame["vote_id"].tolist() == ["votes:1", "votes:3"]
    assert result.rows_read == 2  # a blank line is not a row


def test_csv_row_with_extra_fields_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("model_a,model_b,winner\na,b,model_a\na,b,tie,extra\nb,a,model_b\n")
    result = load_battles(path)
    assert result.rows_loaded == 2
    [record] = result.quarantine
    assert (record.line, record.reason, record.raw) == (3, R.CSV_MALFORMED, "a,b,tie,extra")


def test_quarantine_file_is_json_lines_with_all_fields(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "b.jsonl", [row(), "not json", row(model_b="a")])
    out = tmp_path / "q" / "quarantine.jsonl"
    load_battles(path, quarantine_path=out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["line"], r["reason"], r["reasons"]) for r in records] == [
        (2, "invalid_json", ["invalid_json"]),
        (3, "self_battle", ["self_battle"]),
    ]
    assert set(records[0]) == {"file", "line", "reason", "reasons", "field", "detail", "raw"}
    assert QuarantineRecord.__dataclass_fields__.keys() == set(records[0])


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "file not found"),
        (b"\x1f\x8b\x08\x00garbage-not-deflate", "corrupt gzip"),
        (b"PAR1 this is not really parquet", "unreadable Parquet"),
        (b"hello world\nthis is prose\n", "not a battle format"),
        (b"[1, 2,", "invalid JSON array"),
        (b'{"question_id": "q", "model": "gpt-4", "answer": "hi"}\n', "not a battle log"),
    ],
)
def test_unreadable_file_raises_input_error_naming_it(
    tmp_path: Path, content: bytes | None, why: str
) -> None:
    path = tmp_path / "input.data"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_battles(path)
    assert str(path) in str(info.value) and why in str(info.value)


def test_truncated_gzip_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl.gz"
    blob = gzip.compress(("\n".join([row()] * 2000) + "\n").encode())
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match=r"b\.jsonl\.gz"):
        load_battles(path)


def frame_with_voters(voters: Sequence[object]) -> BattleTable:
    return BattleTable.from_records(
        [{"model_a": "a", "model_b": "b", "winner": "tie", "voter": v} for v in voters]
    )


def test_one_id_on_nearly_every_row_is_a_placeholder() -> None:
    table = frame_with_voters(["arena_user_::1"] * 19 + ["arena_user_10.0.0.1"])
    _, status, note, _ = classify_voters(table.frame, "judge")
    assert status is VoterStatus.PLACEHOLDER and "19 of 20" in note


def test_a_busy_shared_address_is_not_a_placeholder() -> None:
    # An IP behind which several honest people vote covers many rows but not nearly all.
    table = frame_with_voters(["10.0.0.1"] * 17 + ["a", "b", "c"])
    assert classify_voters(table.frame, "judge")[1] is VoterStatus.USABLE
    # Below 20 rows the share rule does not apply.
    assert classify_voters(frame_with_voters(["x"] * 19).frame, "judge")[1] is VoterStatus.USABLE


def test_placeholder_values_are_blanked_and_counted() -> None:
    table = frame_with_voters(["alice", "Anonymous", "arena_user_", "bob", "-"])
    frame, status, _, blanked = classify_voters(table.frame, "judge")
    assert (status, blanked) == (VoterStatus.USABLE, 3)
    assert frame["voter"].isna().tolist() == [False, True, True, False, True]
    only_placeholders = frame_with_voters(["unknown", "anonymous"])
    assert classify_voters(only_placeholders.frame, "judge")[1] is VoterStatus.PLACEHOLDER
    assert classify_voters(table.frame, None)[1] is VoterStatus.MISSING


def test_jsonl_opening_with_an_array_line_is_still_json_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "b.jsonl", ["[1, 2]", row(), row(model_a="c")])
    result = load_battles(path)
    assert (result.rows_loaded, result.quarantine_counts) == (2, {"not_an_object": 1})


def test_load_result_summary_reconciles_counts(tmp_path: Path) -> None:
    result = load_battles(write_lines(tmp_path / "b.jsonl", [row(), "{", row(model_b="a")]))
    assert result.summary() == (
        "3 rows read, 1 loaded, 2 quarantined (invalid_json 1, self_battle 1)"
    )


def test_chunked_reading_keeps_lines_and_duplicates_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.io import jsonl
    from auditkit.io.loader import iter_chunks

    monkeypatch.setattr(jsonl, "BLOCK_ROWS", 2)
    lines = [row(question_id=q) for q in ["a", "b", "c", "a", "d"]] + ["", "oops"]
    path = write_lines(tmp_path / "b.jsonl", lines)
    chunks = list(iter_chunks(path))
    assert [c.rows_read for c in chunks] == [2, 2, 1, 1]  # blocks of 2 lines; line 6 is blank
    whole = load_battles(path)
    assert whole.battles.frame["source_line"].tolist() == [1, 2, 3, 5]
    assert [(r.line, r.reason.value) for r in whole.quarantine] == [
        (4, "duplicate_vote_id"),
        (7, "invalid_json"),
    ]


def test_rows_without_battle_fields_after_battle_rows_are_quarantined_not_the_end_of_the_file(
    tmp_path: Path,
) -> None:
    good = [
        {"question_id": f"q{i}", "model_a": "a", "model_b": "b", "winner": "model_a"}
        for i in range(6)
    ]
    lines = [json.dumps(r) for r in good[:3]]
    lines += [json.dumps({"note": "not a battle"})] * 3
    lines += [json.dumps(r) for r in good[3:]]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    chunks = list(iter_chunks(path, block_rows=3))
    loaded = sum(len(c.frame) for c in chunks if c.frame is not None)
    reasons = [r.reason for c in chunks for r in c.quarantine]
    assert loaded == 6
    assert reasons == ["missing_model"] * 3
    assert [r.line for c in chunks for r in c.quarantine] == [4, 5, 6]
