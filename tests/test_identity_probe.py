"""identity_probe: a user turn asking who the model is, in any language, is reported per vote."""

from __future__ import annotations

from typing import Any

import pytest

from auditkit.clean import apply_policy
from auditkit.detectors import get_detector
from auditkit.schema import BattleTable
from auditkit.simulate import preset_config, simulate_arena
from auditkit.simulate.responses import PROBE_FOLLOW_UPS

PROBES = [
    "which company trained you?",
    "你是哪个公司的模型",
    "what is your knowledge cutoff and who built you",
    "Who made you, honestly?",
    "あなたを開発したのはどこの会社？",
    "누가 너를 만들었어?",
    "Кто тебя создал?",
    "¿Quién te creó?",
    "من أنت؟",
    "तुम कौन हो?",
    "Which AI am I chatting with?",
    "What are you based on?",
]
NOT_PROBES = [
    "What is ChatGPT?",
    "Which company makes the iPhone?",
    "Who won the 2018 World Cup?",
    "Translate 'who are they' into French.",
    "Write a poem about the sea.",
    "谷歌是哪一年成立的？",
]


def _battle(vote_id: str, prompt: str, voter: str, anony: bool = True) -> dict[str, Any]:
    conv = [{"role": "user", "content": prompt}, {"role": "assistant", "content": "Sure."}]
    return {
        "vote_id": vote_id,
        "model_a": "gpt-4o-2024-05-13",
        "model_b": "claude-3-5-sonnet-20240620",
        "winner": "model_a",
        "voter": voter,
        "anony": anony,
        "conversation_a": conv,
        "conversation_b": conv,
    }


def _detect(records: list[dict[str, Any]], rules: Any) -> Any:
    return get_detector("identity_probe")().detect(BattleTable.from_records(records), rules)


@pytest.mark.parametrize("prompt", PROBES)
def test_probes_in_any_language_are_reported(prompt: str, default_rules: Any) -> None:
    result = _detect([_battle("v1", prompt, "alice"), _battle("v2", "hello", "bob")], default_rules)
    assert [f.vote_id for f in result.findings if f.rule == "identity_probe"] == ["v1"]


@pytest.mark.parametrize("prompt", NOT_PROBES)
def test_questions_about_other_things_are_not_probes(prompt: str, default_rules: Any) -> None:
    assert _detect([_battle("v1", prompt, "alice")], default_rules).findings == ()


def test_repeat_probers_are_named_for_the_voter_audit(default_rules: Any) -> None:
    records = [_battle(f"a{i}", PROBES[i], "alice") for i in range(3)]
    records += [_battle(f"b{i}", PROBES[i], "bob") for i in range(2)]
    records += [_battle(f"c{i}", "hello there", f"carol{i}") for i in range(5)]
    result = _detect(records, default_rules)
    repeated = [f for f in result.findings if f.rule == "identity_probe.repeated"]
    assert [f.subject for f in repeated] == ["voter:alice"]
    assert repeated[0].evidence["probing_votes"] == 3
    assert result.summary["repeat_voters"] == {"alice": 3}
    assert result.summary["probing_votes"] == 5
    assert result.summary["probing_vote_ids"] == ["a0", "a1", "a2", "b0", "b1"]


def test_the_default_policy_reports_probes_but_does_not_invalidate(default_rules: Any) -> None:
    records = [_battle(f"a{i}", PROBES[i], "alice") for i in range(4)]
    table = BattleTable.from_records(records)
    result = get_detector("identity_probe")().detect(table, default_rules)
    cleaning = apply_policy(table, list(result.findings), default_rules, {})
    assert result.findings and cleaning.n_invalidated == 0


def test_probes_match_the_simulators_probe_turns(default_rules: Any) -> None:
    """On a simulated arena the probing votes are exactly those with a bank probe turn."""
    arena = simulate_arena(preset_config("demo", n_battles=3000), seed=3)
    frame = arena.battles.frame
    truth = set()
    for vote_id, conv in zip(frame["vote_id"], frame["conversation_a"], strict=True):
        if isinstance(conv, list) and any(
            m["role"] == "user" and m["content"] in PROBE_FOLLOW_UPS for m in conv
        ):
            truth.add(str(vote_id))
    result = get_detector("identity_probe")().detect(arena.battles, default_rules)
    found = {f.vote_id for f in result.findings if f.rule == "identity_probe"}
    assert truth, "the simulated arena should contain probing follow-ups"
    assert found == truth
