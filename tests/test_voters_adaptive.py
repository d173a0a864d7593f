"""The voter audit against heterogeneous honest people and adaptive attackers (simulated truth).

What a docstring-reading attacker would try is listed in ``docs/voter_threats.md``;
the attacks simulated here are the ones with ground truth in the simulator. Multi-seed figures at
>= 100k votes are printed by ``bench/bench_voters.py``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS as M
from auditkit.simulate.config import CamouflageStuffing, IdentityProbeStuffing
from auditkit.voters import audit_voters


def _flagged_labels(arena: Any) -> pd.DataFrame:
    audit = audit_voters(arena.battles, load_rules())
    labels = arena.truth.vote_labels[["vote_id", "label"]].astype(str)
    labels["flagged"] = labels["vote_id"].isin(set(audit.vote_flags["vote_id"].astype(str)))
    return labels


@pytest.mark.parametrize("seed", [41, 42])
def test_attack_free_heterogeneous_arenas_invalidate_almost_nothing(seed: int) -> None:
    arena = simulate_arena(ArenaConfig(n_battles=30_000, models=M), seed)
    audit = audit_voters(arena.battles, load_rules())
    assert len(audit.vote_flags) <= 0.001 * 30_000
    voters = arena.truth.voter_labels
    protected = set(voters.loc[(voters["n_votes"] >= 100) | (voters["role"] == "shared"), "voter"])
    ev = audit.evidence
    flagged = set(ev.loc[ev["flagged"] | ev["flagged_group"], "voter"].astype(str))
    assert not protected & flagged


def test_tie_habits_are_reported_for_review_never_invalidated() -> None:
    arena = simulate_arena(ArenaConfig(n_battles=30_000, models=M), 44)
    audit = audit_voters(arena.battles, load_rules())
    assert "tie_spam" not in set(audit.vote_flags["rule"])
    assert "consensus_sequential" not in set(audit.vote_flags["rule"])
    assert set(audit.stats["population_spread"]) == {"taste_tau", "side_rho", "tie_rho"}


@pytest.fixture(scope="module")
def adaptive() -> pd.DataFrame:
    attacks = (
        CamouflageStuffing(target=M[3], n_votes=400, n_voters=4),
        IdentityProbeStuffing(target=M[5], n_votes=300, n_voters=3),
    )
    arena = simulate_arena(ArenaConfig(n_battles=40_000, models=M, attacks=attacks), 45)
    return _flagged_labels(arena)


@pytest.mark.parametrize("kind", ["camouflage", "identity_probe_voter"])
def test_camouflaged_and_probing_rigged_votes_are_recalled(
    adaptive: pd.DataFrame, kind: str
) -> None:
    mine = adaptive[adaptive["label"] == kind]
    assert len(mine) > 0 and mine["flagged"].mean() >= 0.9


def test_camouflage_cover_does_not_buy_honest_votes_invalidation(adaptive: pd.DataFrame) -> None:
    honest = adaptive[adaptive["label"].isin(["honest", "honest_shared"])]
    assert honest["flagged"].mean() <= 0.001
