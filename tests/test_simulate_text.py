"""The simulator's conversations: planted identity leaks are where the truth says, hard negatives exist."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pytest

from auditkit.models_map import load_model_map
from auditkit.rules import RulePack
from auditkit.simulate import ArenaConfig, IdentityLeak, SimulatedArena, simulate_arena
from auditkit.simulate.responses import (
    HARD_NEGATIVES,
    LEAK_TEMPLATES,
    PROMPT_TEMPLATES,
    SLOTS,
    identity_for,
    leak_sentence,
    style_counts,
)

QWEN = "qwen2-72b-instruct"


@pytest.fixture(scope="module")
def talky() -> SimulatedArena:
    config = ArenaConfig(
        n_battles=6_000,
        n_models=10,
        text_fraction=0.5,
        turn_probs=(0.6, 0.25, 0.15),
        natural_leak_rate=0.01,
        attacks=(IdentityLeak(model=QWEN, rate=0.4),),
    )
    return simulate_arena(config, seed=2)


def by_vote(arena: SimulatedArena) -> dict[str, dict[Any, Any]]:
    return {str(r["vote_id"]): r for r in arena.battles.frame.to_dict("records")}


def assistant_turn(conversation: list[dict[str, str]], turn: int) -> str:
    return [m["content"] for m in conversation if m["role"] == "assistant"][turn - 1]


def test_text_only_on_the_requested_share(talky: SimulatedArena) -> None:
    frame = talky.battles.frame
    has_text = frame["conversation_a"].notna()
    assert 0.47 <= has_text.mean() <= 0.53
    assert (frame["conversation_b"].notna() == has_text).all()
    assert (frame["prompt"].notna() == has_text).all()
    assert frame.loc[has_text, "style_a_tokens"].notna().all()
    assert frame.loc[~has_text, "style_a_tokens"].isna().all()


def test_conversations_have_one_exchange_per_turn_and_prompt_is_first_user_turn(
    talky: SimulatedArena,
) -> None:
    frame = talky.battles.frame.dropna(subset=["prompt"])
    for row in frame.to_dict("records"):
        for conversation in (row["conversation_a"], row["conversation_b"]):
            assert [m["role"] for m in conversation] == ["user", "assistant"] * int(row["turns"])
            assert conversation[0]["content"] == row["prompt"]
    assert frame["turns"].max() == 3


def test_every_planted_leak_is_in_the_named_turn_and_names_the_claimed_identity(
    talky: SimulatedArena,
) -> None:
    leaks = talky.truth.leaks
    rows = by_vote(talky)
    assert len(leaks) > 100
    for leak in leaks.to_dict("records"):
        row = rows[leak["vote_id"]]
        text = assistant_turn(row[f"conversation_{leak['side']}"], leak["turn"])
        assert leak["sentence"] in text
        assert leak["claimed_name"] in text or leak["claimed_maker_name"] in text
        assert row[f"model_{leak['side']}"] == leak["model"]
        assert row["anony"] == leak["anony"]
    assert (leaks["turn"] > 1).any()  # some leaks come in a later turn


def test_attack_leaks_are_truthful_and_labelled(talky: SimulatedArena) -> None:
    leaks = talky.truth.leaks
    attack = leaks[leaks["attack_id"] == "identity_leak-1"]
    assert (attack["model"] == QWEN).all()
    assert attack["truthful"].all()
    assert set(attack["claimed_family"]) == {"qwen"}
    assert talky.truth.vote_ids("identity_leak") == set(leaks["vote_id"])
    (record,) = talky.truth.attacks
    assert record["n_votes"] == attack["vote_id"].nunique()


def test_natural_leaks_include_false_claims(talky: SimulatedArena) -> None:
    natural = talky.truth.leaks[talky.truth.leaks["attack_id"] == "natural"]
    assert len(natural) > 10
    false = natural[~natural["truthful"].astype(bool)]
    assert len(false) > 0
    own = false["model"].map(lambda m: identity_for(m).family)
    assert (own != false["claimed_family"]).all()


def test_identity_families_agree_with_the_model_map(
    talky: SimulatedArena, default_rules: RulePack
) -> None:
    model_map = load_model_map(default_rules)
    for model in talky.truth.true_strengths:
        family = model_map.lookup(model).family
        if family is not None and identity_for(model).maker != "unknown":
            assert identity_for(model).family == family, model


def test_leaks_speak_the_battle_language(talky: SimulatedArena) -> None:
    chinese = talky.truth.leaks[talky.truth.leaks["language"] == "zh"]
    assert len(chinese) > 0
    assert chinese["sentence"].str.contains("我是|作为").all()
    rnd = random.Random(0)
    qwen = identity_for(QWEN)
    assert "通义千问" in leak_sentence(rnd, "zh", qwen) or "阿里云" in leak_sentence(
        rnd, "zh", qwen
    )
    assert "Claude" in leak_sentence(rnd, "ja", identity_for("claude-3-haiku-20240307"))
    assert "YandexGPT" in leak_sentence(rnd, "ru", identity_for("yandexgpt-3"))


def test_hard_negatives_mention_models_without_self_identifying(talky: SimulatedArena) -> None:
    negatives = talky.truth.hard_negatives
    assert len(negatives) > 20
    rows = by_vote(talky)
    for item in negatives.to_dict("records"):
        row = rows[item["vote_id"]]
        text = assistant_turn(row[f"conversation_{item['side']}"], item["turn"])
        assert item["sentence"] in text
    pool = HARD_NEGATIVES["en"]
    assert "Llamas are camelids native to the Andes and are often kept for their wool." in pool
    assert not any(s.startswith(("I'm ChatGPT", "I am", "As an AI")) for s in pool)


def test_bank_has_hundreds_of_prompt_templates_across_topics_and_languages() -> None:
    templates = {t for topics in PROMPT_TEMPLATES.values() for ts in topics.values() for t in ts}
    assert len(templates) >= 190
    assert set(PROMPT_TEMPLATES["en"]) >= {"coding", "math", "writing", "advice", "trivia"}
    assert len(PROMPT_TEMPLATES["zh"]) == 5
    distinct_prompts = sum(
        len(PROMPT_TEMPLATES[lang][topic]) * len(SLOTS[lang][topic])
        for lang in PROMPT_TEMPLATES
        for topic in PROMPT_TEMPLATES[lang]
    )
    assert distinct_prompts > 1_000
    assert set(LEAK_TEMPLATES) >= {"en", "zh", "ja", "ru", "es", "de", "fr", "ko", "pt"}


def test_style_varies_between_models(talky: SimulatedArena) -> None:
    frame = talky.battles.frame.dropna(subset=["prompt"])
    per_model = (
        pd.concat(
            [
                pd.DataFrame({"model": frame["model_a"], "bold": frame["style_a_bold"]}),
                pd.DataFrame({"model": frame["model_b"], "bold": frame["style_b_bold"]}),
            ]
        )
        .groupby("model")["bold"]
        .mean()
    )
    assert per_model.max() > 3 * max(per_model.min(), 0.05)
    assert style_counts(
        [{"role": "assistant", "content": "## Title\n\n- one **x**\n1. two\n\n中文"}]
    ) == (10, 1, 2, 1)
