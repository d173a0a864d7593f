"""Specification of ``auditkit.ratings.fit_ratings``: conventions, rateability, intervals, options."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.ratings import (
    RATING_COLUMNS,
    RatingOptions,
    fit_ratings,
    fit_ratings_by,
    inverse_sampling_weights,
    l2_from_sklearn_c,
    pair_count_weights,
)
from auditkit.schema import BattleTable

ALPHA = 400 / math.log(10)
SWAP = {"model_a": "model_b", "model_b": "model_a", "tie": "tie", "tie_bothbad": "tie_bothbad"}


def simulated_votes(
    strengths: dict[str, float], n: int, seed: int = 0, tie_rate: float = 0.0
) -> list[dict[str, Any]]:
    """Votes drawn from a BT model with Elo-scale strengths (uniform pairs)."""
    rng = np.random.default_rng(seed)
    names = list(strengths)
    rows = []
    for _ in range(n):
        i, j = rng.choice(len(names), size=2, replace=False)
        a, b = names[i], names[j]
        p = 1 / (1 + 10 ** ((strengths[b] - strengths[a]) / 400))
        u = rng.random()
        winner = "tie" if u < tie_rate else "model_a" if rng.random() < p else "model_b"
        rows.append({"model_a": a, "model_b": b, "winner": winner})
    return rows


TRUE = {"m0": 1100.0, "m1": 1050.0, "m2": 1000.0, "m3": 950.0, "m4": 900.0}


@pytest.fixture(scope="module")
def five_models() -> BattleTable:
    return BattleTable.from_records(simulated_votes(TRUE, 6000, seed=1))


def test_frame_has_contract_columns_and_recovers_true_strengths(five_models: BattleTable) -> None:
    result = fit_ratings(five_models, RatingOptions(anchor=None))
    frame = result.to_frame()
    assert list(frame.columns) == list(RATING_COLUMNS)
    assert frame["model"].tolist() == ["m0", "m1", "m2", "m3", "m4"]
    # Without an anchor the ratings average to the initial rating; true values are centred on 1000.
    assert frame["rating"].mean() == pytest.approx(1000.0, abs=1e-6)
    for model, true in TRUE.items():
        row = frame.set_index("model").loc[model]
        assert row["ci_lower"] < true < row["ci_upper"], model
    assert frame["battles"].sum() == 2 * 6000
    assert frame["rateable"].all()


def test_swapping_sides_and_outcomes_leaves_ratings_unchanged(five_models: BattleTable) -> None:
    frame = five_models.frame.copy()
    swapped = frame.assign(
        model_a=frame["model_b"], model_b=frame["model_a"], winner=frame["winner"].map(SWAP)
    )
    base = fit_ratings(five_models, RatingOptions(anchor=None))
    flipped = fit_ratings(five_models.with_frame(swapped), RatingOptions(anchor=None))
    pd.testing.assert_frame_equal(base.to_frame(), flipped.to_frame(), atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["model_a", "model_b", "tie", "tie_bothbad"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_property_swap_and_duplicate_invariance(rows: list[tuple[str, str, str]]) -> None:
    records = [{"model_a": a, "model_b": b, "winner": w} for a, b, w in rows]
    # min_battles=0: the property is about the MLE, and doubling votes moves battle counts.
    opts = RatingOptions(ci="none", anchor=None, min_battles=0)
    table = BattleTable.from_records(records)
    base = fit_ratings(table, opts).to_frame().set_index("model")
    swapped = [{"model_a": b, "model_b": a, "winner": SWAP[w]} for a, b, w in rows]
    other = fit_ratings(BattleTable.from_records(swapped), opts).to_frame().set_index("model")
    doubled = fit_ratings(BattleTable.from_records(records + records), opts).to_frame()
    doubled = doubled.set_index("model")
    for result in (other, doubled):
        assert set(result.index) == set(base.index)
        np.testing.assert_allclose(
            result.loc[base.index, "rating"].to_numpy(dtype=float),
            base["rating"].to_numpy(dtype=float),
            atol=1e-5,
        )
        assert (result.loc[base.index, "rateable"] == base["rateable"]).all()


def test_model_that_only_wins_is_not_rated_silently() -> None:
    rows = simulated_votes({"x": 1000.0, "y": 1000.0, "z": 1000.0}, 300, seed=2)
    rows += [{"model_a": "champ", "model_b": m, "winner": "model_a"} for m in "xyz" * 5]
    rows += [{"model_a": "x", "model_b": "champ", "winner": "model_b"}]
    result = fit_ratings(BattleTable.from_records(rows))
    frame = result.to_frame().set_index("model")
    assert not frame.loc["champ", "rateable"]
    assert math.isnan(float(frame["rating"]["champ"]))
    assert "won every battle" in result.unratable["champ"]
    assert "+infinity" in str(frame.loc["champ", "note"])
    assert frame.loc[["x", "y", "z"], "rateable"].all()
    assert "not rated: champ" in result.summary()


def test_model_that_only_loses_and_a_tie_makes_it_finite() -> None:
    rows = simulated_votes({"x": 1000.0, "y": 1000.0}, 200, seed=3)
    rows += [{"model_a": "x", "model_b": "dud", "winner": "model_a"}] * 4
    result = fit_ratings(BattleTable.from_records(rows), RatingOptions(min_battles=0))
    assert "lost every battle" in result.unratable["dud"]
    # One tie is half a win: the MLE becomes finite and the model is rated.
    rows.append({"model_a": "y", "model_b": "dud", "winner": "tie"})
    finite = fit_ratings(BattleTable.from_records(rows), RatingOptions(min_battles=0))
    assert "dud" not in finite.unratable


def test_disconnected_graph_rates_main_component_only_or_each_separately() -> None:
    rows = simulated_votes({"a": 1100.0, "b": 1000.0, "c": 900.0}, 900, seed=4)
    rows += simulated_votes({"p": 1000.0, "q": 1000.0}, 100, seed=5)
    table = BattleTable.from_records(rows)
    result = fit_ratings(table)
    assert result.components == (("a", "b", "c"), ("p", "q"))
    assert set(result.unratable) == {"p", "q"}
    assert "not comparable" in result.unratable["p"]
    per = fit_ratings(table, RatingOptions(disconnected="per_component", anchor=None))
    frame = per.to_frame().set_index("model")
    assert frame["rateable"].all()
    assert frame.loc[["p", "q"], "rating"].mean() == pytest.approx(1000.0)
    assert frame.loc[["a", "b", "c"], "rating"].mean() == pytest.approx(1000.0)
    assert str(frame.loc["p", "note"]).startswith("component 2 of 2")
    assert frame.loc["p", "rank"] == 1 or frame.loc["q", "rank"] == 1


def test_min_battles_sets_thin_models_aside() -> None:
    rows = simulated_votes({"a": 1000.0, "b": 1000.0, "c": 1000.0}, 300, seed=6)
    rows += [{"model_a": "thin", "model_b": "a", "winner": w} for w in ("model_a", "model_b")]
    result = fit_ratings(BattleTable.from_records(rows), RatingOptions(min_battles=10))
    assert result.unratable == {"thin": "only 2 battles (< min_battles 10)"}
    assert result.n_battles == 300


def test_fastchat_anchor_pins_mixtral_to_1114() -> None:
    strengths = {"mixtral-8x7b-instruct-v0.1": 1000.0, "gpt": 1100.0, "llama": 950.0}
    table = BattleTable.from_records(simulated_votes(strengths, 1500, seed=7))
    result = fit_ratings(table)
    assert result.anchor_applied
    assert result.rating_of("mixtral-8x7b-instruct-v0.1") == pytest.approx(1114.0)
    free = fit_ratings(table, RatingOptions(anchor=None))
    gap = result.rating_of("gpt") - result.rating_of("llama")
    assert gap == pytest.approx(free.rating_of("gpt") - free.rating_of("llama"))
    custom = fit_ratings(table, RatingOptions(anchor=("llama", 800.0)))
    assert custom.rating_of("llama") == pytest.approx(800.0)


def test_only_anonymous_battles_count_by_default() -> None:
    rows = simulated_votes({"a": 1000.0, "b": 1000.0}, 200, seed=8)
    named = [{"model_a": "a", "model_b": "b", "winner": "model_a", "anony": False}] * 50
    table = BattleTable.from_records(rows + named)
    assert fit_ratings(table).dropped == {"not_anonymous": 50}
    assert fit_ratings(table, RatingOptions(anonymous_only=False)).n_battles == 250


@pytest.mark.parametrize(
    "options",
    [
        RatingOptions(),
        RatingOptions(ci="bootstrap", n_bootstrap=20, random_state=3),
        RatingOptions(disconnected="per_component", anchor=None),
        RatingOptions(reweight="pair_count", min_pair_count=5),
    ],
)
def test_rows_mask_rates_exactly_the_subset_it_flags(options: RatingOptions) -> None:
    rows = simulated_votes({"a": 1100.0, "b": 1000.0, "c": 900.0}, 600, seed=9, tie_rate=0.1)
    rows += simulated_votes({"p": 1000.0, "q": 1000.0}, 60, seed=10)
    rows += [{"model_a": "a", "model_b": "b", "winner": "model_a", "anony": False}] * 20
    rows += [{"model_a": "only", "model_b": "a", "winner": "model_a"}] * 3  # all dropped below
    table = BattleTable.from_records(rows)
    keep = np.random.default_rng(0).random(len(rows)) < 0.8
    keep[-3:] = False
    subset = table.with_frame(table.frame.loc[keep].reset_index(drop=True))
    masked, copied = fit_ratings(table, options, rows=keep), fit_ratings(subset, options)
    pd.testing.assert_frame_equal(masked.to_frame(), copied.to_frame())
    assert (masked.dropped, masked.n_battles) == (copied.dropped, copied.n_battles)
    assert masked.unratable == copied.unratable
    assert "only" not in masked.to_frame()["model"].tolist()
    with pytest.raises(ValueError, match="flags"):
        fit_ratings(table, options, rows=keep[:-1])


def test_ties_half_exclude_and_davidson() -> None:
    # a vs b: 30 wins, 30 losses, 40 ties. Every tie convention puts them level.
    rows = (
        [{"model_a": "a", "model_b": "b", "winner": "model_a"}] * 30
        + [{"model_a": "a", "model_b": "b", "winner": "model_b"}] * 30
        + [{"model_a": "a", "model_b": "b", "winner": "tie_bothbad"}] * 40
        + [{"model_a": "a", "model_b": "c", "winner": "model_a"}] * 60
        + [{"model_a": "a", "model_b": "c", "winner": "tie"}] * 40
    )
    table = BattleTable.from_records(rows)
    half = fit_ratings(table, RatingOptions(ci="none", anchor=None))
    excl = fit_ratings(table, RatingOptions(ci="none", ties="exclude", anchor=None))
    dav = fit_ratings(table, RatingOptions(ci="none", ties="davidson", anchor=None))
    # a vs c with ties as halves: score 80 of 100 → gap 400 log10(4).
    gap_half = half.rating_of("a") - half.rating_of("c")
    assert gap_half == pytest.approx(400 * math.log10(4), abs=1e-6)
    assert half.rating_of("a") == pytest.approx(half.rating_of("b"), abs=1e-6)
    assert excl.dropped == {"tie": 80}
    assert "c" in excl.unratable  # without ties c never scores: infinite MLE
    assert dav.tie_parameter is not None and dav.tie_parameter > 0
    assert dav.rating_of("a") == pytest.approx(dav.rating_of("b"), abs=1e-3)
    boot = fit_ratings(table, RatingOptions(ci="bootstrap", n_bootstrap=20, ties="davidson"))
    assert boot.to_frame()["ci_lower"].notna().sum() == 3
    with pytest.raises(ValueError, match="Davidson"):
        RatingOptions(ties="davidson", ci="sandwich")


def test_l2_parameterisation_matches_sklearn_logistic_regression_c1() -> None:
    # sklearn C=1 on FastChat's duplicated design ⇔ l2 = 1 / (2 ln(10)^2) per battle.
    assert l2_from_sklearn_c(1.0) == pytest.approx(1 / (2 * math.log(10) ** 2))
    assert l2_from_sklearn_c(1.0, duplicated=False) == pytest.approx(1 / math.log(10) ** 2)
    rows = [{"model_a": "a", "model_b": "b", "winner": "model_a"}] * 3
    # With a ridge even a perfect record gets a finite, shrunk rating.
    result = fit_ratings(
        BattleTable.from_records(rows),
        RatingOptions(ci="none", l2=l2_from_sklearn_c(), anchor=None, min_battles=0),
    )
    gap = (result.rating_of("a") - result.rating_of("b")) / ALPHA
    # Stationarity: 3 (1 - sigmoid(gap)) = l2 * gap / 2 * 2  (theta_a = gap/2 = -theta_b).
    assert 3 / (1 + math.exp(gap)) == pytest.approx(l2_from_sklearn_c() * gap / 2, rel=1e-6)


def test_sandwich_ranks_follow_the_paper_rule(five_models: BattleTable) -> None:
    frame = fit_ratings(five_models, RatingOptions(anchor=None)).to_frame()
    lower, upper = frame["ci_lower"].to_numpy(), frame["ci_upper"].to_numpy()
    for k, row in enumerate(frame.to_dict("records")):
        above = int(sum(lower[j] > upper[k] for j in range(len(frame)) if j != k))
        assert row["rank"] == 1 + above
        assert row["rank_lower"] <= row["rank"] <= row["rank_upper"]


def test_bootstrap_is_reproducible_and_agrees_with_sandwich(five_models: BattleTable) -> None:
    opts = RatingOptions(ci="bootstrap", n_bootstrap=200, random_state=3, anchor=None)
    first = fit_ratings(five_models, opts).to_frame()
    again = fit_ratings(five_models, opts).to_frame()
    pd.testing.assert_frame_equal(first, again)
    other = fit_ratings(five_models, RatingOptions(**{**opts.__dict__, "random_state": 4}))
    assert not np.allclose(first["ci_lower"], other.to_frame()["ci_lower"])
    sandwich = fit_ratings(five_models, RatingOptions(anchor=None)).to_frame()
    width_boot = (first["ci_upper"] - first["ci_lower"]).to_numpy()
    width_sand = (sandwich["ci_upper"] - sandwich["ci_lower"]).to_numpy()
    # 200 rounds: the percentile width has ~10% Monte-Carlo error.
    np.testing.assert_allclose(width_boot, width_sand, rtol=0.25)
    assert (first["rank_lower"] <= first["rank_upper"]).all()


def test_pair_weights_table_and_pair_count_reweighting() -> None:
    rows = simulated_votes({"a": 1000.0, "b": 1000.0, "c": 1000.0}, 600, seed=9)
    rows += [{"model_a": "a", "model_b": "b", "winner": "model_a"}] * 300
    table = BattleTable.from_records(rows)
    plain = fit_ratings(table, RatingOptions(ci="none", anchor=None))
    weights = pd.DataFrame({"model_a": ["b"], "model_b": ["a"], "weight": [0.0]})
    zeroed = fit_ratings(table, RatingOptions(ci="none", anchor=None), pair_weights=weights)
    only_ac_bc = [r for r in rows if {r["model_a"], r["model_b"]} != {"a", "b"}]
    reference = fit_ratings(
        BattleTable.from_records(only_ac_bc), RatingOptions(ci="none", anchor=None)
    )
    for m in "abc":
        assert zeroed.rating_of(m) == pytest.approx(reference.rating_of(m), abs=1e-6)
    assert plain.rating_of("a") > zeroed.rating_of("a") + 20
    w = pair_count_weights(table.frame, 50)
    n_ab = sum({r["model_a"], r["model_b"]} == {"a", "b"} for r in rows)
    is_ab = (table.frame["model_a"] + table.frame["model_b"]).isin(["ab", "ba"]).to_numpy()
    np.testing.assert_allclose(w[is_ab], 1 / n_ab)  # 1 / max(count, 50), count = both orders


def test_slices_by_language_report_thin_models() -> None:
    en = simulated_votes({"a": 1100.0, "b": 1000.0, "c": 900.0}, 600, seed=10)
    de = simulated_votes({"a": 900.0, "b": 1000.0, "c": 1100.0}, 600, seed=11)
    de += [{"model_a": "rare", "model_b": "a", "winner": "model_a"}] * 3
    rows = [{**r, "language": "en"} for r in en] + [{**r, "language": "de"} for r in de]
    sliced = fit_ratings_by(
        BattleTable.from_records(rows), "language", RatingOptions(min_battles=20)
    )
    assert list(sliced.results) == ["de", "en"]
    assert sliced.results["en"].to_frame()["model"].tolist()[:3] == ["a", "b", "c"]
    assert sliced.results["de"].to_frame()["model"].tolist()[:3] == ["c", "b", "a"]
    assert "only 3 battles" in sliced.results["de"].unratable["rare"]
    frame = sliced.to_frame()
    assert list(frame.columns[:2]) == ["slice", "slice_value"]
    with pytest.raises(ValueError, match="no column"):
        fit_ratings_by(BattleTable.from_records(rows), "tag.math")


def test_json_is_plain_python(five_models: BattleTable) -> None:
    import json

    payload = fit_ratings(five_models, RatingOptions(ci="bootstrap", n_bootstrap=20)).to_json()
    text = json.dumps(payload)
    assert '"model": "m0"' in text
    assert payload["n_battles"] == 6000


def test_inverse_sampling_weights_follow_daily_pair_shares() -> None:
    # Day 0: a-b 8 votes, a-c 2 votes → P(ab)=0.8, P(ac)=0.2. Day 1: b-c only → P=1.
    ab = ["model_a", "model_b"] * 4
    bc = ["model_a", "model_b", "tie", "model_b", "model_a"]
    rows = [{"model_a": "a", "model_b": "b", "winner": w, "tstamp": 10.0} for w in ab]
    rows += [{"model_a": "c", "model_b": "a", "winner": "tie", "tstamp": 20.0}] * 2
    rows += [{"model_a": "b", "model_b": "c", "winner": w, "tstamp": 86_405.0} for w in bc]
    frame = BattleTable.from_records(rows).frame
    raw = np.array([1 / 0.8] * 8 + [1 / 0.2] * 2 + [1.0] * 5)
    np.testing.assert_allclose(inverse_sampling_weights(frame), raw / raw.mean())
    # Without timestamps the share is over all votes.
    no_time = frame.assign(tstamp=np.nan)
    raw = np.array([15 / 8] * 8 + [15 / 2] * 2 + [15 / 5] * 5)
    np.testing.assert_allclose(inverse_sampling_weights(no_time), raw / raw.mean())
    result = fit_ratings(
        BattleTable.from_records(rows),
        RatingOptions(reweight="inverse_sampling", ci="none", min_battles=0),
    )
    assert result.n_battles == 15
    assert not result.unratable
