"""Prompt and turn count of a parsed block come from Arrow's turns, as the per-row path reads them.

Specification: for a JSON Lines block pyarrow parsed, the column-wise path takes each battle's
``prompt`` (the first user turn's text) and, without a ``turn`` field, its ``turns`` (the number of
user turns, missing for a missing or empty conversation) from the flattened turns at once, and
builds the ``prompt`` column from Arrow's strings. The loaded table equals the exact per-line path's
for every conversation shape — several user turns, none, an assistant first, a null content (the
empty text), empty and missing conversations, non-ASCII text — and blocks with a row to quarantine.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_columnar import row

import auditkit.io.jsonl as jsonl_module
from auditkit.io import load_battles
from auditkit.io.ids import VoteIdIndex
from auditkit.io.jsonl import read_jsonl
from auditkit.io.loader import LoadResult


def battle(i: int, **fields: Any) -> dict[str, Any]:
    """A clean FastChat row without ``turn``: its turns come from ``conversation_a``."""
    base = row(i, **fields)
    del base["turn"]
    return base


def both_paths(path: Path) -> tuple[LoadResult, LoadResult]:
    fast = load_battles(path, with_text=True)
    original = jsonl_module._FAST
    jsonl_module._FAST = False
    try:
        exact = load_battles(path, with_text=True)
    finally:
        jsonl_module._FAST = original
    return fast, exact


def assert_same_tables(rows: list[dict[str, Any]], *, fast_blocks: bool) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
        parsed = [raw.columns for raw in read_jsonl(path, is_gzip=False, with_text=True)]
        if fast_blocks:
            assert all(hasattr(columns, "fast_chunk") for columns in parsed)
            seen = VoteIdIndex()
            raw = next(iter(read_jsonl(path, is_gzip=False, with_text=True)))
            assert raw.columns.failing_rows(seen, lines=raw.lines, stem="b").sum() == 0  # type: ignore[attr-defined]
        fast, exact = both_paths(path)
    pd.testing.assert_frame_equal(fast.battles.frame, exact.battles.frame)
    assert fast.quarantine == exact.quarantine
    return fast.battles.frame


USER = {"role": "user", "content": "Who are you?"}
ASSISTANT = {"role": "assistant", "content": "A model."}
SHAPES: list[Any] = [
    [USER, ASSISTANT],
    [USER, ASSISTANT, {"role": "user", "content": "And?"}, ASSISTANT],
    [ASSISTANT, {"role": "user", "content": "second"}],
    [ASSISTANT],
    [{"role": "user", "content": None}, ASSISTANT],
    [{"role": "system", "content": "be brief"}, {"role": "user", "content": "Привет 你好 🙂"}],
    [],
    None,
]


def test_every_conversation_shape_gives_the_exact_prompt_and_turns() -> None:
    rows = [
        battle(i, conversation_a=shape, conversation_b=[ASSISTANT])
        for i, shape in enumerate(SHAPES)
    ]
    frame = assert_same_tables(rows, fast_blocks=True)
    prompts = [None if pd.isna(p) else p for p in frame["prompt"].tolist()]
    assert prompts[:6] == ["Who are you?", "Who are you?", "second", None, "", "Привет 你好 🙂"]
    assert frame["turns"].tolist()[:6] == [1, 2, 1, 0, 1, 1]
    assert frame["turns"].isna().tolist()[6:] == [True, True]


def test_a_block_without_any_prompt_gives_the_exact_column() -> None:
    rows = [battle(i, conversation_a=[ASSISTANT], conversation_b=[ASSISTANT]) for i in range(4)]
    frame = assert_same_tables(rows, fast_blocks=True)
    assert frame["prompt"].isna().all()


def test_rows_sent_to_the_exact_path_keep_their_prompts_in_line_order() -> None:
    rows = [battle(i, conversation_a=SHAPES[i % len(SHAPES)]) for i in range(12)]
    rows[3]["model_b"] = rows[3]["model_a"]  # a self battle: quarantined by the exact path
    rows[7]["conversation_a"] = [{"role": None, "content": "x"}]  # an unreadable conversation
    assert_same_tables(rows, fast_blocks=False)


TURN = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["user", "assistant", "system"]),
        "content": st.one_of(st.none(), st.sampled_from(["", "hi", "¿qué?", "代码 x=1", " "])),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.lists(TURN, max_size=5)), min_size=1, max_size=15))
def test_any_conversations_give_the_exact_table(shapes: list[Any]) -> None:
    rows = [battle(i, conversation_a=shape, conversation_b=shape) for i, shape in enumerate(shapes)]
    rows.insert(0, battle(99, conversation_a=[USER], conversation_b=[ASSISTANT]))
    assert_same_tables(rows, fast_blocks=True)
