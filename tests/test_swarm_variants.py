"""The simulator's new-account swarm and what an attacker who read the population check would vary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS, NewAccountSwarm, parse_attack

TARGET = PRESET_MODELS[11]


def _arena(attack: NewAccountSwarm, seed: int = 4) -> Any:
    extra = attack.n_votes + round(attack.n_votes * attack.cover_ratio)
    config = ArenaConfig(n_battles=10_000 + extra, models=PRESET_MODELS, attacks=(attack,))
    return simulate_arena(config, seed)


def _votes(arena: Any, label: str) -> Any:
    frame = arena.battles.frame
    labels = arena.truth.vote_labels.set_index("vote_id")["label"]
    ids = set(labels[labels == label].index)
    return frame[frame["vote_id"].isin(ids)]


def _target_won(votes: Any) -> np.ndarray:
    winner = votes["winner"].astype(str).to_numpy()
    on_a = (votes["model_a"] == TARGET).to_numpy()
    return np.where(on_a, winner == "model_a", winner == "model_b")


def test_the_spec_names_every_variant() -> None:
    attack = parse_attack(
        f"new_account_swarm:target={TARGET},n_votes=300,direction=sink,cover_ratio=0.5,bursts=2"
    )
    assert isinstance(attack, NewAccountSwarm)
    assert (attack.direction, attack.cover_ratio, attack.bursts) == ("sink", 0.5, 2)


def test_a_sinking_swarm_votes_against_its_model_in_its_battles() -> None:
    rigged = _votes(
        _arena(NewAccountSwarm(target=TARGET, n_votes=400, direction="sink")), "new_account_swarm"
    )
    assert len(rigged) == 400
    assert ((rigged["model_a"] == TARGET) | (rigged["model_b"] == TARGET)).all()
    assert not _target_won(rigged).any()


def test_cover_votes_share_the_accounts_and_stay_off_the_model() -> None:
    arena = _arena(NewAccountSwarm(target=TARGET, n_votes=400, cover_ratio=1.0))
    rigged, cover = _votes(arena, "new_account_swarm"), _votes(arena, "new_account_swarm_cover")
    assert len(rigged) == 400 and len(cover) == 400
    assert _target_won(rigged).all()
    assert not ((cover["model_a"] == TARGET) | (cover["model_b"] == TARGET)).any()
    # Cover is judged like an average person: outcomes of every kind.
    assert cover["winner"].astype(str).nunique() >= 3
    per_account = pd.concat([rigged["voter"], cover["voter"]]).value_counts()
    assert per_account.max() <= 4
    # Most accounts hold both kinds of vote, so few are "all wins of the target".
    mixed = set(rigged["voter"]) & set(cover["voter"])
    assert len(mixed) > 0.4 * rigged["voter"].nunique()


def test_a_swarm_in_bursts_votes_on_few_days() -> None:
    arena = _arena(NewAccountSwarm(target=TARGET, n_votes=600, bursts=2, burst_days=1.0))
    even = _arena(NewAccountSwarm(target=TARGET, n_votes=600))
    days = (_votes(arena, "new_account_swarm")["tstamp"] // 86_400).nunique()
    spread = (_votes(even, "new_account_swarm")["tstamp"] // 86_400).nunique()
    assert days <= 6 < spread


def test_a_direction_other_than_lift_or_sink_is_an_error() -> None:
    with pytest.raises(ValueError, match="direction"):
        _arena(NewAccountSwarm(target=TARGET, n_votes=10, direction="up"))
