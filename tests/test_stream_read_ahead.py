"""The streamed load normalises the next chunk on a second thread while the current one is scanned.

Specification: a :class:`~auditkit.streaming.BattleChunkStream` with ``read_ahead`` yields exactly
the chunks of one without it — the same frames (Arrow conversation columns included), quarantine
records, read counts and labels, in the same order, over several files, at any chunk size; an
error met while reading is raised by the same step of the iteration; a chunk whose columns hold
more than :data:`~auditkit.io.readahead.READ_AHEAD_BYTES` is not read past while in use.
Also: the parser's non-finite check answers from the type alone when a column can hold no float,
and still finds a bare NaN nested at any depth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import auditkit.streaming as streaming
from auditkit.errors import NotABattleLogError
from auditkit.io.arrowjsonl import _holds_floats, _non_finite
from auditkit.io.chunks import CanonicalChunk
from auditkit.rules import RulePack
from auditkit.simulate import IdentityLeak, preset_config, simulate_arena
from auditkit.streaming import BattleChunk, BattleChunkStream, stream_battles


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two simulated logs with text (the second repeats some ids of the first) and bad rows."""
    folder = tmp_path_factory.mktemp("readahead")
    paths = []
    for seed in (3, 4):
        config = preset_config(
            "clean",
            n_battles=900,
            text_fraction=0.4,
            attacks=(IdentityLeak(model="qwen2-72b-instruct", rate=0.5),),
        )
        path = folder / f"battles-{seed}.jsonl"
        simulate_arena(config, seed=seed).write(path, folder / f"truth-{seed}.json")
        paths.append(path)
    # Without the simulator's category tag (a field the Arrow reader leaves to the exact path),
    # so the conversations travel as Arrow; the second file's ids made distinct from the first's.
    first: list[str] = []
    second: list[str] = []
    for lines, path, prefix in ((first, paths[0], ""), (second, paths[1], "second-")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record.pop("category_tag", None)
            record["question_id"] = prefix + record["question_id"]
            lines.append(json.dumps(record))
    paths[0].write_text("\n".join(first) + "\n", encoding="utf-8")
    second.insert(5, "{broken")
    second.insert(300, first[7])  # a vote id the first file loaded
    paths[1].write_text("\n".join(second) + "\n", encoding="utf-8")
    return paths


def chunks_of(paths: list[Path], chunk_rows: int, read_ahead: bool) -> list[BattleChunk]:
    stream = BattleChunkStream(paths, chunk_rows=chunk_rows, arrow_text=True, read_ahead=read_ahead)
    return list(stream)


@pytest.mark.parametrize("chunk_rows", [37, 700, 5_000])
def test_read_ahead_yields_the_same_chunks(files: list[Path], chunk_rows: int) -> None:
    plain = chunks_of(files, chunk_rows, read_ahead=False)
    ahead = chunks_of(files, chunk_rows, read_ahead=True)
    assert len(plain) == len(ahead) > 1
    for one, other in zip(plain, ahead, strict=True):
        assert (one.index, one.file, one.rows_read, one.normalised) == (
            other.index,
            other.file,
            other.rows_read,
            other.normalised,
        )
        assert one.quarantine == other.quarantine
        pd.testing.assert_frame_equal(one.frame, other.frame)
    reasons = sorted(str(r.reason) for c in ahead for r in c.quarantine)
    assert reasons == ["duplicate_vote_id", "invalid_json"]
    assert any(isinstance(c.frame["conversation_a"].dtype, pd.ArrowDtype) for c in ahead)


def test_the_streamed_load_is_the_same_with_and_without_read_ahead(
    files: list[Path], default_rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = stream_battles(files, rules=default_rules, chunk_rows=128)
    monkeypatch.setattr(streaming, "READ_AHEAD", False)
    plain = stream_battles(files, rules=default_rules, chunk_rows=128)
    pd.testing.assert_frame_equal(ahead.battles.frame, plain.battles.frame)
    assert ahead.load.quarantine == plain.load.quarantine
    assert ahead.identity is not None and plain.identity is not None
    assert len(ahead.identity.findings) > 5
    assert ahead.identity.to_json() == plain.identity.to_json()


def test_an_error_while_reading_ahead_is_raised_where_it_was_met(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"  # no model_a / model_b: not a battle log
    answers.write_text(json.dumps({"question_id": "q1", "answer": "x"}) + "\n", encoding="utf-8")
    for read_ahead in (False, True):
        with pytest.raises(NotABattleLogError):
            list(BattleChunkStream([answers], arrow_text=True, read_ahead=read_ahead))


def test_a_large_chunk_is_not_read_past_while_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({"x": np.zeros(1_000, dtype=np.float64)})  # 8,000 bytes of columns
    chunk = CanonicalChunk(
        rows_read=1_000, frame=frame, quarantine=[], voter_field=None, source_format=""
    )
    assert streaming._small_chunk(chunk)
    monkeypatch.setattr(streaming, "READ_AHEAD_BYTES", 7_999)
    assert not streaming._small_chunk(chunk)
    empty = CanonicalChunk(
        rows_read=3, frame=None, quarantine=[], voter_field=None, source_format=""
    )
    assert streaming._small_chunk(empty)


CONVERSATION = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))


def test_non_finite_is_answered_from_the_type_when_no_float_fits() -> None:
    assert not _holds_floats(CONVERSATION)
    assert _holds_floats(pa.struct([("a", pa.struct([("b", pa.list_(pa.float32()))]))]))
    turns = pa.array([[{"role": "user", "content": "NaN"}], None], type=CONVERSATION)
    assert not _non_finite(pa.chunked_array([turns, turns]))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([{"a": {"b": [1.0, float("nan")]}}, None], True),
        ([{"a": {"b": [1.0, 2.0]}}, {"a": None}], False),
        ([{"a": {"b": [float("-inf")]}}], True),
        ([None, {"a": {"b": None}}], False),
    ],
)
def test_non_finite_finds_a_nested_nan_in_any_block(values: list[object], expected: bool) -> None:
    kind = pa.struct([("a", pa.struct([("b", pa.list_(pa.float64()))]))])
    clean = pa.array([{"a": {"b": [0.5]}}], type=kind)
    column = pa.chunked_array([clean, pa.array(values, type=kind), clean])
    assert _non_finite(column) is expected
    assert _non_finite(pa.array([[v] for v in values], type=pa.list_(kind))) is expected
