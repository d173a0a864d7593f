"""The default honest layer: people who differ, all labelled honest (auditkit.simulate.people)."""

from __future__ import annotations

import pandas as pd
import pytest

from auditkit.simulate import ArenaConfig, preset_config, simulate_arena
from auditkit.simulate.config import PRESET_MODELS
from auditkit.simulate.people import provider_of


@pytest.fixture(scope="module")
def arena():  # type: ignore[no-untyped-def]
    return simulate_arena(ArenaConfig(n_battles=60_000, models=PRESET_MODELS), seed=21)


def _per_voter(arena) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = arena.battles.frame
    ties = frame["winner"].astype(str).isin(["tie", "tie_bothbad"])
    left = frame["winner"].astype(str).eq("model_a")
    decisive = ~ties
    out = pd.DataFrame(
        {
            "n": frame.groupby("voter", observed=True).size(),
            "tie": ties.groupby(frame["voter"], observed=True).mean(),
            "left": left[decisive].groupby(frame["voter"][decisive], observed=True).mean(),
        }
    )
    roles = arena.truth.voter_labels.set_index("voter")
    return out.join(roles[["label", "role"]])


def test_heterogeneous_people_are_the_default_and_all_honest(arena) -> None:  # type: ignore[no-untyped-def]
    assert ArenaConfig().honest_layer == "heterogeneous"
    labels = set(arena.truth.voter_labels["label"])
    assert labels == {"honest", "honest_shared"}
    record = arena.truth.config["honest_population"]
    assert record["specialists"] > 0 and record["fans"] > 0 and record["shared_ids"] > 0


def test_tie_habits_spread_far_wider_than_one_average_person(arena) -> None:  # type: ignore[no-untyped-def]
    voters = _per_voter(arena)
    regulars = voters[(voters["n"] >= 40) & (voters["role"] != "shared")]
    # With one average person (tie rate 0.29) a 40+-vote voter's tie share has sd <= 0.072.
    assert regulars["tie"].std() > 0.1
    heavy = voters[voters["role"] == "heavy"]
    assert heavy["tie"].max() >= 0.25 and heavy["tie"].min() <= 0.1


def test_overall_tie_and_both_bad_rates_stay_arena_like(arena) -> None:  # type: ignore[no-untyped-def]
    share = arena.battles.frame["winner"].astype(str).value_counts(normalize=True)
    assert 0.14 <= share["tie"] <= 0.20
    assert 0.09 <= share["tie_bothbad"] <= 0.15


def test_spread_parameters_are_drawn_per_seed() -> None:
    spreads = [
        simulate_arena(
            preset_config("clean", n_battles=5_000, text_fraction=0.0), seed=s
        ).truth.config["honest_population"]["spread"]
        for s in (1, 2, 3)
    ]
    assert len({round(s["tie_concentration"], 6) for s in spreads}) == 3
    assert len({round(s["taste_sd"], 6) for s in spreads}) == 3


def test_shared_ids_interleave_several_people(arena) -> None:  # type: ignore[no-untyped-def]
    frame = arena.battles.frame
    shared = arena.truth.voter_labels.query("role == 'shared'")["voter"]
    votes = frame[frame["voter"].isin(set(shared))].sort_values(["voter", "tstamp"])
    gaps = votes.groupby("voter", observed=True)["tstamp"].diff().dropna()
    assert (gaps < 20).mean() > 0.05  # people behind one id vote at once
    assert set(arena.truth.vote_labels.set_index("vote_id").loc[votes["vote_id"], "label"]) == {
        "honest_shared"
    }


def test_homogeneous_preset_keeps_the_former_layer() -> None:
    old = simulate_arena(preset_config("homogeneous", n_battles=20_000, text_fraction=0.0), seed=3)
    assert "honest_population" not in old.truth.config
    frame = old.battles.frame
    ties = frame["winner"].astype(str).isin(["tie", "tie_bothbad"])
    counts = frame.groupby("voter", observed=True).size()
    busy = counts[counts >= 40].index
    per = ties.groupby(frame["voter"], observed=True).mean().loc[busy]
    assert per.std() < 0.1


def test_provider_is_the_first_word_of_the_model_name() -> None:
    assert provider_of("gpt-4o-2024-05-13") == "gpt"
    assert provider_of("claude-3-haiku-20240307") == "claude"
    assert provider_of("qwen2-72b-instruct") == "qwen"
    assert len({provider_of(m) for m in PRESET_MODELS}) >= 8
