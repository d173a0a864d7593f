"""Streaming ingestion: bounded chunks in, the loader's table (minus text) and the detector's scan out.

Specification: for the same files, ``stream_battles`` returns exactly what ``load_battles`` returns
with the conversation columns removed and ``prompt`` replaced by its fingerprints (frame, dtypes,
quarantine, voter status, formats), and an
identity result equal to ``IdentityLeakDetector.detect`` on the fully loaded table; no chunk is
larger than ``chunk_rows``; the kept table never holds conversation text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.engine import ProcessEngine
from auditkit.errors import InputError
from auditkit.io import load_battles
from auditkit.prompts import FINGERPRINT_COLUMNS, fingerprint_prompt_column
from auditkit.rules import RulePack
from auditkit.schema import QuarantineReason
from auditkit.simulate import IdentityLeak, preset_config, simulate_arena
from auditkit.streaming import TableAccumulator, iter_battle_chunks, stream_battles

TEXT = ["conversation_a", "conversation_b"]


@pytest.fixture(scope="module")
def arena_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 simulated battles with text, plus planted bad rows at known lines."""
    config = preset_config(
        "clean",
        n_battles=2_000,
        text_fraction=0.5,
        attacks=(IdentityLeak(model="qwen2-72b-instruct", rate=0.5),),
    )
    arena = simulate_arena(config, seed=5)
    folder = tmp_path_factory.mktemp("stream")
    path = folder / "battles.jsonl"
    arena.write(path, folder / "truth.json")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines.insert(10, "{not json")  # line 11: invalid_json
    lines.insert(1500, json.dumps(first))  # line 1501: a repeat of line 1's vote id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_without_text(frame: pd.DataFrame) -> pd.DataFrame:
    return fingerprint_prompt_column(frame.drop(columns=[c for c in TEXT if c in frame.columns]))


@pytest.mark.parametrize("chunk_rows", [7, 333, 100_000])
def test_stream_equals_loader_and_detector(
    arena_file: Path, default_rules: RulePack, chunk_rows: int
) -> None:
    loaded = load_battles(arena_file)
    streamed = stream_battles(arena_file, rules=default_rules, chunk_rows=chunk_rows)

    pd.testing.assert_frame_equal(
        streamed.battles.frame, expected_without_text(loaded.battles.frame)
    )
    assert not streamed.battles.has_text and "prompt" not in streamed.battles.frame.columns
    assert streamed.load.quarantine == loaded.quarantine
    assert streamed.load.quarantine_counts == {"duplicate_vote_id": 1, "invalid_json": 1}
    assert (streamed.load.rows_read, streamed.load.rows_loaded) == (2_002, 2_000)
    assert streamed.load.formats == loaded.formats
    assert streamed.battles.voter_status == loaded.battles.voter_status
    assert streamed.battles.voter_note == loaded.battles.voter_note
    assert streamed.battles.extra == loaded.battles.extra
    assert streamed.text_rows == int(loaded.battles.frame["conversation_a"].notna().sum())

    reference = IdentityLeakDetector().detect(loaded.battles, default_rules)
    assert streamed.identity is not None
    assert len(reference.findings) > 20
    assert streamed.identity.to_json() == reference.to_json()


def test_chunks_are_bounded_and_carry_text(arena_file: Path) -> None:
    stream = iter_battle_chunks(arena_file, chunk_rows=128)
    chunks = list(stream)
    sizes = [len(c) for c in chunks]
    assert max(sizes) == 128 and sum(sizes) == 2_000
    assert all(set(TEXT) <= set(c.frame.columns) for c in chunks)
    reasons = [r.reason for c in chunks for r in c.quarantine]
    assert reasons == [QuarantineReason.INVALID_JSON, QuarantineReason.DUPLICATE_VOTE_ID]
    assert stream.rows_read == 2_002
    assert stream.formats == {str(arena_file): "fastchat_clean_battle (jsonl)"}
    with pytest.raises(RuntimeError, match="only once"):
        list(stream)


def test_readers_read_blocks_of_chunk_rows(arena_file: Path) -> None:
    # The bound is on what is read at once, not only on what is handed on: no block of the
    # file is larger than chunk_rows lines (2,002 lines → 15 blocks of 128 and one of 82).
    chunks = list(iter_battle_chunks(arena_file, chunk_rows=128))
    blocks = [c.rows_read for c in chunks if c.rows_read]
    assert max(blocks) == 128 and sum(blocks) == 2_002 and len(blocks) == 16


def test_without_text_or_prompt(arena_file: Path, default_rules: RulePack) -> None:
    no_prompt = stream_battles(arena_file, rules=default_rules, keep_prompt=False)
    fingerprints = {name for name, _ in FINGERPRINT_COLUMNS}
    assert not ({"prompt"} | fingerprints) & set(no_prompt.battles.frame.columns)
    no_text = stream_battles(arena_file, rules=default_rules, with_text=False)
    assert no_text.identity is None and no_text.engine == "none"
    loaded = load_battles(arena_file, with_text=False)
    pd.testing.assert_frame_equal(no_text.battles.frame, loaded.battles.frame)


def test_duplicates_across_files_and_quarantine_file(
    arena_file: Path, default_rules: RulePack, tmp_path: Path
) -> None:
    second = tmp_path / "again.jsonl"
    second.write_text(arena_file.read_text(encoding="utf-8").splitlines()[0] + "\n")
    out = tmp_path / "quarantine.jsonl"
    streamed = stream_battles([arena_file, second], rules=default_rules, quarantine_path=out)
    loaded = load_battles([arena_file, second])
    pd.testing.assert_frame_equal(
        streamed.battles.frame, expected_without_text(loaded.battles.frame)
    )
    assert streamed.load.quarantine_counts == {"duplicate_vote_id": 2, "invalid_json": 1}
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_process_engine_stream_equals_local(arena_file: Path, default_rules: RulePack) -> None:
    local = stream_battles(arena_file, rules=default_rules, chunk_rows=250)
    with ProcessEngine(workers=2) as engine:
        pooled = stream_battles(arena_file, rules=default_rules, chunk_rows=250, engine=engine)
    assert pooled.engine == "processes" and pooled.chunks == local.chunks
    assert pooled.identity is not None and local.identity is not None
    assert pooled.identity.to_json() == local.identity.to_json()


def test_accumulator_keeps_loader_dtypes_with_differing_columns() -> None:
    acc = TableAccumulator()
    base = {"vote_id": ["a"], "model_a": ["x"], "model_b": ["y"], "winner": ["tie"]}
    acc.add(pd.DataFrame({**base, "tag.math": [True], "conversation_a": [[{"role": "user"}]]}))
    acc.add(pd.DataFrame({**base, "vote_id": ["b"], "prompt": ["hi"]}))
    frame = acc.build()
    assert list(frame.columns[:4]) == ["vote_id", "model_a", "model_b", "winner"]
    assert "conversation_a" not in frame.columns
    assert frame["tag.math"].tolist()[0] is True and frame["tag.math"].isna().tolist() == [
        False,
        True,
    ]
    assert str(frame["winner"].dtype) == "category" and frame["vote_id"].tolist() == ["a", "b"]


def test_missing_or_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        stream_battles(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="chunk_rows"):
        iter_battle_chunks(tmp_path / "nope.jsonl", chunk_rows=0)
    answers = tmp_path / "answers.jsonl"
    answers.write_text('{"question_id": "q1", "answer": "hi"}\n')
    with pytest.raises(InputError, match="not a battle log"):
        stream_battles(answers)


@pytest.mark.parametrize(
    "name", ["arena_hp140k_votes_meta.jsonl.gz", "genai_arena_clean_battle_20240220.jsonl.gz"]
)
def test_real_logs_stream_like_the_loader(real_data_dir: Path, name: str) -> None:
    # 135,634 real LMArena votes with category tags; GenAI-Arena's placeholder voter ids.
    path = real_data_dir / name
    streamed = stream_battles(path, chunk_rows=20_000)
    loaded = load_battles(path)
    pd.testing.assert_frame_equal(
        streamed.battles.frame, expected_without_text(loaded.battles.frame)
    )
    assert streamed.battles.voter_status == loaded.battles.voter_status
    assert streamed.load.quarantine == loaded.quarantine


def test_chunk_rows_follow_the_input_s_line_width(tmp_path: Path) -> None:
    """Short text-free lines are read in larger chunks; lines holding conversations, compressed
    files, Parquet and unreadable paths keep the default rows."""
    import gzip

    from auditkit.streaming import (
        CHUNK_BYTES,
        DEFAULT_CHUNK_ROWS,
        MAX_CHUNK_ROWS,
        chunk_rows_for,
    )

    short = tmp_path / "short.jsonl"
    short.write_bytes(b'{"model_a": "a", "model_b": "b", "winner": "model_a"}\n' * 5000)
    assert chunk_rows_for(short) == MAX_CHUNK_ROWS
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes((b'{"conversation_a": "' + b"x" * 4000 + b'"}\n') * 300)
    assert chunk_rows_for(wide) == DEFAULT_CHUNK_ROWS
    # In between: about CHUNK_BYTES of lines.
    middle_width = CHUNK_BYTES // 30_000
    middle = tmp_path / "middle.jsonl"
    middle.write_bytes((b"y" * (middle_width - 1) + b"\n") * 2000)
    assert chunk_rows_for(middle) == CHUNK_BYTES // middle_width
    # Several files: the widest lines decide.
    assert chunk_rows_for([short, wide]) == DEFAULT_CHUNK_ROWS
    packed = tmp_path / "short.jsonl.gz"
    packed.write_bytes(gzip.compress(short.read_bytes()))
    one_line = tmp_path / "array.json"
    one_line.write_bytes(b'[{"model_a": "a"}]')
    for path in (packed, one_line, tmp_path / "missing.jsonl", str(short) + ".absent"):
        assert chunk_rows_for(path) == DEFAULT_CHUNK_ROWS


def test_the_default_chunk_size_does_not_change_the_streamed_load(
    arena_file: Path, default_rules: RulePack
) -> None:
    from auditkit.streaming import DEFAULT_CHUNK_ROWS, MAX_CHUNK_ROWS

    runs = [
        stream_battles(arena_file, rules=default_rules, chunk_rows=rows)
        for rows in (DEFAULT_CHUNK_ROWS // 40, MAX_CHUNK_ROWS)
    ]
    pd.testing.assert_frame_equal(runs[0].load.battles.frame, runs[1].load.battles.frame)
    assert [r.to_json() for r in runs[0].results.values()] == [
        r.to_json() for r in runs[1].results.values()
    ]
