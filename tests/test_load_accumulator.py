"""One load accumulator: the in-memory, streamed and partitioned loads keep the same load state.

Specification: the three load paths — ``load_battles`` (whole table, with text), ``stream_battles``
reading chunks in this process, and ``stream_battles`` on an engine whose workers read their own
partitions — hand their chunks to one :class:`~auditkit.io.accumulate.LoadAccumulator`. So on the
same file they report the same rows read and loaded, the same quarantine records and counts, the
same formats, voter field and status, and the same text-free rows; and a mostly rejected input
stops every one of them with the same one-line error, after writing the quarantine examples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import auditkit.io.quarantine as quarantine_module
from auditkit.engine.base import LocalEngine
from auditkit.errors import InputError
from auditkit.io import load_battles
from auditkit.io.accumulate import LoadAccumulator
from auditkit.io.chunks import CanonicalChunk
from auditkit.rules import RulePack
from auditkit.streaming import StreamedLoad, stream_battles

MODELS = ("alpha", "beta", "gamma", "delta")


class PartitionReadingEngine(LocalEngine):
    """This process, handed byte ranges of about 2 KiB as a cluster's workers are."""

    name = "local-partitions"
    reads_partitions = True
    partition_bytes: int | None = 2_048


def battle(i: int, **changes: Any) -> str:
    row = {
        "question_id": f"q{i}",
        "model_a": MODELS[i % 4],
        "model_b": MODELS[(i + 1 + i // 4) % 4 if (i + 1 + i // 4) % 4 != i % 4 else (i + 2) % 4],
        "winner": ("model_a", "model_b", "tie", "tie (bothbad)")[i % 4],
        "judge": f"voter{i % 11}",
        "anony": True,
        "tstamp": 1.7e9 + 60 * i,
        "conversation_a": [
            {"role": "user", "content": f"question {i}"},
            {"role": "assistant", "content": f"answer {i} from a"},
        ],
        "conversation_b": [
            {"role": "user", "content": f"question {i}"},
            {"role": "assistant", "content": f"answer {i} from b"},
        ],
    }
    row.update(changes)
    return json.dumps(row)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def loads(path: Path, rules: RulePack, chunk_rows: int) -> dict[str, StreamedLoad]:
    return {
        "streamed": stream_battles(path, rules=rules, chunk_rows=chunk_rows),
        "partitioned": stream_battles(
            path, rules=rules, chunk_rows=chunk_rows, engine=PartitionReadingEngine()
        ),
    }


def test_every_path_keeps_the_same_load_state(tmp_path: Path, default_rules: RulePack) -> None:
    lines = [battle(i) for i in range(120)]
    lines[17] = "{not json"
    lines[64] = battle(64, winner="model_c")  # unknown_winner
    lines[90] = battle(3)  # a repeat of line 4's vote id, in a later partition
    path = write_lines(tmp_path / "battles.jsonl", lines)

    memory = load_battles(path)
    by_path = loads(path, default_rules, chunk_rows=9)
    assert any("partitions" in note for note in by_path["partitioned"].notes)

    assert (memory.rows_read, memory.rows_loaded) == (120, 117)
    assert memory.quarantine_counts == {
        "duplicate_vote_id": 1,
        "invalid_json": 1,
        "unknown_winner": 1,
    }
    kept = [
        c for c in memory.battles.frame.columns if c not in ("conversation_a", "conversation_b")
    ]
    for name, streamed in by_path.items():
        got = streamed.load
        assert (got.rows_read, got.rows_loaded) == (memory.rows_read, memory.rows_loaded), name
        assert got.quarantine == memory.quarantine, name
        assert got.quarantine_counts == memory.quarantine_counts, name
        assert got.formats == memory.formats == {str(path): "fastchat_clean_battle (jsonl)"}
        assert got.battles.voter_field == memory.battles.voter_field == "judge"
        assert got.battles.voter_status == memory.battles.voter_status, name
        assert got.battles.extra == memory.battles.extra, name
        shared = [c for c in kept if c in got.battles.frame.columns and c != "prompt"]
        pd.testing.assert_frame_equal(got.battles.frame[shared], memory.battles.frame[shared])
    pd.testing.assert_frame_equal(
        by_path["partitioned"].battles.frame, by_path["streamed"].battles.frame
    )


def test_a_mostly_rejected_input_stops_every_path_and_leaves_its_quarantine(
    tmp_path: Path, default_rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine_module, "MEANINGLESS_MIN_ROWS", 40)
    lines = [battle(i, winner="nobody") if i % 10 else battle(i) for i in range(100)]
    path = write_lines(tmp_path / "bad.jsonl", lines)

    messages = {}
    for name in ("memory", "streamed", "partitioned"):
        out = tmp_path / f"{name}.quarantine.jsonl"
        with pytest.raises(InputError, match="not a usable battle log") as raised:
            if name == "memory":
                load_battles(path, quarantine_path=out)
            else:
                engine = PartitionReadingEngine() if name == "partitioned" else None
                stream_battles(
                    path, rules=default_rules, chunk_rows=9, engine=engine, quarantine_path=out
                )
        messages[name] = str(raised.value)
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert records and {r["reason"] for r in records} == {"unknown_winner"}, name
    # Both streamed paths read the same blocks of 9 rows, so they stop at the same one.
    assert messages["partitioned"] == messages["streamed"]
    assert "40 of the first 45 rows were quarantined" in messages["streamed"]


def chunk(rows_read: int, voter_field: str | None, label: str) -> CanonicalChunk:
    return CanonicalChunk(rows_read, None, [], voter_field, label, {"xx": 1})


def test_the_accumulator_names_voter_fields_once_in_order_and_keeps_each_files_last_label() -> None:
    load = LoadAccumulator(["a.jsonl", "b.csv"], voter_field_names={"judge": "user_hash"})
    load.add(chunk(3, "judge", "unknown (jsonl)"), "a.jsonl")
    load.add(chunk(2, "judge", "fastchat_clean_battle (jsonl)"), "a.jsonl")
    load.add(chunk(4, "voter_id", "arena_human_preference_55k (csv)"), "b.csv")
    assert load.rows_read == 9
    assert load.voter_fields == ["user_hash", "voter_id"]
    assert load.formats == {
        "a.jsonl": "fastchat_clean_battle (jsonl)",
        "b.csv": "arena_human_preference_55k (csv)",
    }
    result = load.finish()
    assert (result.rows_read, result.rows_loaded) == (9, 0)
    assert result.battles.voter_field == "user_hash,voter_id"
    assert result.battles.source_formats == (
        "fastchat_clean_battle (jsonl)",
        "arena_human_preference_55k (csv)",
    )
    assert result.battles.extra["languages_unmapped"] == {"xx": 3}


def _piece(file: str, ids: list[str], language: list[str | None] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vote_id": pd.array(ids, dtype="string"),
            "language": pd.array(language or [None] * len(ids), dtype="string"),
            "source_file": pd.Categorical([file] * len(ids), categories=[file]),
            "source_line": list(range(1, len(ids) + 1)),
        }
    )


def test_the_table_is_built_as_joining_the_chunks_as_objects_and_casting_would_build_it() -> None:
    from auditkit.io.accumulate import TableAccumulator

    pieces = [
        _piece("b.jsonl", ["b1", "b2"], ["en", None]),
        _piece("b.jsonl", ["b3"]),
        _piece("a.jsonl", ["a1"], ["de"]),
        _piece("c.jsonl", []),  # an empty chunk: its file is no category of the table
    ]
    table = TableAccumulator()
    for piece in pieces:
        table.add(piece)
    built = table.build()
    assert built["vote_id"].tolist() == ["b1", "b2", "b3", "a1"]
    assert str(built["vote_id"].dtype) == "string"
    assert built["language"].isna().tolist() == [False, True, True, False]
    # Files as categories: sorted, only those with rows (as object → category would give).
    assert built["source_file"].cat.categories.tolist() == ["a.jsonl", "b.jsonl"]
    assert built["source_file"].tolist() == ["b.jsonl", "b.jsonl", "b.jsonl", "a.jsonl"]
    assert built["source_line"].tolist() == [1, 2, 1, 1]
