"""Votes-to-flip, compare and the self-test on the 135,634 real votes of arena-human-preference-140k.

The check is independent of auditkit's fit: a plain Bradley-Terry MLE written here (scipy L-BFGS on
the per-vote log-likelihood, ties as half wins) refits the log with the reported votes removed,
flipped or added and must find the pair's order reversed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import expit

from auditkit.compare import compare
from auditkit.fragility import FragilityResult, added_votes_to_rank, fragility, vote_cells
from auditkit.io import load_battles
from auditkit.rules import RulePack
from auditkit.schema import BattleTable
from auditkit.selftest import selftest

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def hp140k(real_data_dir: Path) -> BattleTable:
    return load_battles(real_data_dir / "arena_hp140k_votes_meta.jsonl.gz", with_text=False).battles


@pytest.fixture(scope="module")
def table(hp140k: BattleTable, tmp_path_factory: pytest.TempPathFactory) -> FragilityResult:
    return fragility(hp140k, top=10).write(tmp_path_factory.mktemp("fragility"))


def _plain_bt(frame: pd.DataFrame, models: list[str]) -> dict[str, float]:
    """Independent BT MLE over the given models' votes: scipy on per-vote terms (no cells)."""
    index = {m: k for k, m in enumerate(models)}
    keep = frame["model_a"].isin(index) & frame["model_b"].isin(index)
    keep &= frame["model_a"] != frame["model_b"]
    f = frame[keep]
    a = f["model_a"].map(index).to_numpy(dtype=np.int64)
    b = f["model_b"].map(index).to_numpy(dtype=np.int64)
    w = f["winner"].astype(str)
    y = np.where(w == "model_a", 1.0, np.where(w == "model_b", 0.0, 0.5))
    n = len(models)

    def nll(x: np.ndarray) -> tuple[float, np.ndarray]:
        d = x[a] - x[b]
        ll = y * d - np.logaddexp(0.0, d)
        r = y - expit(d)
        g = np.bincount(a, r, n) - np.bincount(b, r, n)
        pen = x.sum()  # pins the free shift
        return -float(ll.sum()) + 0.5 * pen**2, -g + pen

    res = minimize(nll, np.zeros(n), jac=True, method="L-BFGS-B", options={"gtol": 1e-10})
    return dict(zip(models, res.x, strict=True))


def test_top_ten_table_has_verified_counts(table: FragilityResult) -> None:
    assert len(table.pairs) == 9 and table.top_spot is not None
    for pair in table.pairs:
        assert pair.verified and pair.rating_gap > 0
        assert pair.drop.count and pair.flip.count and pair.add.count
        assert pair.flip.count <= pair.drop.count  # a flip removes a win and adds a loss
        assert pair.drop.one_less_checked


def test_reported_votes_reverse_the_order_on_an_independent_refit(
    hp140k: BattleTable, table: FragilityResult
) -> None:
    frame = hp140k.frame
    models = list(vote_cells(hp140k).models)
    base = _plain_bt(frame, models)
    for pair in (table.pairs[0], table.pairs[1]):
        assert base[pair.higher] > base[pair.lower]
        votes = json.loads(Path(pair.vote_ids_file or "").read_text())
        dropped = set(votes["drop"]["vote_ids"])
        assert len(dropped) == pair.drop.count
        after = _plain_bt(frame[~frame["vote_id"].isin(dropped)], models)
        assert after[pair.higher] < after[pair.lower]
        flips = {v["vote_id"]: v["new_winner"] for v in votes["flip"]["votes"]}
        flipped = frame[["vote_id", "model_a", "model_b", "winner"]].copy()
        flipped["winner"] = flipped["winner"].astype(str)
        hit = flipped["vote_id"].isin(flips)
        flipped.loc[hit, "winner"] = flipped.loc[hit, "vote_id"].map(flips)
        after = _plain_bt(flipped, models)
        assert after[pair.higher] < after[pair.lower]
        added = pd.DataFrame(
            [
                {"model_a": v["model_a"], "model_b": v["model_b"], "winner": v["winner"]}
                for v in votes["add"]["votes"]
                for _ in range(v["count"])
            ]
        )
        after = _plain_bt(pd.concat([frame, added], ignore_index=True), models)
        assert after[pair.higher] < after[pair.lower]
        assert pair.add.count == len(added)


def test_compare_verdict_follows_its_interval(hp140k: BattleTable) -> None:
    result = compare(hp140k, "o3-2025-04-16", "chatgpt-4o-latest-20250326")
    d = result.overall
    assert result.verdict.startswith("statistically tied") == (d.ci_lower < 0 < d.ci_upper)
    assert sum(result.record.values()) > 100
    assert result.style is None and "no" in result.style_note
    assert any(s.scope.startswith("math") for s in result.slices)


def test_selftest_on_the_real_votes_states_what_it_cannot_test(
    hp140k: BattleTable, default_rules: RulePack
) -> None:
    result = selftest(hp140k, default_rules, seed=0, top=3)
    reasons = " ".join(result.cannot_test)
    assert "voter ids" in reasons and "text" in reasons and "timestamps" in reasons
    assert result.recall and not any(r.testable for r in result.recall)
    assert [c.rank for c in result.costs] == [1, 2, 3]
    # The cheapest lift reported is real: an independent refit ranks the model higher.
    cells = vote_cells(hp140k)
    third = result.costs[2]
    lift = added_votes_to_rank(cells, third.model, 1)
    assert lift.count == third.up_one
    added = pd.DataFrame(
        [{"model_a": a, "model_b": b, "winner": w} for a, b, w, k in lift.votes for _ in range(k)]
    )
    after = _plain_bt(pd.concat([hp140k.frame, added], ignore_index=True), list(cells.models))
    assert sorted(after, key=lambda m: -after[m]).index(third.model) + 1 <= 2
