"""The population_shift detector: a model's rating that depends on new accounts (swarm check)."""

from __future__ import annotations

from typing import Any

import pytest

from auditkit.detectors import get_detector
from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS, NewAccountSwarm
from auditkit.voters.population import audit_population

TARGET = PRESET_MODELS[11]


@pytest.fixture(scope="module")
def swarmed() -> Any:
    attack = NewAccountSwarm(target=TARGET, n_votes=1_200)
    return simulate_arena(ArenaConfig(n_battles=60_000, models=PRESET_MODELS, attacks=(attack,)), 8)


def test_registered_and_run_by_default() -> None:
    from auditkit.audit import DEFAULT_DETECTORS

    assert get_detector("population_shift").name == "population_shift"
    assert "population_shift" in DEFAULT_DETECTORS


def test_swarm_accounts_are_each_unremarkable_but_the_target_is_flagged(swarmed: Any) -> None:
    voters = swarmed.truth.voter_labels
    swarm = voters[voters["label"] == "new_account_swarm"]
    assert swarm["n_votes"].max() <= 4 and len(swarm) >= 300
    result = audit_population(swarmed.battles, load_rules())
    assert result.flagged_models == [TARGET]
    row = result.table.set_index("model").loc[TARGET]
    assert row["shift_elo"] >= 10.0 and row["z"] > 5


def test_findings_are_table_level_and_carry_the_policy(swarmed: Any) -> None:
    detector = get_detector("population_shift")()
    result = detector.detect(swarmed.battles, load_rules())
    assert [f.subject for f in result.findings] == [TARGET]
    finding = result.findings[0]
    assert finding.vote_id is None  # population evidence never invalidates a single vote
    assert finding.evidence["policy"] == "provisional"


def test_down_weighting_the_new_cohort_brings_the_target_back(swarmed: Any) -> None:
    import numpy as np

    from auditkit.voters.population import _fit

    result = audit_population(swarmed.battles, load_rules())
    frame = swarmed.battles.frame
    honest_ids = swarmed.truth.vote_ids("honest") | swarmed.truth.vote_ids("honest_shared")
    honest = frame[frame["vote_id"].isin(honest_ids)]
    models = sorted(set(frame["model_a"].astype(str)) | set(frame["model_b"].astype(str)))
    index = {m: i for i, m in enumerate(models)}
    a = honest["model_a"].astype(str).map(index).to_numpy(dtype=np.int64)
    b = honest["model_b"].astype(str).map(index).to_numpy(dtype=np.int64)
    winner = honest["winner"].astype(str).to_numpy()
    score = np.where(winner == "model_a", 1.0, np.where(winner == "model_b", 0.0, 0.5))
    clean = _fit(a, b, score, np.ones(a.size), len(models)) * 400 / np.log(10)
    attacked = float(result.table.set_index("model").loc[TARGET, "rating_all"])
    weighted = result.down_weighted_ratings[TARGET]
    truth = clean[index[TARGET]]
    # The swarm moved the target ~48 Elo; the down-weighted fit is back within a few.
    assert abs(weighted - truth) < 0.15 * abs(attacked - truth)


def test_attack_free_arenas_flag_no_model() -> None:
    rules = load_rules()
    for seed in (31, 32):
        arena = simulate_arena(ArenaConfig(n_battles=40_000, models=PRESET_MODELS), seed)
        assert audit_population(arena.battles, rules).flagged_models == []


def test_unusable_voter_ids_are_not_compared() -> None:
    from auditkit.schema import BattleTable, VoterStatus

    arena = simulate_arena(ArenaConfig(n_battles=2_000, models=PRESET_MODELS), 1)
    battles = arena.battles
    unusable = BattleTable(
        frame=battles.frame,
        voter_field="judge",
        voter_status=VoterStatus.PLACEHOLDER,
        voter_note="one id on every row",
        sources=battles.sources,
        source_formats=battles.source_formats,
    )
    result = audit_population(unusable, load_rules())
    assert not result.usable and result.flagged_models == []
    assert "voters unusable" in result.summary()


def test_the_excess_is_estimated_near_the_swarm_s_size_and_only_its_kind_of_vote_is_touched(
    swarmed: Any,
) -> None:
    result = audit_population(swarmed.battles, load_rules())
    labels = swarmed.truth.vote_labels
    true_votes = int((labels["label"] == "new_account_swarm").sum())
    (excess,) = result.stats["excess"].values()
    assert excess["direction"] == "lift"
    assert abs(excess["votes"] - true_votes) <= max(3 * excess["se"], 0.2 * true_votes)
    # Only the new cohort's wins of the target carry a weight below one; no vote is removed.
    assert result.stats["down_weighted_votes"] == excess["candidates"]
    # What is removed is the traces' estimate raised by the all-win floor (never below either).
    assert result.stats["swarm_votes_estimated"] == pytest.approx(excess["removed"], abs=1e-3)
    assert excess["removed"] >= max(excess["votes"], excess["all_win_floor"]) - 1e-9
    assert abs(excess["removed"] - true_votes) <= max(3 * excess["se"], 0.2 * true_votes)
    # The estimate's uncertainty carried into the rating: a few Elo, not zero, not tens.
    assert 0.0 < excess["rating_se_elo"] < 10.0


def test_the_swarm_is_down_weighted_account_by_account(swarmed: Any) -> None:
    from dataclasses import replace

    rules = load_rules()
    section = {**rules.sections["population"], "down_weight_mode": "posterior"}
    result = audit_population(
        swarmed.battles, replace(rules, sections={**rules.sections, "population": section})
    )
    voters = swarmed.truth.voter_labels
    true_accounts = int((voters["label"] == "new_account_swarm").sum())
    estimated = result.stats["swarm_accounts_estimated"]
    assert 0.6 * true_accounts <= estimated <= 1.4 * true_accounts
    # Honest newcomers keep (almost) all their weight: far fewer votes are down-weighted than
    # the whole new cohort's votes in the target's battles.
    assert (
        result.stats["down_weighted_votes"]
        < 0.5 * result.table.set_index("model").loc[TARGET, "new_battles"]
    )


def test_a_campaign_bunched_in_time_is_reported_for_review_never_invalidated() -> None:
    from auditkit.simulate.config import SybilStuffing

    target = PRESET_MODELS[4]
    attack = SybilStuffing(target=target, n_votes=900)
    arena = simulate_arena(
        ArenaConfig(n_battles=60_000, models=PRESET_MODELS, attacks=(attack,)), 9
    )
    result = get_detector("population_shift")().detect(arena.battles, load_rules())
    timed = [f for f in result.findings if f.rule == "time_dependence"]
    assert [f.subject for f in timed] == [target]
    assert timed[0].vote_id is None and timed[0].severity.value == "low"


def test_a_swarm_split_across_two_targets_flags_both_and_no_opponent() -> None:
    # Each swarm's wins are its opponents' losses: on the whole cohort every model's z widens and
    # the empirical null with it (phi 3.2 here), which hid the smaller of two swarms. The null is
    # measured again on the battles without the rejected model, and the others are tested there.
    second = PRESET_MODELS[9]
    attacks = (
        NewAccountSwarm(target=TARGET, n_votes=750),
        NewAccountSwarm(target=second, n_votes=750),
    )
    arena = simulate_arena(ArenaConfig(n_battles=101_500, models=PRESET_MODELS, attacks=attacks), 2)
    result = audit_population(arena.battles, load_rules())
    assert result.flagged_models == sorted([TARGET, second])
    assert set(result.stats["excess"]) == {TARGET, second}
