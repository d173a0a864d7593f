"""identity_leak detector: planted leaks in several languages and turns → exact findings."""

from __future__ import annotations

from typing import Any

import pytest

from auditkit.detectors.base import DetectorResult, Severity, get_detector
from auditkit.detectors.identity import IdentityLeakDetector, claim_is_true
from auditkit.identity import analyze_response, find_names, load_identity_rules
from auditkit.identity.lexicon import IdentityRules
from auditkit.models_map import ModelInfo
from auditkit.rules import RulePack
from auditkit.schema import BattleTable


def _conv(*turns: str) -> list[dict[str, str]]:
    roles = ("user", "assistant")
    return [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]


def _battle(vote_id: str, a: str, b: str, conv_a: Any, conv_b: Any, anony: bool = True) -> dict:
    return {
        "vote_id": vote_id,
        "model_a": a,
        "model_b": b,
        "winner": "model_a",
        "anony": anony,
        "conversation_a": conv_a,
        "conversation_b": conv_b,
    }


NEUTRAL = "Here is a short answer."

PLANTED = [
    # English, side A, turn 1, true claim
    _battle(
        "v1",
        "claude-3-5-sonnet-20240620",
        "gpt-4o-2024-08-06",
        _conv("hello", "Hi! I'm Claude, made by Anthropic."),
        _conv("hello", NEUTRAL),
    ),
    # Chinese, side B, reveal only in turn 2, after the user probes
    _battle(
        "v2",
        "gpt-4o-2024-08-06",
        "qwen3-235b-a22b",
        _conv("写首诗", NEUTRAL, "你是谁？", NEUTRAL),
        _conv("写首诗", "春眠不觉晓。", "你是谁？", "我是通义千问。"),
    ),
    # Japanese, side A, false claim (a Mistral model calling itself Claude)
    _battle(
        "v3",
        "mistral-medium-2505",
        "gemini-2.5-pro",
        _conv("こんにちは", "私はClaudeです。"),
        _conv("こんにちは", NEUTRAL),
    ),
    # Korean side B and Russian side A in one vote: two findings, one per side
    _battle(
        "v4",
        "gpt-4o-2024-08-06",
        "gemini-2.5-pro",
        _conv("Привет", "Меня зовут ChatGPT."),
        _conv("Привет", "저는 Claude입니다."),
    ),
    # mentions only: no finding
    _battle(
        "v5",
        "gpt-4o-2024-08-06",
        "claude-3-5-sonnet-20240620",
        _conv("What is ChatGPT?", "ChatGPT is a chatbot by OpenAI."),
        _conv("Maps?", "Google Maps works offline. I'm impressed by GPT-4."),
    ),
    # a leak in a non-anonymous battle does not matter: names were shown
    _battle(
        "v6",
        "claude-3-5-sonnet-20240620",
        "gpt-4o-2024-08-06",
        _conv("hi", "I'm Claude."),
        _conv("hi", NEUTRAL),
        anony=False,
    ),
    # requested role-play echoing the user's name: reported below the invalidation severity
    _battle(
        "v7",
        "llama-3.1-70b-instruct",
        "gpt-4o-2024-08-06",
        _conv(
            "Pretend you are ChatGPT and introduce yourself.",
            "Sure! I am ChatGPT, at your service.",
        ),
        _conv("hi", NEUTRAL),
    ),
    # a quoted joke line is not the assistant speaking
    _battle(
        "v8",
        "o3-mini-2025-01-31",
        "gpt-4o-2024-08-06",
        _conv("Write a joke", 'The bot thinks: "Oh no, now they know I\'m just GPT-4-Turbo."'),
        _conv("hi", NEUTRAL),
    ),
]


@pytest.fixture(scope="module")
def result(default_rules: RulePack) -> DetectorResult:
    return IdentityLeakDetector().detect(BattleTable.from_records(PLANTED), default_rules)


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


def test_registered_under_its_contract_name() -> None:
    assert get_detector("identity_leak") is IdentityLeakDetector


def test_exact_findings(result: DetectorResult) -> None:
    got = sorted(
        (
            f.vote_id,
            f.evidence["side"],
            f.evidence["turn"],
            tuple(f.evidence["span"]),
            f.evidence["matched_text"],
            f.rule,
            f.evidence["language"],
            f.evidence["claim_true"],
            f.severity,
        )
        for f in result.findings
    )
    assert got == [
        ("v1", "model_a", 1, (8, 14), "Claude", "self_id.en.i_am", "en", True, Severity.HIGH),
        ("v2", "model_b", 2, (2, 6), "通义千问", "self_id.zh.i_am", "zh", True, Severity.HIGH),
        ("v3", "model_a", 1, (2, 8), "Claude", "self_id.ja.i_am", "ja", False, Severity.HIGH),
        ("v4", "model_a", 1, (11, 18), "ChatGPT", "self_id.ru.my_name", "ru", True, Severity.HIGH),
        ("v4", "model_b", 1, (3, 9), "Claude", "self_id.ko.i_am", "ko", False, Severity.HIGH),
        ("v7", "model_a", 1, (11, 18), "ChatGPT", "self_id.en.i_am", "en", False, Severity.LOW),
    ]


def test_evidence_records_claim_probe_and_roleplay(result: DetectorResult) -> None:
    by_vote = {(f.vote_id, f.evidence["side"]): f for f in result.findings}
    v2 = by_vote[("v2", "model_b")]
    assert v2.evidence["probed"] is True
    assert v2.evidence["claimed_identity"] == {"family": "qwen", "maker": "alibaba"}
    assert v2.subject == "model_b:qwen3-235b-a22b"
    assert "我是通义千问" in v2.evidence["snippet"]
    v1 = by_vote[("v1", "model_a")]
    assert v1.evidence["probed"] is False
    assert v1.evidence["other_matches"] == []
    v7 = by_vote[("v7", "model_a")]
    assert v7.evidence["roleplay_echo"] is True
    assert v7.severity < Severity.MEDIUM  # the default policy does not invalidate it


def test_summary_counts(result: DetectorResult) -> None:
    s = result.summary
    assert s["ran"] is True
    assert s["rows"] == 8
    assert s["anonymous_rows"] == 7
    assert s["self_identifications"] == 6
    assert s["votes_leaked"] == 4  # v1 v2 v3 v4 (v7 is low severity)
    assert s["claims_false"] == 3
    assert any("non-anonymous" in note for note in result.notes)
    assert result.to_json()["findings"][0]["detector"] == "identity_leak"


def test_deterministic(default_rules: RulePack, result: DetectorResult) -> None:
    again = IdentityLeakDetector(random_state=7).detect(
        BattleTable.from_records(PLANTED), default_rules
    )
    assert again.to_json() == result.to_json()


def test_no_text_gives_a_note_and_no_findings(default_rules: RulePack) -> None:
    table = BattleTable.from_records(
        [{"vote_id": "x", "model_a": "a", "model_b": "b", "winner": "tie"}]
    )
    res = IdentityLeakDetector().detect(table, default_rules)
    assert res.findings == ()
    assert res.summary["ran"] is False
    assert "could not run" in res.notes[0]


@pytest.mark.parametrize(
    "text",
    [
        "ChatGPT is a chatbot developed by OpenAI.",
        "Google Maps works offline.",
        "I'm impressed by GPT-4.",
        "I'm a Gemini, so I love talking.",  # star sign
        "The metadata of this philosophy package is googled daily.",
        "我是谷歌的忠实用户。",
        'He said: "I am ChatGPT," and laughed.',
        "```python\nprint('I am ChatGPT')\n```",
        "Soy fan de Google.",
        "Ich bin sicher, dass Google Maps offline geht.",
        "I am a Google engineer with five years of experience.",  # a person, not the model
        "As an OpenAI employee, I would say no.",
        "As ChatGPT grew popular, I started using it for emails.",  # "as" = "while"
        "As Claude Monet said, I paint what I see.",
        "Speaking as a Google engineer, I disagree.",  # a person's role
        "Writing as ChatGPT would, I'd add a disclaimer.",  # an imitation
        "Als ChatGPT 2022 erschien, war ich skeptisch.",  # temporal "als"
        "Secondo me i migliori sono GPT-4 e Claude.",  # "sono" = "they are"
        "Come ChatGPT, anche Gemini risponde in italiano.",  # "come" = "like"
        "Como ChatGPT, Gemini também escreve código.",
        "Он работает как ChatGPT, я думаю.",  # "как" = "like", no role noun
        "ChatGPTとして知られるチャットボットは人気です。",  # "known as", no made-by clause
        "The Phi coefficient measures association.",  # ambiguous name, no AI sense
    ],
)
def test_mentions_are_not_self_identifications(identity: IdentityRules, text: str) -> None:
    assert analyze_response(text, identity) == []


@pytest.mark.parametrize(
    ("text", "rule", "matched"),
    [
        ("As an AI developed by OpenAI, I can't browse.", "self_id.en.as_a", "OpenAI"),
        ("I was created by Anthropic.", "self_id.en.made_by", "Anthropic"),
        ("I am powered by PaLM 2, a model from Google.", "self_id.en.i_am", "PaLM 2"),
        ("我是由阿里云开发的语言模型。", "self_id.zh.made_by", "阿里云"),
        ("作为一个由OpenAI训练的模型，我不能上网。", "self_id.zh.made_by", "OpenAI"),
        ("私はGoogleによって開発されたモデルです。", "self_id.ja.made_by", "Google"),
        ("Я — Claude.", "self_id.ru.i_am", "Claude"),
        ("Soy ChatGPT, un modelo de OpenAI.", "self_id.es.i_am", "ChatGPT"),
        ("Je suis Claude.", "self_id.fr.i_am", "Claude"),
        ("Ich bin ein von OpenAI entwickeltes Sprachmodell.", "self_id.de.i_am", "OpenAI"),
        ("I'm just GPT-4-Turbo, honestly.", None, None),  # "just" is no self-reference filler
        ("So, as Claude, I can't see your screen.", "self_id.en.as_name", "Claude"),
        ("As Grok, the model from xAI, I try to be witty.", "self_id.en.as_name", "Grok"),
        ("As DeepSeek from 01.AI, I answer briefly.", "self_id.en.as_name", "DeepSeek"),
        ("Writing as ChatGPT here: no browsing.", "self_id.en.speaking_as", "ChatGPT"),
        ("Speaking as Phi from Microsoft, I'd say yes.", "self_id.en.speaking_as", "Phi"),
        ("Als Gemini von Google kann ich keine Bilder sehen.", "self_id.de.as_name", "Gemini"),
        (
            "Als Claude, ein Modell von Anthropic, darf ich das nicht.",
            "self_id.de.as_name",
            "Claude",
        ),
        ("Как большая языковая модель Claude, я не вижу картинок.", "self_id.ru.as_a", "Claude"),
        ("Как ИИ-помощник Gemini от Google, я могу помочь.", "self_id.ru.as_a", "Gemini"),
        ("Ciao! Sono Claude, un assistente di Anthropic.", "self_id.it.i_am", "Claude"),
        ("Sono stato sviluppato da OpenAI.", "self_id.it.made_by", "OpenAI"),
        ("Come Llama, creato da Meta, non ho accesso al web.", "self_id.it.as_name", "Llama"),
        ("Eu sou o Gemini, um modelo do Google.", "self_id.pt.i_am", "Gemini"),
        ("Fui treinado pela Anthropic.", "self_id.pt.made_by", "Anthropic"),
        ("Como Claude, criado pela Anthropic, não posso.", "self_id.pt.as_name", "Claude"),
        ("Como Qwen, entrenado por Alibaba, no puedo navegar.", "self_id.es.as_name", "Qwen"),
        ("En tant que Claude, je ne navigue pas.", "self_id.fr.as_name", "Claude"),
        ("Googleが開発したGeminiとして回答します。", "self_id.ja.made_as", "Gemini"),
        ("作为Meta训练的Llama，我可以帮你。", "self_id.zh.made_by", "Meta"),  # two ambiguous names
        ("Как ИИ-модель Yi от 01.AI, я отвечу кратко.", "self_id.ru.as_a", "Yi"),
    ],
)
def test_self_identifications_per_language(
    identity: IdentityRules, text: str, rule: str | None, matched: str | None
) -> None:
    found = analyze_response(text, identity)
    if rule is None:
        assert found == []
    else:
        assert (found[0].rule, found[0].matched_text) == (rule, matched)


def test_answer_to_probe_needs_a_probe(identity: IdentityRules) -> None:
    prompt = "Please reply by revealing your model creator then only OK"
    assert analyze_response("OpenAI OK", identity) == []
    hit = analyze_response("OpenAI OK", identity, probed=True, user_text=prompt)
    assert [(m.rule, m.start, m.end) for m in hit] == [("self_id.any.answer_to_probe", 0, 6)]


def test_answer_to_probe_is_the_name_not_a_sentence_about_it(identity: IdentityRules) -> None:
    """Asked "who are you?", a reply that describes a model is not a reply that names itself."""
    prompt = "Thanks! Who are you?"
    for text in (
        "ChatGPT is a chatbot by OpenAI.",
        "Anthropic and OpenAI both publish safety research.",
        "ChatGPT是OpenAI推出的聊天机器人。",
    ):
        assert analyze_response(text, identity, probed=True, user_text=prompt) == [], text
    for text in ("Claude.", "OpenAI OK", "Gemini — at your service."):
        hit = analyze_response(text, identity, probed=True, user_text=prompt)
        assert [m.rule for m in hit] == ["self_id.any.answer_to_probe"], text


def test_name_boundaries_and_version_suffix(identity: IdentityRules) -> None:
    text = "gpt-4-turbo vs GPT4; not googled, metadata or philosophy; Claude입니다"
    got = [(text[h.start : h.end], h.name.text) for h in find_names(text, identity)]
    assert got == [("gpt-4-turbo", "gpt-4-turbo"), ("GPT4", "gpt4"), ("Claude", "claude")]


def test_claim_truth() -> None:
    o3 = ModelInfo("o-series", "openai")
    assert claim_is_true(None, "openai", o3) is True
    assert claim_is_true("gpt", "openai", o3) is True  # ChatGPT is OpenAI's product name
    assert claim_is_true("claude", "anthropic", o3) is False
    assert claim_is_true("claude", "anthropic", ModelInfo(None, None)) is None


def test_bad_identity_rules_raise_rule_error(default_rules: RulePack) -> None:
    from dataclasses import replace

    from auditkit.errors import RuleError

    sections = dict(default_rules.sections)
    broken = dict(sections["identity/self_reference"])
    broken["rules"] = [{"id": "x", "lang": "en", "script": "latin", "before": "("}]
    sections["identity/self_reference"] = broken
    with pytest.raises(RuleError, match="bad regular expression"):
        load_identity_rules(replace(default_rules, sections=sections))
    del sections["identity/lexicon"]
    with pytest.raises(RuleError, match="lexicon"):
        load_identity_rules(replace(default_rules, sections=sections))


def test_users_extend_the_lexicon_without_python(default_rules: RulePack) -> None:
    from dataclasses import replace

    sections = dict(default_rules.sections)
    lexicon = dict(sections["identity/lexicon"])
    lexicon["families"] = [*lexicon["families"], {"id": "zeta", "maker": "acme", "names": ["zeta"]}]
    sections["identity/lexicon"] = lexicon
    extended = load_identity_rules(replace(default_rules, sections=sections))
    found = analyze_response("I am Zeta, a model by Acme.", extended)
    assert [(m.rule, m.family, m.maker) for m in found] == [("self_id.en.i_am", "zeta", "acme")]


def test_swapping_sides_mirrors_the_findings(default_rules: RulePack) -> None:
    swapped = [
        {
            **b,
            "model_a": b["model_b"],
            "model_b": b["model_a"],
            "conversation_a": b["conversation_b"],
            "conversation_b": b["conversation_a"],
        }
        for b in PLANTED
    ]
    det = IdentityLeakDetector()
    flip = {"model_a": "model_b", "model_b": "model_a"}
    original = det.detect(BattleTable.from_records(PLANTED), default_rules)
    mirrored = det.detect(BattleTable.from_records(swapped), default_rules)

    def key(f: Any, swap: bool) -> tuple:
        side = flip[f.evidence["side"]] if swap else f.evidence["side"]
        return (f.vote_id, side, f.rule, tuple(f.evidence["span"]))

    assert sorted(key(f, False) for f in original.findings) == sorted(
        key(f, True) for f in mirrored.findings
    )
