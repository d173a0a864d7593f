"""``prompt_groups`` and the summary's per-model counts give what the plain pandas forms give.

The grouping sorts by (key, tstamp, vote id) with numbers, comparing vote ids only between copies
of the same time; the per-model counts read the categorical codes. These tests hold both to the
pandas operations they replace, on tables built to hit every tie and gap: same time in one
group, missing timestamps, ids that sort differently as strings than as written, unused models.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.detectors.dedup import DedupConfig, _model_counts, prompt_groups
from auditkit.prompts import (
    PROMPT_EXACT,
    PROMPT_NEAR,
    PROMPT_NEAR_LEN,
    PROMPT_PREVIEW,
    fingerprints_of,
)
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

PROMPTS = ["hi", "Hi!", "hello", "HELLO", "", "what is 2+2", "what is 3+3", "x"]


def _table(seed: int, n: int) -> BattleTable:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        rows.append(
            {
                # ids whose string order is not their written order (v10 < v9 as strings)
                "vote_id": f"v{int(rng.integers(0, 10 * n))}-{i}",
                "model_a": f"m{int(rng.integers(0, 4))}",
                "model_b": f"n{int(rng.integers(0, 3))}",
                "winner": "model_a",
                # few distinct times, so many copies share one; some missing
                "tstamp": float(rng.integers(0, 4)) if rng.random() > 0.1 else None,
                "prompt": PROMPTS[int(rng.integers(0, len(PROMPTS)))]
                if rng.random() > 0.15
                else None,
            }
        )
    return BattleTable.from_records(rows)


def _pandas_groups(frame: pd.DataFrame, cfg: DedupConfig) -> pd.DataFrame:
    """The plain pandas form: select, sort by the three columns, number within each key."""
    prints = fingerprints_of(frame)
    assert prints is not None
    has = prints[PROMPT_EXACT].notna().to_numpy(dtype=bool)
    sub = frame.loc[has, ["vote_id", "tstamp", "model_a", "model_b"]].copy()
    prints = prints.loc[has]
    exact = prints[PROMPT_EXACT].to_numpy(dtype=np.int64)
    short = prints[PROMPT_NEAR_LEN].to_numpy(dtype=np.int64) < cfg.min_prompt_chars
    key = np.where(short, exact, prints[PROMPT_NEAR].to_numpy(dtype=np.int64))
    sub["key"] = key if cfg.near_duplicates else exact
    sub["exact"] = exact
    sub["preview"] = prints[PROMPT_PREVIEW].to_numpy(dtype=object)
    sub["_t"] = sub["tstamp"].fillna(np.inf)
    sub = sub.sort_values(["key", "_t", "vote_id"], kind="stable")
    sub["rank"] = sub.groupby("key", sort=False).cumcount()
    sub["group_size"] = sub.groupby("key", sort=False)["vote_id"].transform("size")
    return sub.drop(columns="_t")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("near", [True, False])
def test_groups_are_the_pandas_sort_and_numbering(
    default_rules: RulePack, seed: int, near: bool
) -> None:
    cfg = DedupConfig.from_rules(default_rules)
    cfg = dataclasses.replace(cfg, near_duplicates=near)
    frame = _table(seed, 300).frame
    pd.testing.assert_frame_equal(
        prompt_groups(frame, cfg), _pandas_groups(frame, cfg), check_exact=True
    )


def test_groups_of_a_table_without_prompts_are_empty_like_pandas(default_rules: RulePack) -> None:
    cfg = DedupConfig.from_rules(default_rules)
    table = _table(5, 20).frame.assign(prompt=None)
    got, want = prompt_groups(table, cfg), _pandas_groups(table, cfg)
    assert got.empty and want.empty
    assert list(got.columns) == list(want.columns)


def test_model_counts_are_pandas_value_counts_by_name() -> None:
    categories = ["b", "a", "unused", "c"]
    a = pd.Series(pd.Categorical(["a", "b", "a", "c"], categories=categories))
    b = pd.Series(pd.Categorical(["c", "c", "b", "a"], categories=categories))
    want = pd.concat([a, b]).astype(str).value_counts()
    got = _model_counts(a, b)
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert "unused" not in got.index and got.dtype == want.dtype
    # A missing model, or sides with different categories: the pandas form itself.
    missing = pd.Series(pd.Categorical(["a", None, "a", "c"], categories=categories))
    want = pd.concat([missing, b]).astype(str).value_counts()
    assert _model_counts(missing, b).to_dict() == want.to_dict()
    plain = pd.Series(["a", "b"])
    assert _model_counts(plain, plain).to_dict() == {"a": 2, "b": 2}
