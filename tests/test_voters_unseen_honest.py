"""Honest people of kinds the default honest layer does not draw (auditkit.simulate.unseen).

Each kind is labelled honest in the ground truth and behaves as its docstring says; the voter audit
keeps every vote of the kinds it can tell from rigging. (The category champion — 150-300 Elo for one
model, served it up to twice as often — is the per-voter twin of camouflage: bench/bench_voters.py
reports how often it is flagged, it is not asserted here.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS as M
from auditkit.simulate.unseen import HABIT_PERSONS, UNSEEN_PERSONS, UnseenHonest
from auditkit.voters import audit_voters


def _arena(person: str, n_people: int, n_votes: int, seed: int = 5, **kw: object) -> object:
    spec = UnseenHonest(person=person, n_people=n_people, n_votes=n_votes, **kw)  # type: ignore[arg-type]
    return simulate_arena(ArenaConfig(n_battles=12_000, models=M, attacks=(spec,)), seed)


def _votes_of(arena: object, role: str) -> pd.DataFrame:
    truth = arena.truth  # type: ignore[attr-defined]
    frame = arena.battles.frame  # type: ignore[attr-defined]
    voters = truth.voter_labels
    ids = set(voters.loc[voters["role"] == role, "voter"].astype(str))
    return frame[frame["voter"].astype(str).isin(ids)]


@pytest.mark.parametrize("person", UNSEEN_PERSONS + HABIT_PERSONS)
def test_every_unseen_kind_is_labelled_honest_with_its_role(person: str) -> None:
    arena = _arena(person, 6, 50)
    cast = UnseenHonest(person=person, n_people=6, n_votes=50).total_votes()
    truth = arena.truth  # type: ignore[attr-defined]
    voters = truth.voter_labels[truth.voter_labels["role"] == f"unseen_{person}"]
    assert set(voters["label"]) <= {"honest", "honest_shared"}
    assert int(voters["n_votes"].sum()) == cast
    assert len(arena.battles.frame) == 12_000  # type: ignore[attr-defined]
    mine = truth.vote_labels[truth.vote_labels["attack_id"] == voters["attack_id"].iloc[0]]
    assert set(mine["label"]) <= {"honest", "honest_shared"} and len(mine) == cast


def test_a_class_votes_from_one_address_in_one_lesson() -> None:
    arena = _arena("class_burst", 30, 8)
    votes = _votes_of(arena, "unseen_class_burst")
    assert votes["voter"].nunique() == 1 and len(votes) == 240
    # Sessions start within one hour; a student's second session can run a little past it.
    assert float(votes["tstamp"].max() - votes["tstamp"].min()) <= 2 * 3600.0


def test_a_category_champion_picks_its_model_far_more_often_than_the_arena() -> None:
    arena = _arena("category_champion", 4, 300, model=M[3])
    frame = arena.battles.frame  # type: ignore[attr-defined]

    def win_share(votes: pd.DataFrame) -> float:  # of its decisive battles
        a, b, w = (votes[c].astype(str).to_numpy() for c in ("model_a", "model_b", "winner"))
        mine = ((a == M[3]) | (b == M[3])) & np.isin(w, ["model_a", "model_b"])
        won = ((a == M[3]) & (w == "model_a")) | ((b == M[3]) & (w == "model_b"))
        return float(won[mine].sum() / mine.sum())

    champion = win_share(_votes_of(arena, "unseen_category_champion"))
    assert champion > 0.8 and champion > win_share(frame) + 0.3


def test_heavy_both_bad_voters_call_most_battles_a_tie() -> None:
    votes = _votes_of(_arena("bothbad_heavy", 4, 300), "unseen_bothbad_heavy")
    share = votes["winner"].astype(str).value_counts(normalize=True)
    assert share["tie_bothbad"] > 0.35 and share.get("tie", 0.0) < share["tie_bothbad"]


def test_an_unknown_kind_of_person_is_refused() -> None:
    with pytest.raises(ValueError, match="person must be one of"):
        _arena("astrologer", 2, 10)


def _audited(specs: tuple[UnseenHonest, ...], seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A 60k-vote arena with ``specs`` audited by the default pack: (evidence with roles,
    invalidated per vote)."""
    arena = simulate_arena(ArenaConfig(n_battles=60_000, models=M, attacks=specs), seed)
    audit = audit_voters(arena.battles, load_rules())
    evidence = audit.evidence.merge(arena.truth.voter_labels[["voter", "role"]], on="voter")
    frame = arena.battles.frame
    flagged = frame["vote_id"].astype(str).isin(set(audit.vote_flags["vote_id"].astype(str)))
    return evidence, flagged.to_numpy()


@pytest.fixture(scope="module")
def mixed_arena_audit() -> tuple[pd.DataFrame, np.ndarray]:
    specs = (
        UnseenHonest(person="drifting_taste", n_people=3, n_votes=300),
        UnseenHonest(person="few_categories", n_people=3, n_votes=300),
        UnseenHonest(person="bothbad_heavy", n_people=3, n_votes=300),
        UnseenHonest(person="length_lover", n_people=3, n_votes=300),
        UnseenHonest(person="other_language", n_people=150, n_votes=15),
    )
    return _audited(specs, 77)


def test_unseen_honest_people_keep_every_vote(
    mixed_arena_audit: tuple[pd.DataFrame, np.ndarray],
) -> None:
    evidence, flagged = mixed_arena_audit
    unseen = evidence[evidence["role"].astype(str).str.startswith("unseen_")]
    assert len(unseen) >= 12  # the heavy kinds are all audited
    assert not unseen["flagged"].any() and not unseen["flagged_group"].any()
    assert not flagged.any()


def _decisive_left_share(votes: pd.DataFrame) -> float:
    w = votes["winner"].astype(str)
    return float((w == "model_a").sum() / w.isin(["model_a", "model_b"]).sum())


def test_skippers_never_tie_and_phone_users_tap_left_about_two_thirds_of_the_time() -> None:
    skippers = _votes_of(_arena("never_tie", 4, 300), "unseen_never_tie")
    assert len(skippers) == 1200
    assert set(skippers["winner"].astype(str)) == {"model_a", "model_b"}
    lefties = _votes_of(_arena("phone_lefty", 4, 300), "unseen_phone_lefty")
    assert 0.6 < _decisive_left_share(lefties) < 0.75


def test_weekend_people_vote_only_on_saturdays_and_sundays() -> None:
    votes = _votes_of(_arena("weekend_heavy", 2, 400), "unseen_weekend_heavy")
    weekday = ((votes["tstamp"] // 86_400 + 3) % 7).astype(int)  # 1970-01-01 was a Thursday
    assert set(weekday) <= {5, 6} and len(votes) == 800


def test_a_lab_behind_one_address_votes_in_one_working_day() -> None:
    votes = _votes_of(_arena("nat_lab", 10, 30), "unseen_nat_lab")
    assert votes["voter"].nunique() == 1 and len(votes) == 300
    hours = (votes["tstamp"] % 86_400) / 3600.0
    assert votes["tstamp"].max() - votes["tstamp"].min() < 12 * 3600.0 and hours.min() >= 9.0


def test_two_people_share_each_account_and_fast_readers_keep_short_gaps() -> None:
    shared = _votes_of(_arena("shared_account", 3, 100), "unseen_shared_account")
    assert shared["voter"].nunique() == 3 and shared.groupby("voter").size().eq(200).all()
    fast = _votes_of(_arena("fast_sessions", 2, 300), "unseen_fast_sessions")
    gaps = fast.sort_values(["voter", "tstamp"]).groupby("voter")["tstamp"].diff().dropna()
    assert float((gaps <= 30.0).mean()) > 0.8


def test_launch_chasers_arrive_in_one_week_and_meet_the_new_model_in_about_half_their_battles() -> (
    None
):
    votes = _votes_of(_arena("launch_chaser", 30, 10, model=M[3]), "unseen_launch_chaser")
    assert votes["tstamp"].max() - votes["tstamp"].min() <= 7 * 86_400.0
    share = ((votes["model_a"] == M[3]) | (votes["model_b"] == M[3])).mean()
    assert share > 0.35


@pytest.fixture(scope="module")
def habits_arena_audit() -> tuple[pd.DataFrame, np.ndarray]:
    specs = (
        UnseenHonest(person="never_tie", n_people=3, n_votes=300),
        UnseenHonest(person="tie_drift", n_people=3, n_votes=300),
        UnseenHonest(person="phone_lefty", n_people=3, n_votes=300),
        UnseenHonest(person="fast_sessions", n_people=3, n_votes=300),
        UnseenHonest(person="nat_lab", n_people=10, n_votes=30),
        UnseenHonest(person="shared_account", n_people=2, n_votes=200),
    )
    return _audited(specs, 78)


def test_habits_that_move_no_model_keep_every_vote(
    habits_arena_audit: tuple[pd.DataFrame, np.ndarray],
) -> None:
    evidence, flagged = habits_arena_audit
    unseen = evidence[evidence["role"].astype(str).str.startswith("unseen_")]
    assert len(unseen) == 3 * 4 + 1 + 2
    assert not unseen["flagged"].any() and not unseen["flagged_group"].any()
    assert not flagged.any()


def test_a_side_habit_is_reported_not_invalidated(
    habits_arena_audit: tuple[pd.DataFrame, np.ndarray],
) -> None:
    evidence, _ = habits_arena_audit
    lefties = evidence[evidence["role"] == "unseen_phone_lefty"]
    # The side habit is plain to see (position_bias, review only) and far from position clicking.
    assert (lefties["p_position_bias"] < 0.05).any()
    assert (lefties["p_position_clicking"] > 0.05).all()
