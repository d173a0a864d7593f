"""identity_leak against the arena simulator's ground truth (planted leaks in ten languages).

The simulator (``auditkit.simulate``) writes self-identifications in the battle's language, true
and false, in any turn of either side, and plants hard negatives (mentions of models, makers and
homonyms that identify nothing). Vote level: a positive is an anonymous vote with a planted leak,
a flag is a finding at or above ``medium`` (what the default policy invalidates). The same scoring
over the ``demo`` preset and several seeds is ``bench/eval_identity_sim.py``.
"""

from __future__ import annotations

import pytest

from auditkit.identity.evaluate import SimulatedScore, evaluate_simulated
from auditkit.rules import RulePack
from auditkit.simulate import ArenaConfig, IdentityLeak, SimulatedArena, simulate_arena
from auditkit.simulate.config import DEFAULT_LANGUAGES, PRESET_MODELS

LEAKER = PRESET_MODELS[4]  # qwen2-72b-instruct: claims "Qwen" / "通义千问", maker Alibaba Cloud


@pytest.fixture(scope="module")
def arena() -> SimulatedArena:
    # Every language at least 5 % so that each one gets leaks in a 3k-battle arena.
    languages = {lang: max(share, 0.05) for lang, share in DEFAULT_LANGUAGES.items()}
    config = ArenaConfig(
        n_battles=3_000,
        models=PRESET_MODELS,
        text_fraction=1.0,
        languages=languages,
        natural_leak_rate=0.02,
        hard_negative_rate=0.10,
        attacks=(IdentityLeak(model=LEAKER, rate=0.6),),
    )
    return simulate_arena(config, seed=7)


@pytest.fixture(scope="module")
def score(arena: SimulatedArena, default_rules: RulePack) -> SimulatedScore:
    result = evaluate_simulated(arena.battles, arena.truth, default_rules)
    print("\n", result.to_dict())
    return result


def test_the_arena_plants_enough_leaks_and_hard_negatives(score: SimulatedScore) -> None:
    assert score.tp + score.fn >= 200
    assert score.hard_negative_votes >= 150
    assert set(score.by_language) == set(DEFAULT_LANGUAGES)  # all ten languages have leaks


def test_vote_level_recall_and_precision(score: SimulatedScore) -> None:
    assert score.recall >= 0.95, score.missed[:10]
    assert score.precision >= 0.95, score.false_flags[:10]


@pytest.mark.parametrize("language", sorted(DEFAULT_LANGUAGES))
def test_recall_in_every_language(score: SimulatedScore, language: str) -> None:
    found, planted = score.by_language[language]
    assert found / planted >= 0.9, (language, found, planted, score.missed)


def test_hard_negatives_are_not_flagged(score: SimulatedScore) -> None:
    assert score.hard_negative_flagged <= 0.02 * score.hard_negative_votes, score.false_flags


def test_score_objects_render(score: SimulatedScore) -> None:
    frame = score.to_frame()
    assert list(frame.columns) == ["language", "planted", "found", "recall"]
    # per-language counts are leaks (a vote can leak on both sides); tp/fn count votes
    assert int(frame["planted"].sum()) >= score.tp + score.fn
    assert "recall" in score.summary()
    assert score.to_json()["tp"] == score.tp
