"""Online Elo parity with FastChat's ``compute_elo`` (K=4, scale 400, base 10, init 1000)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.ratings import elo_ratings
from auditkit.schema import BattleTable
from auditkit.stats.elo import online_elo


def test_first_battle_between_equal_models_moves_each_by_half_k() -> None:
    # Both at 1000 → expected score 0.5; a win moves A up by K * 0.5 = 2 and B down by 2.
    r = online_elo(np.array([0]), np.array([1]), np.array([1.0]), 2)
    np.testing.assert_allclose(r, [1002.0, 998.0])


def test_hand_computed_three_battles() -> None:
    # 1) A beats B: 1002 / 998.  2) tie B-A: E_B = 1/(1+10^(4/400)); B += 4 (0.5 - E_B), A likewise.
    r = online_elo(np.array([0, 1, 0]), np.array([1, 0, 2]), np.array([1.0, 0.5, 0.0]), 3)
    e_b = 1 / (1 + 10 ** ((1002 - 998) / 400))
    a2, b2 = 1002 + 4 * (0.5 - (1 - e_b)), 998 + 4 * (0.5 - e_b)
    e_a = 1 / (1 + 10 ** ((1000 - a2) / 400))
    expected = [a2 + 4 * (0.0 - e_a), b2, 1000 + 4 * (1.0 - (1 - e_a))]
    np.testing.assert_allclose(r, expected, rtol=0, atol=1e-12)


def test_zero_sum_and_order_dependence() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    keep = a != b
    a, b = a[keep], b[keep]
    s = rng.choice([0.0, 0.5, 1.0], size=len(a))
    r = online_elo(a, b, s, 4)
    assert r.sum() == pytest.approx(4000.0)  # each update is zero-sum
    assert not np.allclose(r, online_elo(a[::-1], b[::-1], s[::-1], 4))


def test_elo_ratings_on_a_table_counts_anonymous_battles_only() -> None:
    rows: list[dict[str, Any]] = [
        {"model_a": "x", "model_b": "y", "winner": "model_a"},
        {"model_a": "x", "model_b": "y", "winner": "model_b", "anony": False},
    ]
    series = elo_ratings(BattleTable.from_records(rows))
    assert series.to_dict() == {"x": 1002.0, "y": 998.0}
    assert elo_ratings(BattleTable.from_records(rows), anonymous_only=False)["x"] < 1002.0


@pytest.mark.real_data
def test_parity_with_fastchat_compute_elo_on_genai_arena(real_data_dir: Path) -> None:
    """FastChat's own numbers (fschat 0.2.36), see the fixture header for how they were produced."""
    from auditkit.io import load_battles

    fixture = Path(__file__).resolve().parent / "data" / "ratings" / "fastchat_genai_arena.csv"
    reference = pd.read_csv(fixture, comment="#").set_index("model")["online_elo"]
    battles = load_battles(real_data_dir / "genai_arena_clean_battle_20240220.jsonl.gz").battles
    ours = elo_ratings(battles)  # file order, anonymous only, like FastChat's call
    assert set(ours.index) == set(reference.index)
    np.testing.assert_allclose(ours[reference.index].to_numpy(), reference.to_numpy(), atol=1e-6)
