"""identity_leak on the labelled development set (tests/data/identity/, see its README.md).

Asserts auditkit's precision and recall (≥ 0.95) and prints them beside FastChat's word-list rule
measured on the same items. Run with ``-s`` to see the table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.identity.evaluate import evaluate_labelled, fastchat_flags
from auditkit.rules import RulePack

DEVSET_DIR = Path(__file__).resolve().parent / "data" / "identity"
FILES = ("real.jsonl", "handwritten.jsonl")


def load_devset() -> list[dict]:
    items: list[dict] = []
    for name in FILES:
        with open(DEVSET_DIR / name, encoding="utf-8") as fh:
            items.extend(json.loads(line) for line in fh if line.strip())
    return items


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return load_devset()


@pytest.fixture(scope="module")
def table(items: list[dict], default_rules: RulePack) -> pd.DataFrame:
    frame = evaluate_labelled(items, default_rules)
    print("\n" + frame.to_string(index=False))
    return frame


def _row(table: pd.DataFrame, method: str, subset: str) -> pd.Series:
    return table[(table["method"] == method) & (table["subset"] == subset)].iloc[0]


def test_devset_is_well_formed(items: list[dict]) -> None:
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids))
    assert {it["label"] for it in items} == {0, 1}
    assert {it["split"] for it in items} == {"dev", "heldout", "fresh", "fresh2"}
    hand_langs = {it["lang"] for it in items if it["source"] == "handwritten"}
    assert {"en", "zh", "ja", "ko", "ru", "es", "fr", "de", "it", "pt"} <= hand_langs
    real_pos = [it for it in items if it["source"] != "handwritten" and it["label"] == 1]
    assert len(real_pos) == 15
    joke = [it for it in items if it["source_id"] == "958d9749d925405a"]
    assert [it["label"] for it in joke] == [0]  # the o3-mini stand-up joke is a hard negative


@pytest.mark.parametrize("subset", ["all", "dev", "heldout", "fresh", "fresh2"])
def test_auditkit_precision_and_recall(table: pd.DataFrame, subset: str) -> None:
    row = _row(table, "auditkit", subset)
    assert row["precision"] >= 0.95, row.to_dict()
    assert row["recall"] >= 0.95, row.to_dict()


def test_auditkit_beats_the_fastchat_word_list(table: pd.DataFrame) -> None:
    ours, theirs = _row(table, "auditkit", "all"), _row(table, "fastchat_words", "all")
    assert ours["precision"] > theirs["precision"]
    assert ours["recall"] >= theirs["recall"]


def test_fastchat_rule_misses_non_english_and_flags_mentions() -> None:
    cases = [
        {"prompt": "你是谁", "response": "我是通义千问。"},  # a leak FastChat cannot see
        {"prompt": "Maps?", "response": "Google Maps works offline."},  # a mention it drops
    ]
    assert fastchat_flags(cases) == [False, True]
