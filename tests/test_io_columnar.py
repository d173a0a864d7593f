"""Column-wise loading (Arrow compute / numpy over whole columns) changes speed, never results.

Oracle: the exact per-value path (fast path switched off) on the same file gives the identical
table, quarantine, counts and notes — for Parquet batches as for JSON Lines blocks, and for blocks
where only some rows fail (those rows alone take the per-value path).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_io_fastpath import assert_same

from auditkit.io import LoadResult, load_battles
from auditkit.io import arrowjsonl as arrow_module
from auditkit.io import jsonl as jsonl_module
from auditkit.io.arrowjsonl import ArrowColumns, _may_strip, _stripped, parse_block
from auditkit.io.ids import VoteIdIndex
from auditkit.io.jsonl import read_jsonl
from auditkit.io.parquet import read_parquet


def row(i: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question_id": f"q{i}",
        "model_a": "gpt-4",
        "model_b": "claude-2",
        "winner": "model_a",
        "judge": f"arena_user_{i % 7}",
        "anony": True,
        "language": "English",
        "turn": 1,
        "tstamp": 1_700_000_000.0 + i,
    }
    base.update(fields)
    return base


def dirty_rows(n: int) -> list[dict[str, Any]]:
    """Clean rows with a planted defect every few rows: each one the exact path quarantines or fixes."""
    rows = [row(i) for i in range(n)]
    rows[3] = row(3, model_b="gpt-4")  # self battle
    rows[5] = row(5, model_a="  ")  # empty after strip
    rows[7] = row(7, model_a="\u3000gpt-4\xa0", judge=" \x1c ")  # Unicode whitespace, blank voter
    rows[9] = row(9, question_id="q2")  # a repeat of a loaded id
    rows[11] = row(11, tstamp=1_700_000_000_000.0)  # milliseconds
    rows[13] = row(13, winner="Tie ")  # the exact path strips and lower-cases
    rows[15] = row(15, winner="draw")  # unknown
    rows[17] = row(17, question_id="q5")  # repeats an id whose first row is quarantined
    rows[19] = row(19, language="Klingon")
    rows[21] = row(21, turn=-1)  # turn counts outside 0..32,767 or absent are missing
    rows[23] = row(23, turn=40_000)
    rows[25] = row(25, turn=None)
    return rows


def load_parquet_both(path: Path, with_text: bool = True) -> tuple[LoadResult, LoadResult]:
    fast = load_battles(path, with_text=with_text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow_module.ArrowColumns, "from_table", classmethod(lambda *a: None))
        exact = load_battles(path, with_text=with_text)
    return fast, exact


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_a_clean_parquet_file_loads_column_wise_with_the_exact_result(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "clean.parquet", [row(i) for i in range(300)])
    blocks = list(read_parquet(path, is_gzip=False, with_text=True, block_rows=100))
    assert all(isinstance(block.columns, ArrowColumns) for block in blocks)
    fast, exact = load_parquet_both(path)
    assert fast.rows_loaded == 300
    assert_same(fast, exact)


def test_a_parquet_file_with_planted_defects_gives_the_exact_quarantine(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "dirty.parquet", dirty_rows(40))
    fast, exact = load_parquet_both(path)
    assert fast.rows_quarantined == 5  # rows 3, 5, 9, 11, 15; row 17 loads (q5 did not)
    assert_same(fast, exact)


def test_parquet_with_conversations_and_a_simulated_arena_match_the_exact_path(
    tmp_path: Path,
) -> None:
    from auditkit.simulate import ArenaConfig, simulate_arena

    jsonl = tmp_path / "arena.jsonl"
    simulate_arena(ArenaConfig(n_battles=600, text_fraction=0.3), seed=3).write(
        jsonl, tmp_path / "truth.json"
    )
    import pyarrow.json as pj

    path = tmp_path / "arena.parquet"
    pq.write_table(pj.read_json(jsonl), path)
    for with_text in (True, False):
        fast, exact = load_parquet_both(path, with_text=with_text)
        assert fast.rows_loaded == 600
        assert_same(fast, exact)


def test_a_parquet_column_of_another_type_takes_the_exact_path(tmp_path: Path) -> None:
    rows = [row(i, tstamp=str(1_700_000_000 + i)) for i in range(20)]  # times as text
    path = write_parquet(tmp_path / "text-times.parquet", rows)
    fast, exact = load_parquet_both(path)
    assert fast.rows_loaded == 20
    assert_same(fast, exact)


def test_jsonl_blocks_with_some_failing_rows_match_the_exact_path(tmp_path: Path) -> None:
    path = tmp_path / "dirty.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in dirty_rows(60)), encoding="utf-8")
    lines = path.read_bytes().splitlines(keepends=True)
    block = ArrowColumns.from_lines(lines, with_text=True)
    assert block is not None and block.column_wise(with_text=True)
    # The planted rows and the first row of each repeated id (q2 on row 2, q5 on row 5).
    failing = np.flatnonzero(
        block.failing_rows(VoteIdIndex(), lines=np.arange(1, 61), stem="dirty")
    )
    assert failing.tolist() == [2, 3, 5, 9, 11, 15, 17]
    fast = load_battles(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "_FAST", False)
        exact = load_battles(path)
    assert fast.rows_quarantined == 5  # rows 3, 5, 9, 11, 15; row 17 loads (q5 did not)
    assert_same(fast, exact)


_TEXT = st.text(
    alphabet=st.sampled_from(list(" \t\n\x0b\x1c\x1f\x85\xa0\u2003\u3000ab-!~é\u00ff")), max_size=6
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _TEXT), max_size=12), st.integers(0, 3))
def test_column_strip_equals_python_strip(values: list[str | None], cut: int) -> None:
    array = pa.chunked_array(
        [pa.array(values[:cut], pa.string()), pa.array(values[cut:], pa.string())]
    )
    assert _stripped(array).to_pylist() == [v.strip() if v is not None else None for v in values]


def test_only_values_that_may_change_are_handed_to_python() -> None:
    array = pa.array(["gpt-4", " x", "y ", "", None, "é", "ok"])
    assert _may_strip(array).tolist() == [False, True, True, True, False, True, False]


def conversation(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}, {"role": "assistant", "content": text + "!"}]


@pytest.mark.parametrize("with_text", [True, False])
def test_a_block_with_text_and_failing_rows_matches_the_exact_path(
    tmp_path: Path, with_text: bool
) -> None:
    rows = [row(i) for i in range(30)]
    for i in (1, 4, 8):
        rows[i]["conversation_a"] = conversation(f"q{i}")
        rows[i]["conversation_b"] = conversation(f"r{i}")
    rows[6] = row(6, conversation_a=[{"role": "user", "content": 5}], conversation_b=[])
    rows[8]["model_b"] = "gpt-4"  # the only other text row is quarantined
    rows[12] = row(12, question_id="q1")
    path = tmp_path / "text.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fast = load_battles(path, with_text=with_text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "_FAST", False)
        exact = load_battles(path, with_text=with_text)
    assert fast.rows_quarantined == (3 if with_text else 2)
    assert_same(fast, exact)


def test_a_line_longer_than_a_parse_block_still_loads_column_wise(tmp_path: Path) -> None:
    rows = [row(i) for i in range(20)]
    text = "word " * 300_000  # 1.5 MB: longer than pyarrow's 1 MiB parse block
    rows[10]["conversation_a"] = [{"role": "user", "content": text}]
    rows[10]["conversation_b"] = [{"role": "user", "content": text}]
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    block = next(iter(read_jsonl(path, is_gzip=False, with_text=True)))
    assert isinstance(block.columns, ArrowColumns)
    fast = load_battles(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "_FAST", False)
        exact = load_battles(path)
    assert fast.battles.frame["conversation_a"].iloc[10][0]["content"] == text
    assert_same(fast, exact)


@pytest.mark.parametrize(
    "extra",
    [b'"x": NaN', b'"x": [1.5, -Infinity]', b'"x": {"y": {"z": NaN}}', b'"x": [{"y": Infinity}]'],
)
def test_a_bare_non_finite_number_anywhere_keeps_the_block_off_the_fast_path(extra: bytes) -> None:
    good = json.dumps(row(1)).encode()
    assert parse_block(good, 1) is not None
    assert parse_block(good[:-1] + b", " + extra + b"}", 1) is None
    assert parse_block(good[:-1] + b', "note": "a,NaN"}', 1) is not None  # text, not a number
