"""Honest spreads that attackers cannot set, random clicking, review evidence as prior weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from auditkit.stats import population_nulls as pn
from auditkit.voters.review import repeat_probers, review_weights, weighted_benjamini_hochberg
from auditkit.voters.timeshift import time_shift_test


def _pulls(
    rng: np.random.Generator, n_voters: int, tau: float, attackers: int, attack_pull: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = rng.integers(20, 150, n_voters).astype(float)
    n[:attackers] = 150.0  # each attacker casts 150 votes in the model's battles
    mu = rng.normal(0.0, tau, n_voters)
    mu[:attackers] = attack_pull
    var = 0.2 * n
    return n * mu + rng.normal(0.0, np.sqrt(var)), var, n


def test_attackers_on_one_model_do_not_set_the_spread_they_are_tested_against() -> None:
    # A small night: 8 of 100 heavy voters on the target push it by +0.3 a vote.
    rng = np.random.default_rng(0)
    s, v, n = _pulls(rng, 100, 0.03, 8, 0.3)
    naive = pn.sum_heterogeneity(s, v, n)
    centre, tau2 = pn.centred_heterogeneity(s, v, n, robust_start=True)
    assert np.sqrt(naive) > 0.07  # everyone's average: the attackers widen the null
    assert np.sqrt(tau2) < 0.05 and abs(centre) < 0.02
    z, _ = pn.random_effect_pull_test(s - n * centre, v, n, max(tau2, 0.04**2))
    z_naive, _ = pn.random_effect_pull_test(s, v, n, max(naive, 0.04**2))
    assert z[:8].min() > 4.5 > 4.0 > np.abs(z[8:]).max()
    assert z_naive[:8].max() < 4.0  # under the widened null every attacker hides


def test_a_third_of_a_models_heavy_voters_attacking_is_still_caught() -> None:
    # 8 of 24, voting only in the model's battles (the self-test's small night); the pack's prior
    # ceiling on the honest spread is the backstop when leaving suspects out cannot separate them.
    rng = np.random.default_rng(0)
    s, v, n = _pulls(rng, 24, 0.03, 8, 0.3)
    hits = n[:, None].copy()
    share = np.array([0.15])
    total = n / share[0]
    total[:8] = n[:8]
    kwargs: dict[str, Any] = {"pull_floor": 0.04, "tail_dof": 4.0, "pull_alpha": 0.05}
    p, _, z, ratio = pn.target_population_test(
        hits, s[:, None], v[:, None], total, share, pull_ceiling=0.1, **kwargs
    )
    assert (p[:8] < 1e-4).all() and (z[:8] > 0).all() and (ratio[:8] > 5).all()
    assert (p[8:] > 1e-3).all()


def test_an_honest_population_keeps_its_spread_when_suspects_are_left_out() -> None:
    rng = np.random.default_rng(1)
    s, v, n = _pulls(rng, 4000, 0.05, 0, 0.0)
    _, tau2 = pn.centred_heterogeneity(s, v, n)
    assert 0.045 <= np.sqrt(tau2) <= 0.055


def test_heavy_tailed_tastes_are_not_harm_but_stuffing_still_is() -> None:
    # A heavy honest specialist: -0.29 a vote on 88 battles of one model (seen in a simulated arena).
    s, v, n = np.array([-25.4]), np.array([11.6]), np.array([88.0])
    _, p_normal = pn.random_effect_pull_test(s, v, n, 0.04**2)
    _, p_t = pn.random_effect_pull_test(s, v, n, 0.04**2, tail_dof=4.0)
    assert p_normal[0] < 1e-5 < 1e-3 < p_t[0]
    _, p_stuffer = pn.random_effect_pull_test(
        np.array([150.0]), np.array([60.0]), np.array([300.0]), 0.04**2, tail_dof=4.0
    )
    # Alone the stuffer's pull is at p ~ 2e-4; its concentration on the model's battles adds the
    # rest (target_population_test's Fisher combination, tested above).
    assert p_stuffer[0] < 1e-3 and p_stuffer[0] < p_t[0] / 10


def _slope_population(
    rng: np.random.Generator, n_voters: int, beta_sd: float, random_clickers: int
) -> tuple[np.ndarray, ...]:
    votes = rng.integers(20, 300, n_voters)
    votes[:random_clickers] = 300
    voter = np.repeat(np.arange(n_voters), votes)
    gap = rng.normal(0.0, 0.7, voter.size)
    beta = 1.0 + rng.normal(0.0, beta_sd, n_voters)
    beta[:random_clickers] = 0.0
    p = 1.0 / (1.0 + np.exp(-beta[voter] * gap))
    score = (rng.random(voter.size) < p).astype(float)
    mean = 1.0 / (1.0 + np.exp(-gap))
    return pn.slope_sums(voter, gap, score, mean, mean * (1.0 - mean), n_voters)


def test_random_clicking_is_outside_the_honest_spread_of_slopes() -> None:
    rng = np.random.default_rng(2)
    u, j, bound = _slope_population(rng, 3000, 0.15, 3)
    z, p = pn.slope_population_test(u, j, bound, floor=0.1)
    assert (z[:3] < -3).all() and (p[:3] < 1e-4).sum() >= 2  # 300 random votes each
    assert (p[3:] < 1e-5).sum() == 0


def test_weighted_bh_needs_harm_evidence_and_weights_average_one() -> None:
    p_speed = np.r_[1e-30, np.full(999, 0.5)]
    weights = review_weights(p_speed, np.zeros(1000, dtype=bool), weight=100.0, pace_alpha=1e-10)
    assert weights.weight.mean() == pytest.approx(1.0)
    assert weights.machine_pace[0] and not weights.machine_pace[1:].any()
    # The same harm p-value: enough for the machine-paced account, not for a person.
    p = np.r_[2e-4, 2e-4, np.full(998, 0.5)]
    reject, _, threshold = weighted_benjamini_hochberg(p, weights.weight, 0.01)
    assert reject[0] and not reject[1]
    assert threshold[0] > threshold[1]
    # No harm evidence: never flagged, whatever the pace.
    reject_none, _, _ = weighted_benjamini_hochberg(np.ones(1000), weights.weight, 0.01)
    assert not reject_none.any()


def test_review_weights_take_at_most_a_quarter_of_the_budget() -> None:
    p_speed = np.r_[np.full(10, 1e-20), np.full(90, 0.5)]
    w = review_weights(p_speed, np.zeros(100, dtype=bool), weight=100.0, pace_alpha=1e-10).weight
    assert w[:10].sum() == pytest.approx(25.0) and w.mean() == pytest.approx(1.0)


def test_curious_people_are_not_repeat_probers_but_an_account_that_always_probes_is() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(10, 600, 2000).astype(float)
    rate = rng.beta(0.5, 9.5, n.size)  # honest curiosity: about 5 %, varying
    k = rng.binomial(n.astype(int), rate).astype(float)
    k = np.r_[k, 30.0]
    n = np.r_[n, 60.0]
    marked = repeat_probers(k, n, repeat_min=3, alpha=1e-3)
    assert marked[-1]
    assert marked[:-1].mean() < 0.005


def _time_arena(
    rng: np.random.Generator, burst: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    k, n = 8, 40_000
    theta = np.linspace(-1.0, 1.0, k)
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    t = np.sort(rng.uniform(0, 100 * 86400.0, n))
    d = theta[a] - theta[b]
    if burst:  # model 3 is pushed in the second period only
        late = (t > 25 * 86400.0) & (t < 50 * 86400.0)
        d = d + 0.6 * late * ((a == 3).astype(float) - (b == 3).astype(float))
    score = (rng.random(n) < 1.0 / (1.0 + np.exp(-d))).astype(float)
    return a, b, score, t, theta, [f"m{i}" for i in range(k)]


def test_a_campaign_concentrated_in_time_is_reported_and_a_stationary_arena_is_not() -> None:
    from auditkit.voters.population import _fit

    rng = np.random.default_rng(4)
    for burst in (False, True):
        a, b, score, t, _, models = _time_arena(rng, burst)
        theta = _fit(a, b, score, np.ones(a.size), len(models))
        result = time_shift_test(a, b, score, t, theta, models, n_bins=4, min_shift_elo=15.0)
        assert result.flagged_models == (["m3"] if burst else [])


@pytest.fixture(scope="module")
def probing_arena() -> Any:
    from auditkit.simulate import ArenaConfig, simulate_arena
    from auditkit.simulate.config import PRESET_MODELS, IdentityProbeStuffing

    attack = IdentityProbeStuffing(target=PRESET_MODELS[5], n_votes=90, n_voters=3)
    config = ArenaConfig(
        n_battles=20_000, models=PRESET_MODELS, attacks=(attack,), text_fraction=1.0
    )
    return simulate_arena(config, 5)


def test_identity_probes_are_review_evidence_in_the_voter_audit(
    probing_arena: Any, default_rules: Any
) -> None:
    from auditkit.voters import audit_voters

    audit = audit_voters(probing_arena.battles, default_rules)
    ev = audit.evidence.set_index("voter")
    labels = probing_arena.truth.voter_labels.set_index("voter")["label"]
    probers = [v for v in ev.index if labels.get(v) == "identity_probe_voter"]
    honest = [v for v in ev.index if labels.get(v) == "honest"]
    assert len(probers) == 3
    assert (ev.loc[probers, "probing_votes"] >= 20).all()
    assert (ev.loc[probers, "review_weight"] > 5).all()
    # Honest people ask a model its name too; that alone neither marks nor flags them.
    assert ev.loc[honest, "probing_votes"].max() >= 3
    assert (ev.loc[honest, "review_weight"] < 1).all()
    assert not ev.loc[honest, "flagged"].any()
    assert ev.loc[probers, "flagged"].sum() >= 2
