"""The ``sampling`` detector on arenas with known sampling: planted imbalances found, fair ones quiet."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.detectors.base import get_detector
from auditkit.graph import GraphAudit, audit_graph
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

DAY = 86_400.0
T0 = 1.7e9
MODELS = [f"model-{i:02d}" for i in range(10)]


def arena(
    seed: int,
    n: int = 8000,
    models: list[str] = MODELS,
    weights: Callable[[float], np.ndarray] | None = None,
    days: float = 30.0,
) -> BattleTable:
    """Battles drawn pair by pair with probability ∝ w_a·w_b at each time (w = 0: inactive)."""
    rng = np.random.default_rng(seed)
    k = len(models)
    times = np.sort(rng.uniform(0.0, days, n))
    rows: list[dict[str, Any]] = []
    for t in times:
        w = np.ones(k) if weights is None else weights(float(t))
        q = np.outer(w, w)
        np.fill_diagonal(q, 0.0)
        i, j = np.triu_indices(k, 1)
        p = q[i, j] / q[i, j].sum()
        pick = rng.choice(len(p), p=p)
        a, b = (i[pick], j[pick]) if rng.random() < 0.5 else (j[pick], i[pick])
        rows.append(
            {
                "vote_id": f"v{len(rows):07d}",
                "model_a": models[a],
                "model_b": models[b],
                "winner": rng.choice(["model_a", "model_b", "tie", "tie_bothbad"]),
                "tstamp": T0 + t * DAY,
            }
        )
    return BattleTable.from_records(rows)


def with_sampling(rules: RulePack, **changes: Any) -> RulePack:
    section: dict[str, Any] = dict(rules.section("sampling"))
    section.update(changes)
    sections: Mapping[str, Mapping[str, Any]] = {**rules.sections, "sampling": section}
    return dataclasses.replace(rules, sections=sections)


def flags(audit: GraphAudit) -> set[tuple[str, str]]:
    return {(f.kind, f.subject) for f in audit.flags}


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_attack_free_uniform_arena_raises_no_sampling_flag(
    seed: int, default_rules: RulePack
) -> None:
    result = get_detector("sampling")().detect(arena(seed), default_rules)
    assert result.findings == ()
    assert result.summary["share_test"]["p_value"] > 0.001
    assert sum(result.summary["expected_shares"].values()) == pytest.approx(1.0)


def test_oversampled_model_is_flagged_and_reweighted(default_rules: RulePack) -> None:
    def weights(t: float) -> np.ndarray:
        w = np.ones(len(MODELS))
        w[3] = 3.0
        return w

    battles = arena(7, weights=weights)
    result = get_detector("sampling")().detect(battles, default_rules)
    assert {(f.rule, f.subject) for f in result.findings} == {("oversampled", "model-03")}
    finding = result.findings[0]
    assert finding.vote_id is None and finding.severity == "medium"
    # P(model-03 in a battle) = 3·9 / (36 + 3·9) = 3/7 against 2/10 → ratio 2.14
    assert finding.evidence["ratio"] == pytest.approx((3 / 7) / (2 / 10), rel=0.05)
    # IPW weights undo it: pairs with model-03 weigh about a third of the others
    pw = pd.DataFrame(result.summary["pair_weights"])
    with_03 = pw[(pw["model_a"] == "model-03") | (pw["model_b"] == "model-03")]["weight"]
    without = pw[(pw["model_a"] != "model-03") & (pw["model_b"] != "model-03")]["weight"]
    assert with_03.mean() / without.mean() == pytest.approx(1 / 3, rel=0.15)
    # …and declaring the same policy in the rule pack makes the share expected, not a flag
    declared = with_sampling(default_rules, weights={"model-03": 3.0})
    assert audit_graph(battles, declared).flags == ()


def test_models_entering_late_are_judged_over_their_active_period(
    default_rules: RulePack,
) -> None:
    def weights(t: float) -> np.ndarray:
        w = np.ones(len(MODELS))
        w[9] = 1.0 if t >= 15.0 else 0.0  # model-09 launched half way
        return w

    audit = audit_graph(arena(11, weights=weights), default_rules)
    assert flags(audit) == set()
    row = next(r for r in audit.model_share if r["model"] == "model-09")
    # active for half the battles at 2/10 per battle, not for all of them
    assert row["expected_battles"] == pytest.approx(8000 * 0.5 * 0.2, rel=0.05)


def test_deprecated_model_and_the_comparisons_it_never_gets(default_rules: RulePack) -> None:
    models = [*MODELS, "late-1", "late-2"]

    def weights(t: float) -> np.ndarray:
        w = np.ones(len(models))
        w[0] = 1.0 if t < 10.0 else 0.0  # model-00 retired on day 10
        w[10:] = 1.0 if t > 12.0 else 0.0  # two models launched on day 12
        return w

    audit = audit_graph(arena(5, models=models, weights=weights), default_rules)
    assert flags(audit) == {("deprecated", "model-00")}
    (row,) = audit.deprecations
    assert row["missing_comparisons"] == 2 and row["never_met"] == ["late-1", "late-2"]


def test_share_drift_and_position_imbalance(default_rules: RulePack) -> None:
    def weights(t: float) -> np.ndarray:
        w = np.ones(len(MODELS))
        w[4] = 0.3 if t < 15.0 else 3.0  # quietly boosted in the second half
        return w

    battles = arena(3, weights=weights)
    frame = battles.frame.copy()
    # model-06 is always displayed as model A
    on_b = frame["model_b"] == "model-06"
    frame.loc[on_b, ["model_a", "model_b"]] = frame.loc[on_b, ["model_b", "model_a"]].to_numpy()
    audit = audit_graph(battles.with_frame(frame), default_rules)
    found = flags(audit)
    assert ("share_drift", "model-04") in found
    assert ("position_imbalance", "model-06") in found
    assert {kind for kind, _ in found} <= {"share_drift", "position_imbalance", "oversampled"}


def test_provider_share_uses_the_model_map(default_rules: RulePack) -> None:
    models = ["gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18", "claude-3-opus-20240229"]
    models += ["gemini-1.5-pro", "llama-3-70b-instruct", "mistral-large-2402", "qwen2-72b"]

    def weights(t: float) -> np.ndarray:
        return np.array([2.5, 2.5, 1, 1, 1, 1, 1])

    audit = audit_graph(arena(2, models=models, weights=weights), default_rules)
    assert ("provider_share", "openai") in flags(audit)
    openai = next(r for r in audit.provider_share if r["provider"] == "openai")
    assert openai["models"] == 2 and openai["ratio"] > 1.5


def test_variant_families_and_best_of_n_bias(default_rules: RulePack) -> None:
    models = ["foo-20240101", "foo-20240301", "foo-20240601", "bar", "baz", "qux"]
    battles = arena(4, n=3000, models=models)
    ratings = pd.DataFrame(
        {
            "model": models,
            "rating": [1000.0] * 6,
            "ci_lower": [980.4] * 6,
            "ci_upper": [1019.6] * 6,  # SE = 19.6 / 1.96 = 10
            "battles": [1000] * 6,
        }
    )
    audit = audit_graph(battles, default_rules, ratings=ratings)
    (family,) = audit.families
    assert family["family"] == "foo" and family["variants"] == 3
    # E[max of 3 iid N(0, 10²)] = 10 · 0.84628 (expected maximum of 3 standard normals)
    assert family["best_of_n_bias"] == pytest.approx(10 * 0.84628, abs=0.01)
    assert audit.ci_vs_battles is not None and len(audit.ci_vs_battles["models"]) == 6
    assert audit.variants_by_provider == {
        "unknown": {"families": 1, "variants": 3, "models": models[:3]}
    }
    assert audit.flags == ()


def test_implausibly_narrow_interval_is_flagged(default_rules: RulePack) -> None:
    models = ["a", "b", "c", "d"]
    battles = arena(6, n=2000, models=models)
    ratings = pd.DataFrame(
        {
            "model": models,
            "rating": [1000.0] * 4,
            "ci_lower": [995.0, 960.0, 960.0, 960.0],
            "ci_upper": [1005.0, 1040.0, 1040.0, 1040.0],
            "battles": [4, 1000, 1000, 1000],  # 10 Elo from 4 battles: floor is 681 Elo
        }
    )
    audit = audit_graph(battles, default_rules, ratings=ratings)
    assert flags(audit) == {("implausible_ci", "a")}


def test_audit_is_deterministic(default_rules: RulePack) -> None:
    battles = arena(9, n=2000)
    assert (
        audit_graph(battles, default_rules).to_json()
        == audit_graph(battles, default_rules).to_json()
    )


def test_simulated_arena_oversampling_and_disconnected_group(default_rules: RulePack) -> None:
    simulate = pytest.importorskip("auditkit.simulate")
    for seed in (0, 1, 2):
        clean = simulate.simulate_arena(simulate.ArenaConfig(n_battles=10_000), seed=seed)
        assert audit_graph(clean.battles, default_rules).flags == ()
    target = clean.battles.models[2]
    attacks = (simulate.OverSampling(model=target, factor=3.0), simulate.DisconnectedGroup())
    sim = simulate.simulate_arena(simulate.ArenaConfig(n_battles=10_000, attacks=attacks), seed=1)
    group = next(a for a in sim.truth.attacks if a["kind"] == "disconnected_group")["models"]
    found = flags(audit_graph(sim.battles, default_rules))
    assert ("oversampled", target) in found
    assert ("disconnected", ",".join(sorted(group))) in found
    # the only other flag allowed is the target's provider (the same imbalance, seen per maker)
    assert {kind for kind, _ in found} <= {"oversampled", "disconnected", "provider_share"}
    assert len([kind for kind, _ in found if kind == "oversampled"]) == 1


def test_pair_weights_feed_the_rating_engine(default_rules: RulePack) -> None:
    ratings = pytest.importorskip("auditkit.ratings")

    def weights(t: float) -> np.ndarray:
        w = np.ones(len(MODELS))
        w[0] = 4.0
        return w

    battles = arena(8, n=4000, weights=weights)
    audit = audit_graph(battles, default_rules)
    options = ratings.RatingOptions(ci="none")
    weighted = ratings.fit_ratings(battles, options, pair_weights=audit.pair_weights)
    assert set(weighted.to_frame()["model"]) == set(MODELS)
    # the weights equalise the effective battles: model-00's pairs are down-weighted ~4x
    pw = audit.pair_weights.set_index(["model_a", "model_b"])["weight"]
    assert pw[("model-00", "model-01")] / pw[("model-01", "model-02")] == pytest.approx(
        0.25, rel=0.2
    )
