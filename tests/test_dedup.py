"""``prompt_dedup``: planted repeated prompts → exactly the excess copies, deterministically chosen."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from auditkit.detectors.base import get_detector
from auditkit.detectors.dedup import normalise_prompts
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

SPELLINGS = ["Hello world", "hello, WORLD!", "  Hello   world 2 ", "HELLO_WORLD"]


def planted() -> BattleTable:
    """300 unique prompts, one prompt 40 times in 4 spellings, one 30 times (not in the top 0.1 %)."""
    rows: list[dict[str, Any]] = []

    def add(prompt: str, t: float, a: str = "m1", b: str = "m2") -> None:
        rows.append(
            {
                "vote_id": f"v{len(rows):04d}",
                "model_a": a,
                "model_b": b,
                "winner": "model_a",
                "tstamp": t,
                "prompt": prompt,
            }
        )

    for i in range(300):
        add(f"unique question number {chr(97 + i % 26)} {'x' * (i // 26)}", 1000.0 + i)
    for i in range(40):
        # timestamps descend, so the *last* rows written are the earliest copies
        add(SPELLINGS[i % 4], 5000.0 - i, a="spammed", b="m1")
    for i in range(30):
        add("what is the capital of france", 2000.0 + i)
    return BattleTable.from_records(rows)


def test_normalisation_merges_case_space_punctuation_and_digits() -> None:
    keys = normalise_prompts(pd.Series(SPELLINGS)).tolist()
    assert keys == ["hello world"] * 4
    assert normalise_prompts(pd.Series(["Ｈｅｌｌｏ"])).tolist() == ["hello"]  # NFKC full-width


def test_excess_copies_beyond_the_cap_are_the_latest(default_rules: RulePack) -> None:
    battles = planted()
    result = get_detector("prompt_dedup")().detect(battles, default_rules)
    excess = [f for f in result.findings if f.rule == "excess_copy"]
    assert len(excess) == 40 - 25
    # copies are ranked by tstamp: rows v0300.. have tstamps 5000, 4999, …; the 15 latest in time
    # are the first 15 written
    assert sorted(f.vote_id or "" for f in excess) == [f"v{300 + i:04d}" for i in range(15)]
    assert all(f.severity == "low" and f.subject == excess[0].subject for f in excess)
    (group,) = [f for f in result.findings if f.rule == "repeated_prompt"]
    assert group.score == 40 and group.evidence["distinct_spellings"] == 4
    summary = result.summary
    assert summary["capped_groups"] == 1 and summary["excess_votes"] == 15
    assert summary["repeated_votes"] == 70  # the 40 and the 30 copies
    assert summary["by_model"]["spammed"]["excess_share"] == pytest.approx(15 / 40)
    assert summary["by_model"]["m2"]["excess_share"] == 0.0


def test_choice_of_copies_is_deterministic_under_row_order(default_rules: RulePack) -> None:
    battles = planted()
    shuffled = battles.with_frame(battles.frame.sample(frac=1.0, random_state=3))
    detector = get_detector("prompt_dedup")()
    first = detector.detect(battles, default_rules).to_json()
    second = detector.detect(shuffled, default_rules).to_json()
    assert first == second


def test_ties_in_time_break_by_vote_id(default_rules: RulePack) -> None:
    rows = [
        {"vote_id": f"id{i:03d}", "model_a": "a", "model_b": "b", "winner": "tie", "prompt": "hi"}
        for i in reversed(range(27))
    ]
    result = get_detector("prompt_dedup")().detect(BattleTable.from_records(rows), default_rules)
    assert sorted(f.vote_id or "" for f in result.vote_findings) == ["id025", "id026"]


def test_without_prompt_text_there_is_a_note_and_no_findings(default_rules: RulePack) -> None:
    battles = BattleTable.from_records([{"model_a": "a", "model_b": "b", "winner": "tie"}])
    result = get_detector("prompt_dedup")().detect(battles, default_rules)
    assert result.findings == ()
    assert "no prompt text" in result.notes[0]
