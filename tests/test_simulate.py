"""The arena simulator: determinism, planted attacks match the ground truth, honest arenas look real."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from auditkit.schema import BattleTable, Winner
from auditkit.simulate import (
    ArenaConfig,
    DisconnectedGroup,
    OmnipresentStuffing,
    OverSampling,
    PositionBot,
    RandomBot,
    SharedAddress,
    SimulatedArena,
    SybilStuffing,
    TargetStuffing,
    preset_config,
    simulate_arena,
    tie_probabilities,
)

MODELS = tuple(f"m{k}" for k in range(8))
STRENGTHS = dict(zip(MODELS, (1300, 1250, 1200, 1150, 1100, 1050, 1000, 950), strict=True))


@pytest.fixture(scope="module")
def attacked() -> SimulatedArena:
    config = ArenaConfig(
        n_battles=20_000,
        models=MODELS,
        strengths=STRENGTHS,
        attacks=(
            TargetStuffing(target="m5", n_votes=250, n_voters=2),
            OmnipresentStuffing(target="m3", n_votes=300, n_voters=2, n_competitors=2),
            SybilStuffing(target="m6", n_votes=240, n_voters=40),
            PositionBot(n_votes=200),
            RandomBot(n_votes=220, n_voters=2),
            SharedAddress(n_people=4, n_votes=200),
            DisconnectedGroup(models=("iso-a", "iso-b")),
        ),
    )
    return simulate_arena(config, seed=7)


@pytest.fixture(scope="module")
def clean() -> SimulatedArena:
    return simulate_arena(preset_config("clean", text_fraction=0.0), seed=3)


def votes_of(arena: SimulatedArena, label: str) -> pd.DataFrame:
    frame = arena.battles.frame
    return frame[frame["vote_id"].isin(arena.truth.vote_ids(label))]


def test_same_seed_same_arena_and_other_seed_differs() -> None:
    config = preset_config("demo", n_battles=3_000)
    first, second = simulate_arena(config, seed=11), simulate_arena(config, seed=11)
    pd.testing.assert_frame_equal(first.battles.frame, second.battles.frame)
    assert first.truth.to_json() == second.truth.to_json()
    other = simulate_arena(config, seed=12)
    assert not other.battles.frame["winner"].equals(first.battles.frame["winner"])


def test_battle_table_is_canonical(attacked: SimulatedArena) -> None:
    frame = attacked.battles.frame
    assert isinstance(attacked.battles, BattleTable)
    assert len(frame) == 20_000  # n_battles counts attack votes too
    assert frame["vote_id"].is_unique
    assert frame["vote_id"].iloc[0] == "v0000001"
    assert (frame["model_a"] != frame["model_b"]).all()
    assert frame["tstamp"].is_monotonic_increasing  # ids are numbered in time order
    assert attacked.battles.voters_usable
    assert set(frame["winner"].astype(str)) == {w.value for w in Winner}


def test_every_vote_is_labelled_and_every_label_names_a_vote(attacked: SimulatedArena) -> None:
    labels = attacked.truth.vote_labels
    ids = set(attacked.battles.frame["vote_id"])
    assert set(labels["vote_id"]) == ids
    honest = labels[labels["label"] == "honest"]
    assert honest["vote_id"].is_unique
    assert not set(honest["vote_id"]) & attacked.truth.attack_vote_ids()


@pytest.mark.parametrize(
    ("kind", "n_votes"),
    [
        ("target_stuffing", 250),
        ("omnipresent_stuffing", 300),
        ("sybil_stuffing", 240),
        ("position_bot", 200),
        ("random_bot", 220),
        ("honest_shared", 200),
    ],
)
def test_labelled_votes_per_attack_equal_requested(
    attacked: SimulatedArena, kind: str, n_votes: int
) -> None:
    assert len(attacked.truth.vote_ids(kind)) == n_votes
    (record,) = [a for a in attacked.truth.attacks if a["kind"] == kind]
    assert record["n_votes"] == n_votes
    assert set(record["vote_ids"]) == attacked.truth.vote_ids(kind)


def test_target_stuffers_vote_only_on_the_target_and_always_for_it(
    attacked: SimulatedArena,
) -> None:
    for kind, target in (("target_stuffing", "m5"), ("sybil_stuffing", "m6")):
        votes = votes_of(attacked, kind)
        on_a = votes["model_a"] == target
        assert (on_a | (votes["model_b"] == target)).all()
        winner = votes["winner"].astype(str)
        assert (winner[on_a] == "model_a").all()
        assert (winner[~on_a] == "model_b").all()


def test_target_stuffers_are_their_own_voters(attacked: SimulatedArena) -> None:
    votes = votes_of(attacked, "target_stuffing")
    voters = attacked.truth.voter_labels
    stuffers = set(voters.loc[voters["label"] == "target_stuffing", "voter"])
    assert set(votes["voter"]) == stuffers
    assert len(stuffers) == 2


def test_omnipresent_stuffer_avoids_target_and_votes_against_its_rivals(
    attacked: SimulatedArena,
) -> None:
    votes = votes_of(attacked, "omnipresent_stuffing")
    (record,) = [a for a in attacked.truth.attacks if a["kind"] == "omnipresent_stuffing"]
    strengths = attacked.truth.true_strengths
    above = sorted((s, m) for m, s in strengths.items() if s > strengths["m3"])
    assert record["competitors"] == [m for _, m in above[:2]]  # the two closest rivals above
    assert not ((votes["model_a"] == "m3") | (votes["model_b"] == "m3")).any()
    loser = np.where(votes["winner"].astype(str) == "model_a", votes["model_b"], votes["model_a"])
    rivals = set(record["competitors"])
    assert set(loser) <= rivals
    both = votes["model_a"].isin(rivals) & votes["model_b"].isin(rivals)
    stronger = max(rivals, key=strengths.__getitem__)
    assert (
        pd.Series(loser)[both.to_numpy()] == stronger
    ).all()  # between rivals the stronger loses


def test_sybil_ring_is_many_small_accounts_active_in_shared_windows(
    attacked: SimulatedArena,
) -> None:
    votes = votes_of(attacked, "sybil_stuffing")
    per_account = votes["voter"].value_counts()
    assert len(per_account) == 40
    assert per_account.max() <= 10
    (record,) = [a for a in attacked.truth.attacks if a["kind"] == "sybil_stuffing"]
    windows = record["windows"]
    inside = np.zeros(len(votes), dtype=bool)
    for lo, hi in windows:
        inside |= (votes["tstamp"] >= lo).to_numpy() & (votes["tstamp"] <= hi).to_numpy()
    assert inside.all()


def test_position_bot_always_votes_a_and_fast(attacked: SimulatedArena) -> None:
    votes = votes_of(attacked, "position_bot")
    assert (votes["winner"].astype(str) == "model_a").all()
    gaps = np.diff(np.sort(votes["tstamp"].to_numpy()))
    assert np.median(gaps) < 10


def test_random_bot_uses_all_four_outcomes_evenly(attacked: SimulatedArena) -> None:
    votes = votes_of(attacked, "random_bot")
    counts = votes["winner"].astype(str).value_counts()
    assert set(counts.index) == {w.value for w in Winner}
    assert stats.chisquare(counts.to_numpy()).pvalue > 0.001


def test_shared_address_is_one_honest_id_with_interleaved_people(attacked: SimulatedArena) -> None:
    voters = attacked.truth.voter_labels
    shared = voters[voters["label"] == "honest_shared"]
    assert len(shared) == 1
    assert int(shared["n_votes"].iloc[0]) == 200
    assert shared["voter"].iloc[0] not in attacked.truth.attack_voters()
    votes = votes_of(attacked, "honest_shared")
    assert set(votes["voter"]) == set(shared["voter"])
    gaps = np.diff(np.sort(votes["tstamp"].to_numpy()))
    assert (gaps < 20).sum() > 0  # four people at once: some votes closer than one person could


def test_disconnected_group_never_meets_outsiders(attacked: SimulatedArena) -> None:
    frame = attacked.battles.frame
    inside_a = frame["model_a"].isin(["iso-a", "iso-b"])
    inside_b = frame["model_b"].isin(["iso-a", "iso-b"])
    assert not (inside_a ^ inside_b).any()
    assert (inside_a & inside_b).sum() > 50


def test_over_sampled_model_meets_each_opponent_factor_times_as_often() -> None:
    config = ArenaConfig(
        n_battles=40_000, models=MODELS[:6], attacks=(OverSampling(model="m0", factor=3.0),)
    )
    frame = simulate_arena(config, seed=5).battles.frame
    pair = frame[["model_a", "model_b"]].apply(lambda r: tuple(sorted(r)), axis=1)
    counts = pair.value_counts()
    with_m0 = counts[[("m0" in p) for p in counts.index]].mean()
    without = counts[[("m0" not in p) for p in counts.index]].mean()
    assert with_m0 / without == pytest.approx(3.0, rel=0.08)


def test_voter_activity_is_heavy_tailed(clean: SimulatedArena) -> None:
    per_voter = clean.battles.frame["voter"].value_counts()
    assert per_voter.median() <= 3
    assert per_voter.max() >= 200
    voters = clean.truth.voter_labels
    assert (voters["role"] == "heavy").sum() == 5


def test_tie_and_both_bad_rates_match_real_arena(clean: SimulatedArena) -> None:
    """Real reference: arena-human-preference-140k has 21,532 ties (15.9%) and 15,754 both-bad
    (11.6%) among 135,634 votes (shared/data/real/README.md); the defaults aim at 17% and 12%."""
    share = clean.battles.frame["winner"].astype(str).value_counts(normalize=True)
    assert 0.14 <= share["tie"] <= 0.20
    assert 0.10 <= share["tie_bothbad"] <= 0.14


def test_ties_are_likelier_between_close_models_and_preserve_bt_score() -> None:
    ra = np.array([1000.0, 1000.0, 1000.0])
    rb = np.array([1000.0, 1100.0, 1400.0])
    pa, pb, tie = tie_probabilities(ra, rb, c=0.4)
    assert tie[0] > tie[1] > tie[2]
    np.testing.assert_allclose(pa + pb + tie, 1.0)
    bt = 1.0 / (1.0 + 10 ** ((rb - ra) / 400))
    np.testing.assert_allclose(pa + tie / 2, bt)  # A's expected score is exactly BT's


def test_timestamps_in_window_with_daily_cycle(clean: SimulatedArena) -> None:
    frame = clean.battles.frame
    config = preset_config("clean")
    assert frame["tstamp"].min() >= config.start_time
    assert frame["tstamp"].max() < config.start_time + config.days * 86_400
    hours = pd.to_datetime(frame["tstamp"], unit="s").dt.hour.value_counts()
    assert hours.max() / hours.min() > 1.8
    assert 14 <= int(str(hours.idxmax())) <= 19


def test_honest_people_pause_at_least_20_seconds_between_votes(clean: SimulatedArena) -> None:
    # Ids shared by several people (a class, a lab; in every default arena) interleave their
    # people's votes, so only one-person ids are held to a person's pace.
    roles = clean.truth.voter_labels.set_index("voter")["role"]
    frame = clean.battles.frame
    frame = frame[frame["voter"].map(roles).ne("shared")].sort_values(["voter", "tstamp"])
    gaps = frame.groupby("voter")["tstamp"].diff().dropna()
    assert gaps.min() >= 20 - 1e-3


def test_stronger_models_win_more_and_fit_recovers_order(clean: SimulatedArena) -> None:
    frame = clean.battles.frame
    truth = clean.truth.true_strengths
    score_a = (
        frame["winner"]
        .astype(str)
        .map({"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie_bothbad": 0.5})
    )
    expected_a = 1 / (1 + 10 ** ((frame["model_b"].map(truth) - frame["model_a"].map(truth)) / 400))
    # The mean observed score equals BT's expectation (ties count half) for A as a whole...
    assert score_a.mean() == pytest.approx(expected_a.mean(), abs=0.015)
    # ...and per model: residual win rate is noise, the win rate orders models like the strengths.
    long = pd.concat(
        [
            pd.DataFrame({"model": frame["model_a"], "score": score_a}),
            pd.DataFrame({"model": frame["model_b"], "score": 1 - score_a}),
        ]
    )
    win_rate = long.groupby("model")["score"].mean()
    rho = stats.spearmanr(win_rate, [truth[m] for m in win_rate.index]).statistic
    assert rho > 0.9


def test_languages_are_iso_codes_with_chinese_second(clean: SimulatedArena) -> None:
    share = clean.battles.frame["language"].value_counts(normalize=True)
    assert share.index[0] == "en"
    assert share.index[1] == "zh"
    assert 0.55 <= share["en"] <= 0.65
    assert set(share.index) <= set(preset_config("clean").languages)


def test_anonymous_share_and_voter_id_styles(clean: SimulatedArena) -> None:
    frame = clean.battles.frame
    assert 0.83 <= frame["anony"].mean() <= 0.87
    voters = pd.Series(frame["voter"].unique())
    ip = voters.str.fullmatch(r"arena_user_\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
    hashed = voters.str.fullmatch(r"[0-9a-f]{32}")
    assert (ip | hashed).all()
    assert 0.1 <= hashed.mean() <= 0.2
    only_hashes = simulate_arena(ArenaConfig(n_battles=500, voter_id_style="hash"), seed=1)
    assert only_hashes.battles.frame["voter"].str.fullmatch(r"[0-9a-f]{32}").all()


def test_config_rejects_impossible_arenas() -> None:
    with pytest.raises(ValueError, match="more than n_battles"):
        simulate_arena(ArenaConfig(n_battles=100, attacks=(PositionBot(n_votes=200),)))
    with pytest.raises(ValueError, match="unknown model"):
        simulate_arena(ArenaConfig(attacks=(TargetStuffing(target="nope", n_votes=5),)))
    with pytest.raises(ValueError, match="tie_rate"):
        ArenaConfig(tie_rate=0.4, bothbad_rate=0.2)


def test_given_strengths_and_default_names(attacked: SimulatedArena) -> None:
    assert attacked.truth.true_strengths["m0"] == 1300.0
    assert set(attacked.truth.true_strengths) == {*MODELS, "iso-a", "iso-b"}
    positional = simulate_arena(
        ArenaConfig(n_battles=500, n_models=3, strengths=[1200, 1000, 900]), seed=0
    )
    assert positional.truth.true_strengths == {
        "gpt-4o-2024-05-13": 1200.0,
        "claude-3-5-sonnet-20240620": 1000.0,
        "gemini-1.5-pro-api-0514": 900.0,
    }
    with pytest.raises(ValueError, match="strengths has 2 values"):
        simulate_arena(ArenaConfig(n_battles=500, n_models=3, strengths=[1.0, 2.0]))
    many = simulate_arena(ArenaConfig(n_battles=2_000, n_models=30), seed=0)
    assert len(many.truth.true_strengths) == 30
    assert "model-030" in many.truth.true_strengths
    assert all(math.isfinite(v) for v in many.truth.true_strengths.values())


def test_bradley_terry_fit_recovers_true_strengths(clean: SimulatedArena) -> None:
    """The tie model keeps A's expected score at BT's, so a ties-as-half BT MLE is unbiased."""
    from auditkit.stats.bradley_terry import fit_bt_pairs

    frame = clean.battles.frame
    models = sorted(clean.truth.true_strengths)
    index = {m: i for i, m in enumerate(models)}
    pairs = pd.DataFrame(
        {
            "a": frame["model_a"].map(index).astype(int),
            "b": frame["model_b"].map(index).astype(int),
            "score": frame["winner"]
            .astype(str)
            .map({"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie_bothbad": 0.5}),
        }
    )
    grouped = pairs.groupby(["a", "b"])["score"].agg(["sum", "count"]).reset_index()
    natural = fit_bt_pairs(
        grouped["a"].to_numpy(),
        grouped["b"].to_numpy(),
        grouped["sum"].to_numpy(dtype=float),
        grouped["count"].to_numpy(dtype=float),
        len(models),
    )
    fitted = natural * 400 / math.log(10)
    true = np.array([clean.truth.true_strengths[m] for m in models])
    error = fitted - (true - true.mean())
    assert np.abs(error).max() < 25  # ~3,300 battles per model: SE ≈ 7 Elo
    assert np.abs(error).mean() < 10  # seeds 0-3 gave max 5.7-13.8, mean 1.9-4.1
