"""Ratings on real public data against published numbers, arena-rank and choix.

Provenance of the reference numbers:
- GenAI-Arena leaderboard 2024-02-20 (``genai_arena_leaderboard_20240220.csv``, published by their
  FastChat-derived code: sklearn ``LogisticRegression`` default C=1 on duplicated battles).
- ``tests/data/ratings/arena_rank_hp140k.csv``: LMArena ``arena-rank`` 0.1.1, produced by
  ``bench/peers/arena_rank_reference.py`` (header of the file says how and when).
- choix 0.3.x ``ilsr_pairwise_dense`` on the aggregated win matrix, computed here.
"""

from __future__ import annotations

import math
from pathlib import Path

import choix
import numpy as np
import pandas as pd
import pytest

from auditkit.io import load_battles
from auditkit.ratings import RatingOptions, fit_ratings, l2_from_sklearn_c
from auditkit.schema import BattleTable, outcome_for_a

pytestmark = pytest.mark.real_data

FIXTURES = Path(__file__).resolve().parent / "data" / "ratings"
# arena-rank's L-BFGS stops (ftol 1e-9 on a mean loss) before this 2-battle model moves off its
# start value: 1000.3 where the exact MLE is 1016.5. Compared separately below.
THIN = "qwen3-coder-480b-a35b-instruct"


@pytest.fixture(scope="module")
def hp140k(real_data_dir: Path) -> BattleTable:
    result = load_battles(real_data_dir / "arena_hp140k_votes_meta.jsonl.gz", with_text=False)
    assert result.rows_loaded == 135_624  # 135,634 minus 10 self-battles
    assert result.quarantine_counts == {"self_battle": 10}
    return result.battles


@pytest.fixture(scope="module")
def arena_rank_reference() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "arena_rank_hp140k.csv", comment="#").set_index("model")


def test_genai_arena_published_anony_column_within_3_points(real_data_dir: Path) -> None:
    battles = load_battles(real_data_dir / "genai_arena_clean_battle_20240220.jsonl.gz").battles
    board = pd.read_csv(real_data_dir / "genai_arena_leaderboard_20240220.csv")
    published: pd.Series = board.set_index("key")["Arena Elo rating (anony)"]
    options = RatingOptions(
        ci="none", l2=l2_from_sklearn_c(1.0), anchor=None, disconnected="per_component"
    )
    result = fit_ratings(battles, options)
    # Generation and editing models never met: two components, each rated on its own.
    assert [len(c) for c in result.components] == [6, 7]
    ours: pd.Series = result.to_frame().set_index("model")["rating"]
    diff = (ours - published.reindex(ours.index)).abs()
    assert diff.max() < 3.0  # measured 2.21 (editing component), 0.06 (generation component)
    # The residual is sklearn's early stop, not a convention gap: FastChat's own function with
    # LogisticRegression(tol=1e-10) gives our numbers to 0.001 (checked in bench/.venv-peers);
    # with the default tol=1e-4 it reproduces the published column exactly (fixture below).
    fastchat = pd.read_csv(FIXTURES / "fastchat_genai_arena.csv", comment="#").set_index("model")
    np.testing.assert_allclose(
        fastchat.loc[ours.index, "bt_mle_sklearn_c1"], published.loc[ours.index], atol=1e-5
    )
    assert list(ours.sort_values(ascending=False).index) == list(
        published.sort_values(ascending=False).index
    )
    # The default refuses to put the two components on one scale.
    default = fit_ratings(battles, RatingOptions(ci="none"))
    assert len(default.unratable) == 7


def test_point_ratings_match_arena_rank(
    hp140k: BattleTable, arena_rank_reference: pd.DataFrame
) -> None:
    # min_battles=0: the references rate every model, the 2-battle one included.
    opts = RatingOptions(ci="none", anchor=None, min_battles=0)
    ours = fit_ratings(hp140k, opts).to_frame().set_index("model")
    ref = arena_rank_reference
    assert set(ours.index) == set(ref.index)
    common = ref.index[ref.index != THIN]
    # Both are centred on 1000; align on the well-converged models (anchor alignment).
    shift = float((ours.loc[common, "rating"] - ref.loc[common, "rating"]).mean())
    diff = (ours.loc[common, "rating"] - shift - ref.loc[common, "rating"]).abs()
    assert diff.max() < 0.5  # measured 0.066
    assert abs(shift) < 0.5  # measured 0.31 (the thin model's 16 points spread over 52 others)
    assert ours.loc[THIN, "rating"] == pytest.approx(1016.48, abs=0.05)


def test_point_ratings_match_choix(hp140k: BattleTable) -> None:
    # min_battles=0: the references rate every model, the 2-battle one included.
    opts = RatingOptions(ci="none", anchor=None, min_battles=0)
    ours = fit_ratings(hp140k, opts).to_frame().set_index("model")
    frame = hp140k.frame
    models = sorted(ours.index)
    index = {m: i for i, m in enumerate(models)}
    a = frame["model_a"].map(index).to_numpy()
    b = frame["model_b"].map(index).to_numpy()
    score = outcome_for_a(frame["winner"].astype(str))
    wins = np.zeros((len(models), len(models)))
    np.add.at(wins, (a, b), score)
    np.add.at(wins, (b, a), 1 - score)
    theta = choix.ilsr_pairwise_dense(wins, alpha=0.0, tol=1e-12, max_iter=10_000)
    ref = 1000 + 400 / math.log(10) * (theta - theta.mean())
    np.testing.assert_allclose(ours.loc[models, "rating"].to_numpy(float), ref, atol=1e-4)


def test_sandwich_intervals_match_arena_rank(
    hp140k: BattleTable, arena_rank_reference: pd.DataFrame
) -> None:
    ref = arena_rank_reference
    common = ref.index[ref.index != THIN]
    for hessian_reg, tolerance in ((1e-5, 0.1), (0.0, 0.5)):
        opts = RatingOptions(anchor=None, hessian_reg=hessian_reg, min_battles=0)
        ours = fit_ratings(hp140k, opts).to_frame().set_index("model")
        shift = float((ours.loc[common, "rating"] - ref.loc[common, "rating"]).mean())
        for col, ref_col in (("ci_lower", "sandwich_lower"), ("ci_upper", "sandwich_upper")):
            diff = (ours.loc[common, col] - shift - ref.loc[common, ref_col]).abs()
            # measured: 0.066 with arena-rank's Hessian ridge, 0.47 with the exact inverse
            assert diff.max() < tolerance, (hessian_reg, col)


def test_bootstrap_intervals_agree_with_arena_rank_within_monte_carlo_error(
    hp140k: BattleTable, arena_rank_reference: pd.DataFrame
) -> None:
    ref = arena_rank_reference
    common = ref.index[ref.index != THIN]
    opts = RatingOptions(ci="bootstrap", n_bootstrap=100, random_state=0, anchor=None)
    ours = fit_ratings(hp140k, opts).to_frame().set_index("model").loc[common]
    ref = ref.loc[common]
    half = (ref["bootstrap_upper"] - ref["bootstrap_lower"]) / 2
    # A 2.5% percentile of 100 rounds has a Monte-Carlo SD of roughly 25% of the half-width.
    for col, ref_col in (("ci_lower", "bootstrap_lower"), ("ci_upper", "bootstrap_upper")):
        rel = (ours[col] - ref[ref_col]).abs() / half
        assert float(rel.median()) < 0.3
        assert float(rel.max()) < 1.5
    width = (ours["ci_upper"] - ours["ci_lower"]) / (2 * half)
    assert 0.85 < float(width.median()) < 1.15


def test_category_slice_of_real_votes(hp140k: BattleTable) -> None:
    from auditkit.ratings import fit_ratings_by

    sliced = fit_ratings_by(hp140k, "tag.math_v0.1.math", RatingOptions(min_battles=50))
    assert list(sliced.results) == ["False", "True"]
    frame = hp140k.frame
    for value, result in sliced.results.items():
        rows = frame[frame["tag.math_v0.1.math"].astype(str) == value]
        rated = set(result.to_frame().query("rateable")["model"])
        inside = rows["model_a"].isin(rated) & rows["model_b"].isin(rated)
        assert result.n_battles == int(inside.sum())
        # Every model under 50 battles in the slice is reported with the reason, never rated.
        counts = pd.concat([rows["model_a"], rows["model_b"]]).value_counts()
        # (a categorical model column counts every model, those not in the slice as 0)
        assert {m for m, c in counts.items() if 0 < c < 50} <= set(result.unratable)
    assert THIN in sliced.results["False"].unratable


def test_a_model_with_two_battles_is_reported_not_rated_by_default(hp140k: BattleTable) -> None:
    result = fit_ratings(hp140k, RatingOptions(ci="none"))
    assert "only 2 battles" in result.unratable[THIN]
    assert math.isnan(result.rating_of(THIN))
