"""Each source schema loads to the canonical battle table with the exact values its fixture holds."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from auditkit.io import load_battles, write_fastchat_jsonl
from auditkit.schema import CORE_COLUMNS, VoterStatus

DATA = Path(__file__).resolve().parent / "data" / "io"


def rows(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["fastchat_array.json", "fastchat.jsonl", "fastchat.jsonl.gz"])
def test_fastchat_containers_load_identically(name: str) -> None:
    result = load_battles(DATA / name)
    frame = result.battles.frame
    assert (result.rows_read, result.rows_loaded, result.quarantine) == (3, 3, [])
    assert [c for c, _ in CORE_COLUMNS] == list(frame.columns[: len(CORE_COLUMNS)])
    assert frame["vote_id"].tolist() == ["q1", "q2", "q3"]
    assert frame["winner"].astype(str).tolist() == ["model_a", "tie_bothbad", "tie"]
    first, second = "arena_user_203.0.113.7", "arena_user_198.51.100.2"
    assert frame["voter"].tolist() == [first, second, first]
    assert result.battles.voter_field == "judge"
    assert result.battles.voter_status is VoterStatus.USABLE
    # Language names → ISO 639-1; "unknown" is missing, not a language.
    assert frame["language"].tolist()[:2] == ["en", "zh"]
    assert pd.isna(frame["language"].iloc[2])
    assert frame["anony"].tolist() == [True, False, True]
    assert frame["turns"].tolist() == [1, 2, 1]
    assert frame["tstamp"].tolist() == [1700000000.5, 1700000100.0, 1700000200.0]
    assert frame["prompt"].tolist() == ["Hi", "你好", "<b>x</b>"]
    assert frame["conversation_a"].iloc[1][2] == {"role": "user", "content": "再见"}
    assert frame["source_line"].tolist() == [1, 2, 3]


def test_hp55k_csv_one_hot_winner_and_json_encoded_turns() -> None:
    result = load_battles(DATA / "hp55k.csv")
    frame = result.battles.frame
    assert result.rows_loaded == 3
    assert frame["vote_id"].tolist() == ["30192", "53567", "65089"]
    assert frame["winner"].astype(str).tolist() == ["model_a", "model_b", "tie"]
    assert frame["turns"].tolist() == [1, 2, 1]
    # A null response entry becomes an empty turn, turns stay paired user/assistant.
    assert frame["conversation_a"].iloc[1] == [
        {"role": "user", "content": "What is the difference"},
        {"role": "assistant", "content": "A"},
        {"role": "user", "content": "And then?"},
        {"role": "assistant", "content": ""},
    ]
    assert result.battles.voter_status is VoterStatus.MISSING
    assert frame["tstamp"].isna().all()
    assert frame["source_line"].tolist() == [2, 3, 4]  # line 1 is the header
    assert result.formats[str(DATA / "hp55k.csv")] == "arena_human_preference_55k (csv)"


def test_hp100k_style_tags_dedup_and_hashed_judge() -> None:
    result = load_battles(DATA / "hp100k.jsonl")
    frame = result.battles.frame
    assert result.battles.voter_field == "judge_hash"
    assert frame["voter"].tolist() == ["5f1c", "9e0a"]
    first = frame.iloc[0]
    # headers = h1..h6 summed, lists = ordered + unordered, bold = ** + __
    assert (first["style_a_tokens"], first["style_a_headers"]) == (120.0, 3.0)
    assert (first["style_a_lists"], first["style_a_bold"]) == (7.0, 6.0)
    assert (first["style_b_headers"], first["style_b_lists"], first["style_b_bold"]) == (1, 2, 0)
    assert frame["dedup_tag"].tolist() == ["high_freq_sampled", "unique"]
    assert frame["is_code"].tolist() == [False, True]
    assert frame["tag.criteria_v0.1.creativity"].tolist() == [True, False]
    assert frame["tag.math_v0.1.math"].tolist() == [False, False]
    # "Python" is not a natural language: missing, and reported.
    assert pd.isna(frame["language"].iloc[1])
    assert result.battles.extra["languages_unmapped"] == {"Python": 1}


def test_hp140k_typed_parts_iso_time_and_both_bad() -> None:
    result = load_battles(DATA / "hp140k.jsonl")
    frame = result.battles.frame
    assert frame["vote_id"].tolist() == [
        "911cb365-6a3c-4990-8b54-fbae7d97c87c",
        "ddeabe6e-288d-4453-b814-4b32be382826",
    ]
    assert frame["winner"].astype(str).tolist() == ["tie_bothbad", "model_a"]
    assert result.battles.voter_field == "evaluation_session_id"
    # 2025-07-14T08:30:00Z and 10:30+02:00 are the same instant.
    assert frame["tstamp"].tolist() == [1752481800.0, 1752481800.0]
    assert frame["language"].tolist() == ["fr", "en"]
    # Typed parts → text; image parts contribute no text.
    assert frame["conversation_a"].iloc[1][0]["content"] == "What is in this image?"
    assert frame["conversation_b"].iloc[0][1]["content"] == "Bonjour, je suis Gemini."
    assert frame["tag.if_v0.1.score"].tolist() == [4, 1]
    assert frame["tag.creative_writing_v0.1.score"].tolist() == ["no", "yes"]
    assert "arena_human_preference_140k" in result.battles.source_formats[0]


def test_conversations_33k_moderation_flags_become_tags() -> None:
    frame = load_battles(DATA / "conversations33k.jsonl").battles.frame
    assert frame["tag.openai_moderation.flagged"].tolist() == [False, True]
    assert frame["tag.toxic_chat_tag.roberta-large.flagged"].tolist() == [False, True]
    assert frame["voter"].tolist() == ["arena_user_973", "arena_user_973"]


def test_copilot_accepted_index_and_missing_index_quarantined() -> None:
    result = load_battles(DATA / "copilot.csv")
    frame = result.battles.frame
    assert frame["winner"].astype(str).tolist() == ["model_a", "model_b"]
    assert result.quarantine_counts == {"missing_winner": 1}
    record = result.quarantine[0]
    # Records 1 and 2 hold newlines (lines 2-4 and 5-6): the line is where record 3 starts.
    assert (record.line, record.field) == (7, "acceptedIndex")
    assert record.raw.startswith("x = ,,codestral-2405")
    assert frame["conversation_a"].iloc[0][1]["content"] == "    return a + b"


@pytest.mark.parametrize("name", ["hp100k.jsonl", "hp140k.jsonl", "conversations33k.jsonl"])
def test_parquet_matches_jsonl(tmp_path: Path, name: str) -> None:
    path = tmp_path / name.replace(".jsonl", ".parquet")
    pq.write_table(pa.Table.from_pylist(rows(name)), path)
    from_parquet = load_battles(path).battles.frame
    from_jsonl = load_battles(DATA / name).battles.frame
    drop = ["source_file"]
    pd.testing.assert_frame_equal(
        from_parquet.drop(columns=drop)[sorted(from_jsonl.columns.drop(drop))],
        from_jsonl.drop(columns=drop)[sorted(from_jsonl.columns.drop(drop))],
        check_dtype=False,
    )


def test_with_text_false_skips_conversation_columns() -> None:
    frame = load_battles(DATA / "hp100k.jsonl", with_text=False).battles.frame
    assert "conversation_a" not in frame.columns and "prompt" not in frame.columns
    assert frame["turns"].tolist() == [1, 1]
    assert frame["style_a_tokens"].tolist() == [120.0, 120.0]
    hp55k = load_battles(DATA / "hp55k.csv", with_text=False).battles.frame
    assert hp55k["turns"].tolist() == [1, 2, 1]


def test_forced_format_overrides_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "battles.txt"
    path.write_bytes((DATA / "fastchat.jsonl").read_bytes())
    assert load_battles(path, fmt="jsonl").rows_loaded == 3


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_fastchat_writer_round_trip(tmp_path: Path, suffix: str) -> None:
    original = load_battles([DATA / "hp100k.jsonl", DATA / "hp140k.jsonl"]).battles
    path = tmp_path / f"out{suffix}"
    assert write_fastchat_jsonl(original, path) == 4
    raw = (
        gzip.decompress(path.read_bytes()).decode() if suffix.endswith(".gz") else path.read_text()
    )
    first = json.loads(raw.splitlines()[1])
    assert first["winner"] == "tie (bothbad)"  # FastChat's spelling
    again = load_battles(path).battles.frame
    before = original.frame
    for column in ["vote_id", "model_a", "model_b", "winner", "voter", "language", "turns"]:
        assert again[column].astype(object).tolist() == before[column].astype(object).tolist()
    assert again["tstamp"].tolist() == before["tstamp"].tolist()
    assert again["conversation_b"].tolist() == before["conversation_b"].tolist()
    assert again["style_a_bold"].tolist() == before["style_a_bold"].tolist()
    assert again["tag.if_v0.1.score"].astype(object).tolist()[2:] == [4, 1]


def test_writer_writes_missing_time_as_null(tmp_path: Path) -> None:
    battles = load_battles(DATA / "hp55k.csv").battles
    path = tmp_path / "out.jsonl"
    write_fastchat_jsonl(battles, path)
    record = json.loads(path.read_text().splitlines()[0])
    assert record["tstamp"] is None and record["judge"] is None
    assert math.isnan(load_battles(path).battles.frame["tstamp"].iloc[0])


@pytest.mark.parametrize("container", ["jsonl", "parquet"])
def test_hp55k_other_containers_match_csv(tmp_path: Path, container: str) -> None:
    # The Kaggle CSV's columns re-saved as JSON Lines / Parquet (one-hot winners as integers).
    table = pd.read_csv(DATA / "hp55k.csv", dtype={"id": str})
    path = tmp_path / f"hp55k.{container}"
    if container == "jsonl":
        table.to_json(path, orient="records", lines=True)
    else:
        table.to_parquet(path)
    frame = load_battles(path).battles.frame
    expected = load_battles(DATA / "hp55k.csv").battles.frame
    for column in ["vote_id", "winner", "turns", "conversation_a", "prompt"]:
        assert frame[column].astype(object).tolist() == expected[column].astype(object).tolist()
