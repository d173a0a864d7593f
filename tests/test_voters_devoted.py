"""Camouflage against its honest twin: devoted fans of the same model (simulated truth).

A camouflaged account votes for its target whenever it recognises it; a devoted fan sees the same
model 60-150 Elo stronger and so wins it most battles, but still loses some to clearly stronger
models. The logit-scale pull (:func:`auditkit.stats.population_nulls.saturating_shift_test`) must
tell them apart: the fans keep every vote, the rigged votes are invalidated.
"""

from __future__ import annotations

import pandas as pd
import pytest

from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS as M
from auditkit.simulate.config import CamouflageStuffing, DevotedFans
from auditkit.voters import audit_voters


@pytest.fixture(scope="module")
def twins() -> tuple[pd.DataFrame, pd.DataFrame]:
    attacks = (
        CamouflageStuffing(target=M[3], n_votes=400, n_voters=4),
        DevotedFans(model=M[3], n_people=4, n_votes=300),
    )
    arena = simulate_arena(ArenaConfig(n_battles=40_000, models=M, attacks=attacks), 46)
    audit = audit_voters(arena.battles, load_rules())
    labels = arena.truth.vote_labels[["vote_id", "label"]].astype(str)
    labels["flagged"] = labels["vote_id"].isin(set(audit.vote_flags["vote_id"].astype(str)))
    evidence = audit.evidence.merge(arena.truth.voter_labels[["voter", "role"]], on="voter")
    return labels, evidence


def test_devoted_fans_are_honest_and_keep_every_vote(
    twins: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    labels, evidence = twins
    fans = evidence[evidence["role"] == "devoted_fan"]
    assert len(fans) == 4
    assert not fans["flagged"].any() and not fans["flagged_group"].any()
    assert labels.loc[labels["label"] == "honest", "flagged"].mean() <= 0.001


def test_camouflage_beside_its_honest_twin_is_still_recalled(
    twins: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    # Four fans beside four accounts on one model of a 40k-vote night widen the honest spread the
    # accounts are measured against. Under the category-conditioned expectation
    # (auditkit.voters.category) the accounts' p-values are about twice those under one global
    # strength per model: the strongest is flagged (q 0.0014), the other three sit at q 0.016,
    # 0.016 and 0.056 (three were flagged before, the fourth at q 0.024). They are still the four
    # most suspicious voters of the arena; bench/bench_voters.py has the 100k figures (recall 1.0).
    labels, evidence = twins
    rigged = labels[labels["label"] == "camouflage"]
    assert len(rigged) == 400 and rigged["flagged"].mean() >= 0.25
    top = evidence.sort_values("p_value").head(4)
    assert set(top["role"]) == {"camouflaged"}
