"""The count's duplicate-id check made once at the end (``auditkit.io.ids.DeferredIdCheck``): it
flags an id repeated across blocks exactly when the block-by-block index would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from auditkit.describe import describe_battles, describe_files
from auditkit.io.ids import DeferredIdCheck, VoteIdIndex, hash_ids
from auditkit.io.loader import load_battles
from auditkit.io.profile import count_files


def test_deferred_check_finds_ids_repeated_across_blocks_only_at_the_end() -> None:
    check = DeferredIdCheck()
    check.add(["a", "b"], [1, 2])
    assert check.first_lines(["a", "c"]).tolist() == [-1, -1]  # nothing known before the end
    check.add(["c"], [3])
    assert not check.repeats()
    check.add(["b"], [4])
    assert check.repeats()
    assert len(check) == 4


def test_deferred_check_agrees_with_the_index_on_random_id_streams() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        blocks = [
            [f"q{v}" for v in rng.integers(0, 400, size=rng.integers(1, 30))] for _ in range(4)
        ]
        blocks = [list(dict.fromkeys(block)) for block in blocks]  # distinct inside a block
        index, check = VoteIdIndex(), DeferredIdCheck()
        seen_before = False
        for block in blocks:
            hashed = hash_ids(block)
            seen_before |= bool((index.first_lines(hashed) >= 0).any())
            index.add(hashed, np.arange(len(block)))
            check.add(hashed, np.arange(len(block)))
        assert check.repeats() == seen_before


def test_an_id_repeated_in_a_second_file_is_not_counted_but_loaded(tmp_path: Path) -> None:
    """describe then takes the load, which quarantines the second copy: the same description."""
    rows = [
        {"question_id": f"q{i}", "model_a": "a", "model_b": "b", "winner": "model_a", "anony": True}
        for i in range(5)
    ]
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows))
    second.write_text("".join(json.dumps(r) + "\n" for r in rows[3:]))
    assert count_files([first]) is not None
    assert count_files([first, second]) is None
    described = describe_files([first, second], with_text=False)
    assert described.rows_quarantined == 2
    assert described == describe_battles(load_battles([first, second], with_text=False))
