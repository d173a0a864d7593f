"""The voter audit on one simulated 30k-vote arena with every voter attack planted.

Ground truth comes from the simulator (``auditkit.simulate``). Thresholds are the task's targets at
this size; the >= 100k, multi-seed numbers are printed by ``bench/bench_voters.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.rules import RulePack, load_rules
from auditkit.voters import VoterAudit, audit_voters

simulate = pytest.importorskip("auditkit.simulate")
if not hasattr(simulate, "simulate_arena"):
    pytest.skip("auditkit.simulate.simulate_arena not available yet", allow_module_level=True)
pytest.importorskip("auditkit.stats.bradley_terry")


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return load_rules(Path(__file__).resolve().parents[1] / "rules")


@pytest.fixture(scope="module")
def attacked(rules: RulePack) -> tuple[Any, VoterAudit, pd.DataFrame]:
    from auditkit.simulate.config import PRESET_MODELS as m

    config = simulate.ArenaConfig(
        n_battles=30_000,
        models=m,
        attacks=(
            simulate.TargetStuffing(target=m[7], n_votes=400, n_voters=1),
            simulate.OmnipresentStuffing(target=m[8], n_votes=900, n_voters=3),
            simulate.SybilStuffing(target=m[9], n_votes=600),
            simulate.PositionBot(n_votes=300),
            simulate.RandomBot(n_votes=300),
            simulate.SharedAddress(n_people=5, n_votes=400),
        ),
    )
    arena = simulate.simulate_arena(config, seed=11)
    audit = audit_voters(arena.battles, rules)
    labels = arena.truth.vote_labels[["vote_id", "label"]].astype(str)
    labels["flagged"] = labels["vote_id"].isin(set(audit.vote_flags["vote_id"].astype(str)))
    return arena, audit, labels


def _recall(labels: pd.DataFrame, kind: str) -> float:
    mine = labels[labels["label"] == kind]
    assert len(mine) > 0, kind
    return float(mine["flagged"].mean())


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("target_stuffing", 0.9),
        ("position_bot", 0.9),
        ("random_bot", 0.9),
        ("omnipresent_stuffing", 0.7),
        ("sybil_stuffing", 0.7),
    ],
)
def test_attack_votes_are_recalled(attacked: Any, kind: str, target: float) -> None:
    _, _, labels = attacked
    assert _recall(labels, kind) >= target


def test_honest_votes_are_almost_never_invalidated(attacked: Any) -> None:
    _, _, labels = attacked
    honest = labels[labels["label"].isin(["honest", "honest_shared"])]
    assert honest["flagged"].mean() <= 0.001


def test_shared_address_and_heavy_users_are_left_alone(attacked: Any) -> None:
    arena, audit, labels = attacked
    frame = arena.battles.frame[["vote_id", "voter"]].astype(str).merge(labels, on="vote_id")
    shared = frame[frame["label"] == "honest_shared"]
    assert len(shared) > 0 and not shared["flagged"].any()
    honest_counts = frame[frame["label"] == "honest"].groupby("voter").size()
    heavy = set(honest_counts[honest_counts >= 200].index)
    assert heavy, "the simulator should produce honest heavy users"
    ev = audit.evidence
    flagged = set(ev.loc[ev["flagged"] | ev["flagged_group"], "voter"].astype(str))
    assert not heavy & flagged


def test_attack_free_arena_flags_nobody(rules: RulePack) -> None:
    from auditkit.simulate.config import PRESET_MODELS as m

    arena = simulate.simulate_arena(simulate.ArenaConfig(n_battles=30_000, models=m), seed=5)
    audit = audit_voters(arena.battles, rules)
    ev = audit.evidence
    assert int((ev["flagged"] | ev["flagged_group"]).sum()) == 0
    assert audit.vote_flags.empty
